"""The audience filter language: each construct run on a real DuckDB, bound parameters, clear refusals."""

import duckdb
import pytest

from targeting.column_catalog import ColumnCatalog
from targeting.filter_compiler import BASE_RELATION, compile_filter
from targeting.filter_syntax import FilterError, parse_filter, tokenize

CUSTOMERS = {
    "customer_id": "VARCHAR",
    "order_count": "BIGINT",
    "revenue": "DECIMAL(18,2)",
    "lifecycle_state": "VARCHAR",
    "last_order_at": "TIMESTAMP",
    "is_vip": "BOOLEAN",
    "expected_next_order_date": "DATE",
}
PREDICTIONS = {
    "customer_id": "VARCHAR",
    "churn_probability": "DOUBLE",
    "predicted_clv": "DOUBLE",
    "expected_next_order_date": "DATE",
}
CATALOG = ColumnCatalog({"customers": CUSTOMERS, "customer_predictions": PREDICTIONS})
ROWS = [
    # id, orders, revenue, state, last order, vip, churn, clv
    ("c1", 1, 10.00, "new", "2025-06-01", False, 0.9, 5.0),
    ("c2", 3, 250.50, "active", "2025-05-01", True, 0.2, 300.0),
    ("c3", 8, 990.00, "slipping", "2024-12-01", True, 0.7, 800.0),
    ("c4", 2, 40.00, "lost", "2023-01-01", False, 0.95, 0.0),
    ("c5", 5, None, "o'brien", None, None, None, None),
]


@pytest.fixture(scope="module")
def connection():
    con = duckdb.connect()
    con.sql(
        f"""create table {BASE_RELATION} (customer_id varchar, order_count bigint, revenue decimal(18, 2),
        lifecycle_state varchar, last_order_at timestamp, is_vip boolean, churn_probability double,
        predicted_clv double)"""
    )
    con.executemany(f"insert into {BASE_RELATION} values (?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    yield con
    con.close()


def select(connection, text: str) -> list[str]:
    compiled = compile_filter(parse_filter(text), CATALOG, has_category=False)
    sql = f"select customer_id from {BASE_RELATION} where {compiled.where_sql} order by 1"
    return [row[0] for row in connection.sql(sql, params=compiled.params).fetchall()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order_count = 3", ["c2"]),
        ("order_count != 3", ["c1", "c3", "c4", "c5"]),
        ("order_count <> 3", ["c1", "c3", "c4", "c5"]),
        ("order_count < 3", ["c1", "c4"]),
        ("order_count <= 3", ["c1", "c2", "c4"]),
        ("order_count > 3", ["c3", "c5"]),
        ("ORDER_COUNT >= 5", ["c3", "c5"]),
        ("revenue >= 250.5", ["c2", "c3"]),
        ("churn_probability > .5 and revenue < 100", ["c1", "c4"]),
        ("order_count = 1 or order_count = 8", ["c1", "c3"]),
        ("not order_count > 2", ["c1", "c4"]),
        ("order_count = 1 or order_count = 2 and churn_probability < 0.5", ["c1"]),  # and binds tighter
        ("(order_count = 1 or order_count = 2) and churn_probability > 0.5", ["c1", "c4"]),
        ("lifecycle_state in ('new', 'lost')", ["c1", "c4"]),
        ("lifecycle_state not in ('new', 'lost')", ["c2", "c3", "c5"]),
        ("lifecycle_state = 'o''brien'", ["c5"]),
        ("order_count in (1, 8)", ["c1", "c3"]),
        ("revenue is null", ["c5"]),
        ("revenue is not null and order_count > -1", ["c1", "c2", "c3", "c4"]),
        ("is_vip", ["c2", "c3"]),
        ("not is_vip", ["c1", "c4"]),
        ("is_vip = true", ["c2", "c3"]),
        ("is_vip != TRUE", ["c1", "c4"]),
        ("is_vip = false", ["c1", "c4"]),
        ("last_order_at >= '2025-01-01'", ["c1", "c2"]),
        ("predicted_clv >= p50(predicted_clv)", ["c2", "c3"]),  # median of 5, 300, 800, 0 is 152.5
        ("predicted_clv > percentile(predicted_clv, 0.9)", ["c3"]),  # 650, interpolated
        ("predicted_clv >= percentile(predicted_clv, 0.0)", ["c1", "c2", "c3", "c4"]),
        ("p75(predicted_clv) <= predicted_clv", ["c3"]),
        ("predicted_clv > revenue", ["c2"]),
        ("customer_predictions.churn_probability > 0.9 and customers.order_count = 2", ["c4"]),
        ("not (not (order_count = 1))", ["c1"]),
    ],
)
def test_each_construct_selects_what_it_says(connection, text, expected):
    assert select(connection, text) == expected


