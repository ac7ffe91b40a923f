"""Errors about the shop's own files: they name the file and the column so the fix is obvious."""

from pathlib import Path

from pipeline.raw.contract import RawEntity


class RawDataError(ValueError):
    """A raw file breaks the data contract (missing file, missing required column, unreadable)."""

    # the console's last line after the message: what to fix, and where it is described
    advice = "Fix the file and run again (docs/data-contract.md: what each file holds)."


def export_again(entity: RawEntity) -> str:
    """What to do about an unusable file: a required one must be exported again, an optional one may go."""
    if entity.required:
        return f"Export it again; {entity.name} is required."
    return f"Export it again, or remove it if you have no {entity.name} ({entity.name} is optional)."


def not_utf8(path: Path, offset: int, line: int, byte: int) -> RawDataError:
    """A byte that is not UTF-8, located by byte offset and line (1 = the header)."""
    row = "the header" if line == 1 else f"data row {line - 1:,}"
    where = f"byte {offset:,}, line {line:,} ({row})"
    convert = f"iconv -f WINDOWS-1252 -t UTF-8 {path.name} > utf8-{path.name}"
    if path.name.endswith(".gz"):
        convert = f"gunzip -c {path.name} | iconv -f WINDOWS-1252 -t UTF-8 | gzip > utf8-{path.name}"
    return RawDataError(
        f"{path}: not UTF-8 text: byte 0x{byte:02X} at {where} cannot be decoded; the file is probably "
        "Latin-1 / Windows-1252. Save it as UTF-8 (in Excel: 'CSV UTF-8') or convert it "
        f"(`{convert}`), then run again."
    )
