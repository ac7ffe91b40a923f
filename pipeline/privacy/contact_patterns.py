"""What counts as an e-mail- or phone-shaped string inside published text, and how to show one masked."""

import re

# a whole address inside any text; hashes, pseudonyms (pk_<hex>) and amounts have no '@'
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# a run of digits with phone punctuation, not glued to letters, '_', '.', ':' or '/': digits inside
# hex digests, pk_ ids, decimals, times and paths are never candidates
_PHONE_CANDIDATE = re.compile(r"(?<![\w.:/@-])\+?\(?\d[\d \-()]{5,22}\d\)?(?![\w.:/@-]|-\d)")
_DATE = re.compile(r"^\d{4}[-/ ]\d{1,2}[-/ ]\d{1,2}$|^\d{1,2}[-/ ]\d{1,2}[-/ ]\d{4}$")
# national numbers written without punctuation, as sources/pseudonyms.py reads keys: one trunk 0, so
# zero-padded ids (0000012345) and plain integer ids (1234567890) stay ids
_PLAIN_NATIONAL = re.compile(r"^0[1-9]\d{7,12}$")
# international without '+': 00 and a country code
_PLAIN_INTERNATIONAL = re.compile(r"^00[1-9]\d{6,13}$")
MIN_DIGITS, MAX_DIGITS = 7, 15
# cheap pre-filters (RE2: DuckDB's and Arrow's syntax) a value must pass before the exact tests run, so a
# column of ten million order ids is not handed to Python. MAYBE_CONTACT: an '@', or a digit run that
# _PHONE_CANDIDATE could start (RE2 has no look-behind, so the character before it is matched instead)
MAYBE_CONTACT = r"@|(?:^|[^\w.:/@-])\+?\(?\d[\d \-()]{5,}\d"
# ...except a value of digits only, which is a phone only when dialled like one (_PLAIN_*): e.g. 1234567
ONLY_DIGITS = r"^\d+$"
PLAIN_PHONE = r"^(?:0[1-9]\d{7,12}|00[1-9]\d{6,13})$"


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS or _DATE.match(candidate):
        return False
    if candidate.startswith("+"):
        return True
    if candidate == digits:  # no punctuation at all: an id unless it is dialled like a phone
        return bool(_PLAIN_NATIONAL.match(digits) or _PLAIN_INTERNATIONAL.match(digits))
    groups = re.findall(r"\d+", candidate)
    if " " in candidate and "-" not in candidate and all(len(group) == 3 for group in groups[1:]):
        return False  # '1 234 567': an amount with thousands separators
    # '2019-2020', '12 500' read as ranges and amounts; phones come in three or more groups, or with
    # an area code in parentheses, or with a trunk 0
    return "(" in candidate or len(groups) >= 3 or digits.startswith("0")


def find_contacts(text: str) -> list[tuple[str, str]]:
    """Every ('email' | 'phone', value) inside `text`."""
    found = [("email", match.group()) for match in EMAIL.finditer(text)]
    without_emails = EMAIL.sub(" ", text)
    found += [
        ("phone", match.group().strip())
        for match in _PHONE_CANDIDATE.finditer(without_emails)
        if _is_phone(match.group().strip())
    ]
    return found


def mask(kind: str, value: str) -> str:
    """Enough to recognise the shape, never the value: `an***@example.com`, `+3***78`."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:2]}***@{domain}"
    digits = re.sub(r"\D", "", value)
    return f"{'+' if value.startswith('+') else ''}{digits[:1]}***{digits[-2:]}"
