"""Audience members and uploads from a real DuckDB: opt-ins, control groups, hashes, no plain contact."""

import hashlib

import duckdb
import pyarrow as pa
import pytest

from targeting.audience_config import AudienceConfigError, parse_audiences
from targeting.audience_members import MEMBER_SCHEMA, AudienceRelations, build_audiences
from targeting.column_catalog import ColumnCatalog
from targeting.control_group import is_control

# id, orders, revenue, state, e-mail, phone, country, e-mail opt-in, SMS opt-in
CUSTOMERS = [
    ("c01", 1, 20.0, "new", "  Anna@Example.com ", "0151 1111111", "DE", True, True),
    ("c02", 4, 400.0, "slipping", "bert@example.com", "+33 6 12 34 56 78", "FR", False, True),
    ("c03", 7, 900.0, "lost", "carla@example.org", None, "NL", True, False),
    ("c04", 2, 60.0, "lost", None, "06 1234 5678", "IT", False, False),
    ("c05", 3, 150.0, "active", "not-an-email", "0151 call me", "DE", True, True),
    ("c06", 9, 1200.0, "slipping", "DORA@EXAMPLE.NET", "(650) 555-1212", "US", True, True),
    ("c07", 2, 80.0, "lost", None, None, "DE", True, True),
]
CHURN = {"c01": 0.2, "c02": 0.8, "c03": 0.9, "c04": 0.7, "c05": 0.1, "c06": 0.75, "c07": 0.95}
SHOES = {"c01": 0.6, "c02": 0.1, "c03": 0.4, "c06": 0.9}
PLAIN = [value for row in CUSTOMERS for value in row[4:6] if value]


@pytest.fixture()
def connection():
    con = duckdb.connect()
    con.sql(
        "create table customers (customer_id varchar, order_count bigint, revenue decimal(18,2),"
        " lifecycle_state varchar)"
    )
    con.executemany("insert into customers values (?, ?, ?, ?)", [row[:4] for row in CUSTOMERS])
    con.sql("create table customer_predictions (customer_id varchar, churn_probability double)")
    con.executemany("insert into customer_predictions values (?, ?)", list(CHURN.items()))
    con.sql(
        "create table customer_category_propensity"
        " (customer_id varchar, category varchar, probability double)"
    )
    con.executemany(
        "insert into customer_category_propensity values (?, ?, ?)",
        [(cid, "shoes", p) for cid, p in SHOES.items()] + [(cid, "home", 0.99) for cid in CHURN],
    )
    con.sql(
        "create table contacts (customer_id varchar, email varchar, phone varchar, country varchar,"
        " email_opt_in boolean, sms_opt_in boolean)"
    )
    con.executemany("insert into contacts values (?, ?, ?, ?, ?, ?)", [(r[0], *r[4:]) for r in CUSTOMERS])
    yield con
    con.close()


def audiences(connection, text: str):
    return parse_audiences(text, ColumnCatalog.from_duckdb(connection, AudienceRelations().tables()))


def definition(name, channel, filter, **extra) -> str:
    lines = [
        f"  - name: {name}",
        "    description: test",
        f"    channel: {channel}",
        f'    filter: "{filter}"',
    ]
    return "\n".join(lines + [f"    {k}: {v}" for k, v in extra.items()]) + "\n"