def test_values_are_bound_parameters_never_sql_text():
    text = "lifecycle_state in ('slipping', 'dormant') and churn_probability > 0.6123 and order_count >= 17"
    compiled = compile_filter(parse_filter(text), CATALOG, has_category=False)
    for value in ("slipping", "dormant", "0.6123", "17"):
        assert value not in compiled.where_sql
    assert sorted(map(str, compiled.params.values())) == ["0.6123", "17", "dormant", "slipping"]
    assert '"lifecycle_state"' in compiled.where_sql and "$f0" in compiled.where_sql
    assert [c.name for c in compiled.columns] == ["order_count", "lifecycle_state", "churn_probability"]


def test_percentile_fraction_is_bound_too():
    compiled = compile_filter(
        parse_filter("predicted_clv >= p75(predicted_clv)"), CATALOG, has_category=False
    )
    assert "0.75" not in compiled.where_sql and list(compiled.params.values()) == [0.75]


def fails(text: str, catalog: ColumnCatalog = CATALOG, has_category: bool = False) -> FilterError:
    with pytest.raises(FilterError) as caught:
        compile_filter(parse_filter(text), catalog, has_category=has_category)
    return caught.value


def test_unknown_column_suggests_the_nearest_names():
    error = fails("churn_probabilty > 0.6")
    assert error.message == "unknown column 'churn_probabilty' (did you mean 'churn_probability'?)"
    assert error.position == 1
    assert "known columns: " in fails("order_count > 1 and zzz = 1").message
    assert fails("order_count > 1 and zzz = 1").position == 21


def test_a_name_in_two_tables_must_be_qualified():
    error = fails("expected_next_order_date > '2025-01-01'")
    assert (
        "customers.expected_next_order_date or customer_predictions.expected_next_order_date" in error.message
    )
    assert select_sql_ok("customer_predictions.expected_next_order_date > '2025-01-01'")


def select_sql_ok(text: str) -> bool:
    compiled = compile_filter(parse_filter(text), CATALOG, has_category=False)
    return '"customer_predictions__expected_next_order_date"' in compiled.where_sql


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("order_count >", "expected a column, a value or a percentile, found the end of the filter", 14),
        (
            "order_count > 1 and",
            "expected a column, a value or a percentile, found the end of the filter",
            20,
        ),
        ("(order_count > 1", "expected ')' to close the parenthesis, found the end of the filter", 17),
        ("order_count > 1)", "expected 'and', 'or' or the end of the filter, found ')'", 16),
        ("order_count 1", "expected 'and', 'or' or the end of the filter, found '1'", 13),
        ("lifecycle_state in ()", "expected a number, a 'string', true or false, found ')'", 21),
        ("lifecycle_state in ('a' 'b')", "expected ',' or ')' in the list, found the string 'b'", 25),
        ("revenue is nul", "expected 'null' after 'is', found 'nul'", 12),
        ("revenue = null", "compare with null using 'is null' or 'is not null', found 'null'", 11),
        ("revenue > 1e", "malformed number '1e'", 11),
        ("revenue > 12abc", "malformed number '12a'", 11),
        ("", "the filter is empty", 1),
        ("revenue ! 3", "'!' is only allowed in '!='", 9),
        ("p75(revenue, 3) > 1", "expected ')' to close the percentile, found ','", 12),
        ("revenue > percentile(revenue, 2)", "the fraction of percentile() must be a number in [0, 1]", 31),
    ],
)
def test_syntax_errors_give_the_position(text, message, position):
    error = fails(text)
    assert (error.message, error.position) == (message, position)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lifecycle_state > 3", "cannot compare string column 'lifecycle_state' with 3"),
        ("order_count = 'three'", "cannot compare number column 'order_count' with 'three'"),
        ("order_count in (1, 'two')", "cannot compare number column 'order_count' with 'two'"),
        ("is_vip > false", "boolean column 'is_vip' only compares with = or !="),
        (
            "order_count",
            "'order_count' is a number column, not a condition: compare it, e.g. order_count > 0",
        ),
        ("1 = 1", "a comparison needs a column on at least one side"),
        ("'1' = '1'", "a comparison needs a column on at least one side"),
        (
            "lifecycle_state > p90(lifecycle_state)",
            "percentiles need a number column; 'lifecycle_state' is string",
        ),
        (
            "lifecycle_state = order_count",
            "cannot compare string column 'lifecycle_state' with number column",
        ),
        ("last_order_at > 5", "cannot compare temporal column 'last_order_at' with 5"),
        ("p50(revenue) is null", "'is null' applies to a column"),
    ],
)
def test_type_errors_are_named(text, message):
    assert message in fails(text).message


