"""Which column mapping file a run uses: PULSE_SOURCE_MAPPING, else a pulse_mapping.yml in the raw folder.

The file beside the export is found by itself (so a folder or an S3 prefix carries its own mapping); the
setting names one kept elsewhere. A mapping is the shop's explicit word, so it wins over guessing a preset
or the contract's files; PULSE_SOURCE_FORMAT=contract, shopify or woocommerce ignores it.
"""

from dataclasses import dataclass
from pathlib import Path

from pipeline.settings.sources import SourceSettings
from pipeline.sources.mapping.yaml_text import MappingError

MAPPING_NAMES = ("pulse_mapping.yml", "pulse_mapping.yaml")
DOC = "docs/column-mapping.md"


@dataclass(frozen=True)
class Located:
    path: Path
    why: str  # for the console: how this file came to be used


def _beside(folder: Path) -> Path | None:
    return next((folder / name for name in MAPPING_NAMES if (folder / name).is_file()), None)


def locate_mapping(folder: Path, options: SourceSettings) -> Located | None:
    if options.source_format == "mapping":
        if options.source_mapping:
            path = Path(options.source_mapping).expanduser()
            path = path if path.is_absolute() else folder / path
            if not path.is_file():
                raise MappingError(
                    f"PULSE_SOURCE_MAPPING={options.source_mapping}: no such file ({path}); give an absolute "
                    f"path or one relative to the raw folder ({DOC})"
                )
            return Located(path, "PULSE_SOURCE_MAPPING")
        if (path := _beside(folder)) is None:
            raise MappingError(
                f"{folder}: PULSE_SOURCE_FORMAT=mapping but there is no {MAPPING_NAMES[0]} here; write one "
                f"({DOC}) or set PULSE_SOURCE_MAPPING"
            )
        return Located(path, "PULSE_SOURCE_FORMAT=mapping")
    if options.source_format == "auto" and (path := _beside(folder)) is not None:
        return Located(path, f"{path.name} in the raw folder; PULSE_SOURCE_FORMAT=contract ignores it")
    return None