def members_of(export, name) -> list[str]:
    table = export.members.filter(pa.compute.equal(export.members.column("audience"), name))
    return table.column("customer_id").to_pylist()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_channels_keep_only_reachable_customers(connection):
    text = "audiences:\n" + "".join(
        [
            definition("mail", "email", "churn_probability >= 0", control_share=0),
            definition("text", "sms", "churn_probability >= 0", control_share=0),
            definition("paid", "ads", "churn_probability >= 0", control_share=0),
        ]
    )
    export = build_audiences(connection, audiences(connection, text))
    assert export.members.schema == MEMBER_SCHEMA
    # e-mail: opted in and a valid address (c05's is not, c07 has none)
    assert members_of(export, "mail") == ["c01", "c03", "c06"]
    # SMS: opted in and a parseable phone (c05's is not, c07 has none)
    assert members_of(export, "text") == ["c01", "c02", "c06"]
    # ads: anyone with a hashable e-mail or phone, opt-in or not (c05 and c07 have neither)
    assert members_of(export, "paid") == ["c01", "c02", "c03", "c04", "c06"]

    paid = {row["customer_id"]: row for row in export.members.to_pylist() if row["audience"] == "paid"}
    assert paid["c01"]["email_sha256"] == sha256("anna@example.com")
    assert paid["c01"]["phone_sha256"] == sha256("491511111111")
    assert paid["c01"]["phone_e164_sha256"] == sha256("+491511111111")
    assert paid["c04"]["email_sha256"] is None and paid["c04"]["phone_sha256"] == sha256("390612345678")
    assert paid["c06"]["phone_sha256"] == sha256("16505551212")
    # e-mail and SMS members carry no hashes at all: their tools match on customer_id
    others = export.members.filter(pa.compute.not_equal(export.members.column("channel"), "ads"))
    assert all(others.column(name).null_count == others.num_rows for name in ("email_sha256", "phone_sha256"))

    assert export.uploads["mail"].column_names == ["customer_id"]
    assert export.uploads["mail"].column("customer_id").to_pylist() == ["c01", "c03", "c06"]
    assert export.uploads["paid"].column_names == ["email_sha256", "phone_sha256", "phone_e164_sha256"]
    assert export.uploads["paid"].num_rows == 5


def test_filters_percentiles_and_category_propensity(connection):
    text = "audiences:\n" + "".join(
        [
            definition("valuable_churners", "ads", "churn_probability > 0.6 and revenue >= p50(revenue)"),
            definition("shoe_fans", "ads", "probability >= 0.5", category="shoes"),
            definition(
                "lost_or_slipping", "ads", "lifecycle_state in ('lost', 'slipping') and not order_count < 3"
            ),
        ]
    )
    export = build_audiences(connection, audiences(connection, text))
    # median revenue over all seven customers is 150: c02 (400), c03 (900), c06 (1200) churn > 0.6
    assert members_of(export, "valuable_churners") == ["c02", "c03", "c06"]
    # shoes only, not the 0.99 of every customer's home row
    assert members_of(export, "shoe_fans") == ["c01", "c06"]
    assert members_of(export, "lost_or_slipping") == ["c02", "c03", "c06"]


def test_control_group_is_flagged_and_left_out_of_uploads(connection):
    connection.sql(
        "insert into customers select 'x' || i, 2, 50, 'active' from range(2000) t(i);"
        "insert into contacts select 'x' || i, 'x' || i || '@example.com', null, 'DE', true, false"
        " from range(2000) t(i)"
    )
    text = "audiences:\n" + definition("big_mail", "email", "order_count >= 1", control_share=0.2)
    export = build_audiences(connection, audiences(connection, text))
    ids = export.members.column("customer_id").to_pylist()
    flags = export.members.column("is_control").to_numpy(zero_copy_only=False)
    assert flags.tolist() == is_control(ids, "big_mail", 0.2).tolist()  # same draw as Python's
    assert 0.15 < flags.mean() < 0.25
    upload = set(export.uploads["big_mail"].column("customer_id").to_pylist())
    assert upload == {cid for cid, held in zip(ids, flags, strict=True) if not held}


def test_no_plain_email_or_phone_leaves_the_function(connection):
    text = "audiences:\n" + "".join(
        [
            definition("paid", "ads", "churn_probability >= 0", control_share=0.3),
            definition("mail", "email", "churn_probability >= 0"),
            definition("text", "sms", "churn_probability >= 0"),
        ]
    )
    export = build_audiences(connection, audiences(connection, text))
    normalized = ["anna@example.com", "491511111111", "33612345678", "16505551212", "390612345678"]
    forbidden = {value.strip().lower() for value in PLAIN} | set(normalized)
    tables = [export.members, *export.uploads.values()]
    cells = [
        str(v).lower() for t in tables for column in t.columns for v in column.to_pylist() if v is not None
    ]
    assert cells  # the scan saw the hashes
    assert not [cell for cell in cells if any(value in cell for value in forbidden)]
    assert not [cell for cell in cells if "@" in cell or "+" in cell]


