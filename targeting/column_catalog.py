"""The columns an audience filter may use: those of customers, customer_predictions and category propensity.

Every table joins on `customer_id`; the propensity table is long (one row per customer and category)
and is narrowed to the audience's `category` before the join, so its `category` column is implied.
A column name found in one table may be written bare; one found in several must be qualified
(`customers.expected_next_order_date`). Each column gets a unique alias in the audience's base relation.
"""

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

CUSTOMERS = "customers"
PREDICTIONS = "customer_predictions"
CATEGORY_PROPENSITY = "customer_category_propensity"
TABLES = (CUSTOMERS, PREDICTIONS, CATEGORY_PROPENSITY)  # join order; customers is the base
JOIN_KEY = "customer_id"
CATEGORY_COLUMN = "category"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# DuckDB type names (as DESCRIBE prints them) to the kinds the filter language type-checks
_KINDS = (
    ("boolean", re.compile(r"^BOOL")),
    ("temporal", re.compile(r"^(DATE|TIME|TIMESTAMP|INTERVAL)")),
    (
        "number",
        re.compile(
            r"^(TINYINT|SMALLINT|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINT|UBIGINT|UHUGEINT"
            r"|INTEGER|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC)"
        ),
    ),
    ("string", re.compile(r"^(VARCHAR|TEXT|STRING|CHAR|BPCHAR|UUID|ENUM)")),
)


def type_kind(sql_type: str) -> str:
    """'number', 'string', 'boolean', 'temporal' or 'other' (not type-checked) for a DuckDB type name."""
    upper = sql_type.strip().upper()
    return next((kind for kind, pattern in _KINDS if pattern.match(upper)), "other")


@dataclass(frozen=True)
class CatalogColumn:
    table: str
    name: str
    sql_type: str
    alias: str  # its name in the audience's base relation

    @property
    def kind(self) -> str:
        return type_kind(self.sql_type)

    @property
    def qualified(self) -> str:
        return f"{self.table}.{self.name}"


class UnknownColumnError(LookupError):
    """A filter names a column that is not in the catalog (or names it ambiguously)."""


class ColumnCatalog:
    """Columns of the three audience tables, given as {table: {column: DuckDB type}}."""

    def __init__(self, tables: Mapping[str, Mapping[str, str]]) -> None:
        unknown = sorted(set(tables) - set(TABLES))
        if unknown:
            raise ValueError(f"unknown audience tables {unknown}: expected some of {list(TABLES)}")
        if CUSTOMERS not in tables or JOIN_KEY not in tables[CUSTOMERS]:
            raise ValueError(f"the catalog needs the '{CUSTOMERS}' table with its '{JOIN_KEY}' column")
        pairs = []
        for table in TABLES:
            for name, sql_type in tables.get(table, {}).items():
                if not _IDENTIFIER.fullmatch(name):
                    raise ValueError(f"{table}.{name}: column names must be plain identifiers")
                implied = (table != CUSTOMERS and name == JOIN_KEY) or (
                    table == CATEGORY_PROPENSITY and name == CATEGORY_COLUMN
                )
                if not implied:
                    pairs.append((table, name, str(sql_type)))
        seen: dict[str, int] = {}
        for _, name, _ in pairs:
            seen[name.lower()] = seen.get(name.lower(), 0) + 1
        self.columns = tuple(
            CatalogColumn(table, name, sql_type, name if seen[name.lower()] == 1 else f"{table}__{name}")
            for table, name, sql_type in pairs
        )
        self.tables = tuple(table for table in TABLES if table in tables)
        self._by_qualified = {column.qualified.lower(): column for column in self.columns}
        self._by_name: dict[str, list[CatalogColumn]] = {}
        for column in self.columns:
            self._by_name.setdefault(column.name.lower(), []).append(column)

    @classmethod
    def from_duckdb(cls, connection, relations: Mapping[str, str]) -> "ColumnCatalog":
        """Read the columns of each relation ({logical table: relation name}) from a DuckDB connection."""
        tables = {}
        for table, relation in relations.items():
            described = connection.table(relation)
            tables[table] = {
                name: str(kind) for name, kind in zip(described.columns, described.types, strict=True)
            }
        return cls(tables)

    def resolve(self, written: str) -> CatalogColumn:
        """The column a filter means by `written` (bare or table-qualified), case-insensitively."""
        key = written.lower()
        if "." in key:
            if key in self._by_qualified:
                return self._by_qualified[key]
        elif key in self._by_name:
            matches = self._by_name[key]
            if len(matches) == 1:
                return matches[0]
            options = " or ".join(column.qualified for column in matches)
            raise UnknownColumnError(f"column '{written}' is in several tables: write {options}")
        raise UnknownColumnError(f"unknown column '{written}'{self._suggestion(written)}")

    def _suggestion(self, written: str) -> str:
        names = sorted({c.name for c in self.columns} | {c.qualified for c in self.columns})
        close = difflib.get_close_matches(written, names, n=3, cutoff=0.6)
        if close:
            return " (did you mean " + " or ".join(f"'{name}'" for name in close) + "?)"
        return " (known columns: " + ", ".join(sorted({c.name for c in self.columns})) + ")"
