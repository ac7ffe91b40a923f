"""Object keys under the publish root: relative, '/'-separated, from a safe character set, so a table or
audience name can never address anything outside its own folder, locally or on S3."""

import re

_SEGMENT = re.compile(r"^[A-Za-z0-9_.=+-]+$")


class UnsafeKeyError(ValueError):
    """A key built from a name would leave its folder or use characters storage may not treat alike."""


def checked_key(key: str) -> str:
    """`key` itself when it is a safe relative key; UnsafeKeyError naming the problem otherwise."""
    problem = None
    if not key:
        problem = "it is empty"
    elif "\\" in key:
        problem = "it contains a backslash"
    elif key.startswith("/") or re.match(r"^[A-Za-z]:", key):
        problem = "it is an absolute path"
    elif any(part in ("", ".", "..") for part in key.split("/")):
        problem = "it has an empty, '.' or '..' part"
    elif bad := sorted({c for c in key.replace("/", "") if not _SEGMENT.match(c)}):
        problem = f"it contains {''.join(bad)!r}; allowed: letters, digits, '_', '-', '.', '=', '+', '/'"
    if problem:
        raise UnsafeKeyError(
            f"{key!r} is not a safe storage key: {problem} (keys are relative, like "
            "'audience_exports/lapsed.csv')"
        )
    return key
