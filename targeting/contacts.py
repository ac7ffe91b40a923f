"""Normalise and SHA-256-hash customer e-mails and phones the way ad platforms match customer lists.

The rule is written once, as DuckDB SQL expressions (`email_sql`, `phone_sql`), so the audience
query hashes a million rows inside DuckDB; the Python functions below run the very same
expressions over an Arrow column. Normalised values are null when the input is empty or unparseable.

E-mail: surrounding whitespace removed, lower-cased; it must then look like `local@domain.tld`
with no whitespace inside. (Google Customer Match and Meta both ask for trimmed, lower-case
addresses; Google no longer requires removing dots from gmail.com addresses.)

Phone, to E.164 digits without the `+` (Meta and TikTok hash this form; Google Customer Match
hashes the E.164 form *with* the `+`, see `phone_hash_sql(..., with_plus=True)`):
  1. remove surrounding whitespace, a "(0)" (as in "+49 (0)30 ..."), then spaces, dashes, dots,
     brackets and slashes;
  2. `+` followed by digits: international, the digits are kept;
     `00` followed by digits: international, the `00` is dropped;
     digits only: a national number; it takes the dialling code of the customer's country
     (`DIALLING_CODES`) after losing its trunk prefix: one leading `0` (or `0`/`1` in the North
     American plan); Italy, San Marino and the Vatican keep the leading 0, which is part of their
     numbers. Without a known country a national number is unparseable;
     anything else (letters, extensions, a second `+`): unparseable;
  3. the result must be 8 to 15 digits not starting with 0 (E.164 allows at most 15).
"""

from collections.abc import Iterable

import duckdb
import pyarrow as pa

# ISO 3166 alpha-2 -> international dialling code, for the shops' most common countries
DIALLING_CODES: dict[str, str] = {
    "AT": "43", "AU": "61", "BE": "32", "BG": "359", "BR": "55", "CA": "1", "CH": "41", "CY": "357",
    "CZ": "420", "DE": "49", "DK": "45", "EE": "372", "ES": "34", "FI": "358", "FR": "33", "GB": "44",
    "GR": "30", "HR": "385", "HU": "36", "IE": "353", "IN": "91", "IS": "354", "IT": "39", "JP": "81",
    "LI": "423", "LT": "370", "LU": "352", "LV": "371", "MT": "356", "MX": "52", "NL": "31", "NO": "47",
    "NZ": "64", "PL": "48", "PT": "351", "RO": "40", "SE": "46", "SI": "386", "SK": "421", "SM": "378",
    "TR": "90", "UA": "380", "US": "1", "VA": "39", "ZA": "27",
}  # fmt: skip
KEEPS_LEADING_ZERO = ("IT", "SM", "VA")  # the 0 of a national number is part of the E.164 number
NANP_CODE = "1"  # North American plan: the national trunk prefix is 1 (0 is tolerated as a typo)


def email_sql(email: str) -> str:
    """SQL for the normalised e-mail of the SQL expression `email` (a column from our own code)."""
    trimmed = f"lower(regexp_replace({email}, '^\\s+|\\s+$', '', 'g'))"
    return f"(case when regexp_full_match({trimmed}, '[^@\\s]+@[^@\\s]+\\.[^@\\s]+') then {trimmed} end)"


def phone_sql(phone: str, country: str) -> str:
    """SQL for the E.164 digits (no `+`) of the SQL expressions `phone` and `country`; null if unparseable."""
    codes = "MAP {" + ", ".join(f"'{iso}': '{code}'" for iso, code in DIALLING_CODES.items()) + "}"
    keeps_zero = ", ".join(f"'{iso}'" for iso in KEEPS_LEADING_ZERO)
    # separators: space, tab, newline, carriage return, no-break space, and - . / ( )
    separators = "' -./()' || chr(9) || chr(10) || chr(13) || chr(160)"
    # each lambda binds its values once instead of repeating their expressions; a map lookup and
    # translate() instead of regular expressions keep a million phones to about a second
    return f"""list_transform([struct_pack(
        c := translate(replace({phone}, '(0)', ''), {separators}, ''),
        iso := upper(trim({country})),
        code := map_extract_value({codes}, upper(trim({country}))))],
      lambda x: list_transform([case
          when starts_with(x.c, '+') then substr(x.c, 2)
          when starts_with(x.c, '00') then substr(x.c, 3)
          when x.iso in ({keeps_zero}) then x.code || x.c
          when x.code = '{NANP_CODE}' and substr(x.c, 1, 1) in ('0', '1') then x.code || substr(x.c, 2)
          when x.code <> '{NANP_CODE}' and starts_with(x.c, '0') then x.code || substr(x.c, 2)
          else x.code || x.c
        end], lambda d: case when regexp_full_match(d, '[1-9][0-9]{{7,14}}') then d end)[1]
    )[1]"""


def sha256_sql(normalized: str, *, with_plus: bool = False) -> str:
    """SQL for the hex SHA-256 of a normalised value (null stays null).

    `with_plus` hashes "+" and the phone digits: the E.164 form Google Customer Match expects.
    """
    return f"sha256('+' || {normalized})" if with_plus else f"sha256({normalized})"


def email_hash_sql(email: str) -> str:
    return sha256_sql(email_sql(email))


def phone_hash_sql(phone: str, country: str, *, with_plus: bool = False) -> str:
    return sha256_sql(phone_sql(phone, country), with_plus=with_plus)


def normalize_emails(emails: Iterable[str | None] | pa.Array) -> pa.Array:
    return _run_over_arrow(email_sql("email"), emails, None)


def normalize_phones(phones, countries=None) -> pa.Array:
    """E.164 digits of each phone; `countries` (ISO alpha-2, one per phone) places national numbers."""
    return _run_over_arrow(phone_sql("phone", "country"), phones, countries)


def hash_emails(emails) -> pa.Array:
    return _run_over_arrow(email_hash_sql("email"), emails, None)


def hash_phones(phones, countries=None, *, with_plus: bool = False) -> pa.Array:
    return _run_over_arrow(phone_hash_sql("phone", "country", with_plus=with_plus), phones, countries)


def _run_over_arrow(expression: str, values, countries) -> pa.Array:
    """Evaluate a normalisation expression in an in-memory DuckDB over Arrow columns (vectorised)."""
    values = _as_string_array(values)
    countries = pa.nulls(len(values), pa.string()) if countries is None else _as_string_array(countries)
    if len(countries) != len(values):
        raise ValueError(f"{len(values)} values but {len(countries)} countries")
    frame = pa.table({"email": values, "phone": values, "country": countries})
    with duckdb.connect() as connection:
        connection.register("frame", frame)
        result = connection.sql(f"select {expression} as value from frame").to_arrow_table()
    return result.column("value").combine_chunks() if result.num_rows else pa.array([], pa.string())


def _as_string_array(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values.cast(pa.string())
    return pa.array(
        list(values) if not hasattr(values, "to_numpy") else values, type=pa.string(), from_pandas=True
    )
