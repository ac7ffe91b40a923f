"""The queries file (PULSE_SOURCE_QUERIES): one SQL query per contract table, as YAML `table: query`."""

from pathlib import Path

import yaml

from pipeline.raw.contract import ENTITIES
from pipeline.raw.errors import RawDataError

_NAMES = tuple(entity.name for entity in ENTITIES)


def read_queries(path: Path) -> dict[str, str]:
    """Contract table -> its SQL, in the contract's order; `orders` is required, the others optional."""
    try:
        queries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise RawDataError(f"{path}: not a readable YAML file of queries ({error})") from error
    if not isinstance(queries, dict):
        raise RawDataError(f"{path}: expected one query per table, e.g. `orders: select ... from ...`")
    unknown = [str(name) for name in queries if name not in _NAMES]
    if unknown:
        raise RawDataError(
            f"{path}: {', '.join(unknown)} {'is not a table' if len(unknown) == 1 else 'are not tables'} of "
            f"the data contract (tables: {', '.join(_NAMES)})"
        )
    blank = [name for name, sql in queries.items() if not isinstance(sql, str) or not sql.strip()]
    if blank:
        raise RawDataError(f"{path}: the query of {', '.join(blank)} is empty or not text")
    if "orders" not in queries:
        raise RawDataError(f"{path}: no query for orders, the one required table (docs/shop-database.md)")
    # a trailing semicolon would break the statement once the driver wraps it
    return {name: queries[name].strip().rstrip(";").strip() for name in _NAMES if name in queries}
