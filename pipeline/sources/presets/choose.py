"""Which preset reads a raw folder: PULSE_SOURCE_FORMAT, else the file names and headers found there."""

from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from types import ModuleType

from pipeline.raw.contract import ENTITIES
from pipeline.raw.errors import RawDataError
from pipeline.raw.files import find_entity_files
from pipeline.sources.presets import shopify, woocommerce
from pipeline.sources.presets.export_file import column_key, read_header

PRESETS: dict[str, ModuleType] = {shopify.NAME: shopify, woocommerce.NAME: woocommerce}


@dataclass(frozen=True)
class Chosen:
    preset: ModuleType
    files: list[Path]


def _is_export(path: Path, preset: ModuleType) -> bool:
    try:
        _, header = read_header(path, preset.KNOWN)
    except RawDataError:
        return False  # an unreadable stray file is not this preset's export
    keys = {column_key(name) for name in header}
    return all(column_key(name) in keys for name in preset.SIGNATURE)


def _candidates(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith((".csv", ".csv.gz")))


def choose_preset(folder: Path, source_format: str) -> Chosen | None:
    """None: the folder holds the contract's own files. Auto-detection never overrides an orders file."""
    if source_format == "contract":
        return None
    if source_format == "auto" and find_entity_files(folder, ENTITIES[0]):
        return None
    presets = [PRESETS[source_format]] if source_format in PRESETS else list(PRESETS.values())
    for preset in presets:
        files = [p for p in _candidates(folder) if _is_export(p, preset)]
        if files:
            return Chosen(preset, files)
    if source_format in PRESETS:
        preset = PRESETS[source_format]
        columns = ", ".join(preset.SIGNATURE)
        raise RawDataError(
            f"{folder}: PULSE_SOURCE_FORMAT={source_format} but no {preset.LABEL} is there (looked for CSV "
            f"files whose header has {columns}); unset PULSE_SOURCE_FORMAT to detect the format"
        )
    _refuse_a_named_export_with_another_header(folder)
    return None


def _refuse_a_named_export_with_another_header(folder: Path) -> None:
    """A file named like a preset's export whose header is not that export's: say what it lacks."""
    for preset in PRESETS.values():
        for path in _candidates(folder):
            if preset.FILE_PATTERN and fnmatch(path.name.lower(), preset.FILE_PATTERN):
                _, header = read_header(path, preset.KNOWN)
                keys = {column_key(name) for name in header}
                lacking = [name for name in preset.SIGNATURE if column_key(name) not in keys]
                raise RawDataError(
                    f"{path}: named like a {preset.LABEL} but its header lacks {', '.join(lacking)} "
                    f"(found: {', '.join(header)}); export it again with all its columns, or name the "
                    "columns as docs/data-contract.md says and call the file orders.csv"
                )
