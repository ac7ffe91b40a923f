"""Customer keys that are e-mails or phones, replaced where they enter by a keyed pseudonym (HMAC-SHA-256).

The same address gives the same pseudonym in every file and every run (the salt is the key), so orders,
customers, web events and communications still join. The plain value is kept only as a contact in
`raw.customers` (email, phone), which audiences hash on export; no other table ever holds it.
"""

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "pk_"  # pseudonymised key: tells a reader the key is not the shop's own
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SEPARATORS = re.compile(r"[\s\-./()]")
# international (+ or 00 and a country code) or national (one trunk 0): zero-padded ids such as 0000012345
# and plain numbers such as 1234567890 stay ids
_PHONE = re.compile(r"^(?:\+[1-9]\d{7,14}|00[1-9]\d{6,13}|0[1-9]\d{7,12})$")
# a quick vectorised pre-check: only values with an @ or a leading +/0 may need the per-value test
MAYBE_CONTACT = r"@|^\s*\(?(\+|0)"


def contact_kind(value: str) -> str | None:
    """'email', 'phone' or None for a customer key."""
    value = value.strip()
    if "@" in value:
        return "email" if _EMAIL.match(value) else None
    return "phone" if _PHONE.match(_SEPARATORS.sub("", value)) else None


def _normalised(value: str, kind: str) -> str:
    if kind == "email":
        return value.strip().lower()
    digits = _SEPARATORS.sub("", value)
    return "+" + digits[2:] if digits.startswith("00") else digits


def salt_path(duckdb_path: Path) -> Path:
    return Path(duckdb_path).with_name(Path(duckdb_path).name + ".pseudonym-salt")


@dataclass
class Pseudonyms:
    """Keys pseudonyms with the configured salt, or the one kept beside the warehouse (made on first need)."""

    configured_salt: str | None = field(default=None, repr=False)
    duckdb_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    _salt: bytes | None = field(default=None, repr=False)

    def _key(self) -> bytes:
        if self._salt is None:
            self._salt = (self.configured_salt or self._kept_salt()).encode()
        return self._salt

    def _kept_salt(self) -> str:
        path = salt_path(self.duckdb_path or Path("warehouse.duckdb"))
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        # created readable by its owner only; never logged, only its place is
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        self.notes.append(
            f"Customer keys that are e-mails or phones are pseudonymised with a salt generated in {path}: "
            "keep that file beside the warehouse (without it the keys change), or set PULSE_PSEUDONYM_SALT"
        )
        return path.read_text().strip()

    def pseudonym(self, value: str, kind: str) -> str:
        digest = hmac.new(self._key(), _normalised(value, kind).encode(), hashlib.sha256).hexdigest()
        return PREFIX + digest[:32]
