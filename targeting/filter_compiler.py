"""Compile a parsed audience filter to a DuckDB WHERE clause: quoted, checked columns and bound values only.

The clause reads the audience's base relation (`audience_base`: customers joined to predictions and,
when the audience names a category, to that category's propensity). Every literal becomes a named
parameter (`$f0`, `$f1`, ...), every column a quoted alias from the catalog; the SQL text itself
never contains a value from the filter. Percentiles are scalar subqueries over the whole base
relation, so `p75(predicted_clv)` is the 75th percentile among all customers, not among those the
rest of the filter keeps.
"""

from dataclasses import dataclass

from targeting.column_catalog import CATEGORY_PROPENSITY, CatalogColumn, ColumnCatalog, UnknownColumnError
from targeting.filter_syntax import (
    BoolOp,
    Column,
    Comparison,
    Expression,
    FilterError,
    InList,
    IsNull,
    Literal,
    Not,
    Operand,
    Percentile,
    Truthy,
)

BASE_RELATION = "audience_base"
_ORDERING_OPS = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class CompiledFilter:
    where_sql: str
    params: dict[str, object]
    columns: tuple[CatalogColumn, ...]  # every column the filter reads, each once, in catalog order


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def compile_filter(
    expression: Expression, catalog: ColumnCatalog, *, has_category: bool, param_prefix: str = "f"
) -> CompiledFilter:
    """Type-check `expression` against `catalog` and render it as SQL with named parameters.

    `has_category` says whether the audience narrows the propensity table to one category; without it,
    reading a propensity column is an error (its value would be one row per category).
    """
    compiler = _Compiler(catalog, has_category, param_prefix)
    sql = compiler.expression(expression)
    used = tuple(column for column in catalog.columns if column in compiler.used)
    return CompiledFilter(sql, compiler.params, used)


class _Compiler:
    def __init__(self, catalog: ColumnCatalog, has_category: bool, param_prefix: str) -> None:
        self.catalog = catalog
        self.has_category = has_category
        self.prefix = param_prefix
        self.params: dict[str, object] = {}
        self.used: set[CatalogColumn] = set()

    def bind(self, value: object) -> str:
        name = f"{self.prefix}{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def expression(self, node: Expression) -> str:
        if isinstance(node, BoolOp):
            return "(" + f" {node.op} ".join(self.expression(item) for item in node.items) + ")"
        if isinstance(node, Not):
            return f"(not {self.expression(node.item)})"
        if isinstance(node, Comparison):
            return self.comparison(node)
        if isinstance(node, InList):
            column = self.column_operand(node.operand, "'in'")
            kinds = {value.kind for value in node.values}
            for value in node.values:
                self.check_compatible(column.kind, value.kind, "=", value.position, column.name, value)
            if len(kinds) > 1:
                raise FilterError("the values of an 'in' list must all be of one type", node.position)
            values = ", ".join(self.bind(value.value) for value in node.values)
            return f"({quote_identifier(column.alias)} {'not in' if node.negated else 'in'} ({values}))"
        if isinstance(node, IsNull):
            column = self.column_operand(node.operand, "'is null'")
            return f"({quote_identifier(column.alias)} is {'not null' if node.negated else 'null'})"
        if isinstance(node, Truthy):
            if not isinstance(node.operand, Column):
                raise FilterError("a value alone is not a condition: compare a column with it", node.position)
            column = self.resolve(node.operand)
            if column.kind != "boolean":
                raise FilterError(
                    f"'{node.operand.name}' is a {column.kind} column, not a condition: compare it, "
                    f"e.g. {node.operand.name} > 0",
                    node.position,
                )
            return f"({quote_identifier(column.alias)})"
        raise TypeError(f"not a filter node: {node!r}")  # pragma: no cover - the parser makes only the above

    def comparison(self, node: Comparison) -> str:
        if not (isinstance(node.left, Column) or isinstance(node.right, Column)):
            raise FilterError("a comparison needs a column on at least one side", node.position)
        left_sql, left_kind = self.operand(node.left)
        right_sql, right_kind = self.operand(node.right)
        column, other = (node.left, node.right) if isinstance(node.left, Column) else (node.right, node.left)
        column_kind = left_kind if column is node.left else right_kind
        other_kind = right_kind if column is node.left else left_kind
        self.check_compatible(column_kind, other_kind, node.op, node.position, column.name, other)
        return f"({left_sql} {node.op} {right_sql})"

    def operand(self, node: Operand) -> tuple[str, str]:
        if isinstance(node, Literal):
            return self.bind(node.value), node.kind
        if isinstance(node, Percentile):
            column = self.resolve(node.column)
            if column.kind != "number":
                raise FilterError(
                    f"percentiles need a number column; '{node.column.name}' is {column.kind}", node.position
                )
            alias = quote_identifier(column.alias)
            fraction = self.bind(node.fraction)
            return f"(select quantile_cont({alias}, {fraction}) from {BASE_RELATION})", "number"
        column = self.resolve(node)
        return quote_identifier(column.alias), column.kind

    def column_operand(self, node: Operand, construct: str) -> CatalogColumn:
        if not isinstance(node, Column):
            raise FilterError(f"{construct} applies to a column", node.position)
        return self.resolve(node)

    def resolve(self, node: Column) -> CatalogColumn:
        try:
            column = self.catalog.resolve(node.name)
        except UnknownColumnError as error:
            raise FilterError(str(error), node.position) from None
        if column.table == CATEGORY_PROPENSITY and not self.has_category:
            raise FilterError(
                f"'{node.name}' is a category propensity column: set the audience's `category` to use it",
                node.position,
            )
        self.used.add(column)
        return column

    @staticmethod
    def check_compatible(
        column_kind: str, other_kind: str, op: str, position: int, name: str, other: Operand
    ) -> None:
        if "other" in (column_kind, other_kind) or column_kind == other_kind:
            compatible = True
        else:
            # a date or timestamp compares with an ISO date string, e.g. last_order_at >= '2025-01-01'
            compatible = column_kind == "temporal" and other_kind == "string" and isinstance(other, Literal)
        if isinstance(other, Literal):
            shown = repr(other.value)
        elif isinstance(other, Column):
            shown = f"{other_kind} column '{other.name}'"
        else:
            shown = "a percentile (a number)"
        if not compatible:
            raise FilterError(f"cannot compare {column_kind} column '{name}' with {shown}", position)
        if column_kind == "boolean" and op in _ORDERING_OPS:
            raise FilterError(f"boolean column '{name}' only compares with = or !=", position)