def test_nothing_is_written_to_the_warehouse(connection):
    tables_before = connection.sql("select table_name from information_schema.tables order by 1").fetchall()
    text = "audiences:\n" + definition("mail", "email", "churn_probability >= 0")
    build_audiences(connection, audiences(connection, text))
    assert (
        connection.sql("select table_name from information_schema.tables order by 1").fetchall()
        == tables_before
    )


def test_definitions_are_checked_again_against_the_real_tables(connection):
    (valid,) = parse_audiences(
        "audiences:\n" + definition("mail", "email", "churn_probability > 0.5 and gone_column = 1"),
        ColumnCatalog(
            {
                "customers": {"customer_id": "VARCHAR", "gone_column": "BIGINT"},
                "customer_predictions": {"customer_id": "VARCHAR", "churn_probability": "DOUBLE"},
            }
        ),
    )
    with pytest.raises(AudienceConfigError, match="audience 'mail': filter: unknown column 'gone_column'"):
        build_audiences(connection, [valid])
    (shoes,) = audiences(
        connection, "audiences:\n" + definition("s", "ads", "probability > 0", category="shoes")
    )
    with pytest.raises(
        AudienceConfigError, match="audience 's': names a category but there is no propensity table"
    ):
        build_audiences(connection, [shoes], AudienceRelations(customer_category_propensity=None))


def test_duplicate_contact_rows_and_bad_relation_names_are_refused(connection):
    (mail,) = audiences(connection, "audiences:\n" + definition("mail", "email", "churn_probability >= 0"))
    connection.sql("insert into contacts values ('c01', 'other@example.com', null, 'DE', true, false)")
    with pytest.raises(ValueError, match="contacts relation contacts: several rows for customer_id 'c01'"):
        build_audiences(connection, [mail])
    with pytest.raises(ValueError, match="not a relation name"):
        build_audiences(connection, [mail], AudienceRelations(contacts="contacts; drop table customers"))


def test_no_audiences_gives_empty_tables(connection):
    export = build_audiences(connection, [])
    assert export.members.num_rows == 0 and export.members.schema == MEMBER_SCHEMA
    assert export.uploads == {}


def test_an_empty_audience_says_whether_nobody_matched_or_nobody_was_reachable(connection):
    from pipeline.defs.targeting.audience_summary import audience_summary

    text = "audiences:\n" + "".join(
        [
            # c04 and c07: lost with at most two orders; neither has an SMS opt-in and a valid phone
            definition(
                "lost_by_sms", "sms", "lifecycle_state = 'lost' and order_count <= 2", control_share=0.0
            ),
            definition("nobody", "email", "order_count > 100", control_share=0),
            definition("churners", "email", "churn_probability >= 0.9", control_share=0),
            definition("anyone", "email", "order_count >= 1", control_share=0),
        ]
    )
    defined = audiences(connection, text)
    export = build_audiences(connection, defined)
    assert export.matched == {"lost_by_sms": 2, "nobody": 0, "churners": 2, "anyone": 7}
    withheld = {"churn_probability": "churn: 78 customers with orders, needs 200"}
    notes = {row["audience"]: row["note"] for row in audience_summary(defined, export, withheld).to_pylist()}
    assert notes == {
        "lost_by_sms": "empty: 2 customers match the filter, none reachable by sms "
        "(needs an SMS opt-in and a valid phone number)",
        "nobody": "empty: no customer matches the filter",
        "churners": "empty: churn_probability is withheld (churn: 78 customers with orders, needs 200)",
        "anyone": None,
    }