def test_propensity_columns_need_a_category():
    catalog = ColumnCatalog(
        {
            "customers": CUSTOMERS,
            "customer_category_propensity": {
                "customer_id": "VARCHAR",
                "category": "VARCHAR",
                "probability": "DOUBLE",
            },
        }
    )
    error = fails("probability > 0.5", catalog)
    assert "category propensity column: set the audience's `category`" in error.message
    compiled = compile_filter(parse_filter("probability > 0.5"), catalog, has_category=True)
    assert [c.qualified for c in compiled.columns] == ["customer_category_propensity.probability"]
    # the join key and the category itself are implied, not filterable
    assert "unknown column 'category'" in fails("category = 'shoes'", catalog, True).message


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("1=1; drop table customers", "';' is not allowed", 4),
        ("__import__('os')", "unknown function '__import__'", 1),
        ("x' or '1'='1", "expected 'and', 'or' or the end of the filter, found the string ' or '", 2),
        ("lifecycle_state = 'x' or '1'='1'", "a comparison needs a column on at least one side", 29),
        ("lifecycle_state = 'it's'", "unterminated string (a quote opened here is never closed)", 24),
        ("order_count > 1 -- comment", "comment marker '--' is not allowed", 17),
        ("order_count > 1 /* comment */", "comment marker '/*' is not allowed", 17),
        ("order_count > 1 */", "comment marker '*/' is not allowed", 17),
        ('"order_count" > 1', "double quotes are not allowed", 1),
        ("order_count > 1 or exec('rm')", "unknown function 'exec'", 20),
        ("order_count > $1", "'$' is not allowed", 15),
        ("order_count > ?", "'?' is not allowed", 15),
        ("lifecycle_state = 'a' || 'b'", "'|' is not allowed", 23),
        (
            "order_count > 1 union select 1",
            "expected 'and', 'or' or the end of the filter, found 'union'",
            17,
        ),
        ("order_count > (select 1)", "expected a column, a value or a percentile, found '('", 15),
        ("lifecycle_state = 'x\n' or 1=1", "unterminated string", 19),
        ("order_count > 0x10", "malformed number '0x'", 15),
        ("order_count = 1 # comment", "'#' is not allowed", 17),
        ("`order_count` = 1", "backticks are not allowed", 1),
        ("order_count = 1 \x00", "unexpected character '\\x00'", 17),
    ],
)
def test_injection_attempts_never_reach_sql(text, message, position):
    error = fails(text)
    assert message in error.message
    assert error.position == position


def test_deep_nesting_and_long_filters_are_refused_not_crashed():
    with pytest.raises(FilterError, match="nests deeper than"):
        parse_filter("(" * 200 + "order_count > 1" + ")" * 200)
    with pytest.raises(FilterError, match="nests deeper than"):
        parse_filter("not " * 200 + "is_vip")
    with pytest.raises(FilterError, match="longer than"):
        parse_filter("order_count > 1 and " * 500 + "is_vip")


def test_tokens_keep_their_positions():
    assert [(t.kind, t.text, t.position) for t in tokenize("a.b >= -2.5 AND c IN ('x')")] == [
        ("name", "a", 1),
        ("dot", ".", 2),
        ("name", "b", 3),
        ("op", ">=", 5),
        ("minus", "-", 8),
        ("number", "2.5", 9),
        ("keyword", "and", 13),
        ("name", "c", 17),
        ("keyword", "in", 19),
        ("lparen", "(", 22),
        ("string", "x", 23),
        ("rparen", ")", 26),
        ("end", "", 27),
    ]
