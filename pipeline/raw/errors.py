"""Errors about the shop's own files: they name the file and the column so the fix is obvious."""


class RawDataError(ValueError):
    """A raw file breaks the data contract (missing file, missing required column, unreadable)."""
