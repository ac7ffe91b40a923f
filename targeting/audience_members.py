"""Select each audience's members in DuckDB, hold out its control group, and shape the upload rows.

Nothing is written: the function reads the warehouse through the given connection and returns
Arrow tables. Plain e-mails and phones are read, normalised and hashed inside one SQL query per
audience; only the hashes come out.

Per audience, in this order:
  1. the base relation: customers, left-joined to customer_predictions and (when the audience names
     a category) to that category's rows of customer_category_propensity;
  2. the filter (compiled to a WHERE clause with bound parameters);
  3. reachability through the contacts relation (one row per customer: customer_id, email, phone,
     country, email_opt_in, sms_opt_in): `email` keeps customers who opted in to e-mail and have a
     valid address, `sms` those who opted in to SMS and have a valid phone, `ads` those with a
     hashable e-mail or phone;
  4. the control group, drawn among reachable members, so treated and control stay comparable.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from targeting.audience_config import Audience, AudienceConfigError, describe_filter_error
from targeting.column_catalog import (
    CATEGORY_COLUMN,
    CATEGORY_PROPENSITY,
    CUSTOMERS,
    JOIN_KEY,
    PREDICTIONS,
    ColumnCatalog,
)
from targeting.contacts import email_sql, phone_sql, sha256_sql
from targeting.control_group import check_share, control_sql
from targeting.filter_compiler import BASE_RELATION, CompiledFilter, compile_filter, quote_identifier
from targeting.filter_syntax import FilterError, parse_filter

HASH_COLUMNS = ("email_sha256", "phone_sha256", "phone_e164_sha256")
MEMBER_SCHEMA = pa.schema(
    [
        pa.field("audience", pa.string(), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("is_control", pa.bool_(), nullable=False),
        # SHA-256 hex of the normalised contact, for ads audiences only (null for e-mail and SMS)
        pa.field("email_sha256", pa.string()),
        pa.field("phone_sha256", pa.string()),  # E.164 digits without '+': Meta, TikTok
        pa.field("phone_e164_sha256", pa.string()),  # '+' and the digits: Google Customer Match
    ]
)
# what leaves for each platform: hashes for ad platforms; for e-mail and SMS tools, which already hold
# the addresses of the shop's customers, the customer id they know them by
UPLOAD_COLUMNS = {"ads": HASH_COLUMNS, "email": ("customer_id",), "sms": ("customer_id",)}
_RELATION = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}")


@dataclass(frozen=True)
class AudienceRelations:
    """Names of the DuckDB relations to read (optionally schema-qualified); None when a table is absent."""

    customers: str = CUSTOMERS
    customer_predictions: str | None = PREDICTIONS
    customer_category_propensity: str | None = CATEGORY_PROPENSITY
    contacts: str = "contacts"

    def tables(self) -> dict[str, str]:
        """{logical table: relation} for the catalog, without absent tables."""
        named = {
            CUSTOMERS: self.customers,
            PREDICTIONS: self.customer_predictions,
            CATEGORY_PROPENSITY: self.customer_category_propensity,
        }
        return {table: relation for table, relation in named.items() if relation is not None}


@dataclass(frozen=True)
class AudienceExport:
    members: pa.Table  # MEMBER_SCHEMA: every member of every audience, control group flagged
    uploads: dict[str, pa.Table]  # audience name -> rows to upload (members minus control; UPLOAD_COLUMNS)
    reads: dict[str, tuple[str, ...]] = field(default_factory=dict)  # audience -> columns its filter reads
    # audience -> customers its filter selects, reachable or not (tells "nobody matches" from "nobody
    # can be contacted on this channel")
    matched: dict[str, int] = field(default_factory=dict)


def build_audiences(
    connection, audiences: Sequence[Audience], relations: AudienceRelations = AudienceRelations()
) -> AudienceExport:
    """Members and upload rows of every audience, read from `connection`; writes nothing.

    The filters are compiled again against the columns the connection really has, so a definition that
    no longer fits the tables raises AudienceConfigError naming the audience before any row is read.
    """
    catalog = ColumnCatalog.from_duckdb(
        connection, {t: _relation_sql(r) for t, r in relations.tables().items()}
    )
    compiled = _compile_all(audiences, catalog, relations)
    _check_one_contact_row_per_customer(connection, relations.contacts)
    parts = [_members(connection, audience, compiled[audience.name], relations) for audience in audiences]
    members = pa.concat_tables(parts) if parts else MEMBER_SCHEMA.empty_table()
    uploads = {
        audience.name: part.filter(pc.invert(part.column("is_control"))).select(
            list(UPLOAD_COLUMNS[audience.channel])
        )
        for audience, part in zip(audiences, parts, strict=True)
    }
    reads = {name: tuple(column.name for column in filter_.columns) for name, filter_ in compiled.items()}
    matched = {a.name: _matched(connection, a, compiled[a.name], relations) for a in audiences}
    return AudienceExport(members, uploads, reads, matched)


def _compile_all(
    audiences, catalog: ColumnCatalog, relations: AudienceRelations
) -> dict[str, CompiledFilter]:
    compiled, problems = {}, []
    for audience in audiences:
        if audience.category is not None and relations.customer_category_propensity is None:
            problems.append(f"audience '{audience.name}': names a category but there is no propensity table")
            continue
        try:
            expression = audience.expression or parse_filter(audience.filter)
            compiled[audience.name] = compile_filter(
                expression, catalog, has_category=audience.category is not None
            )
        except FilterError as error:
            problems.append(f"audience '{audience.name}': {describe_filter_error(audience.filter, error)}")
    if problems:
        raise AudienceConfigError("audiences", problems)
    return compiled


def _members(
    connection, audience: Audience, compiled: CompiledFilter, relations: AudienceRelations
) -> pa.Table:
    selection, params = _selection(audience, compiled, relations)
    params |= {"audience": audience.name, "channel": audience.channel}
    params["control_share"] = check_share(audience.control_share)
    reachable = {
        "email": "email_opt_in and email_normalized is not null",
        "sms": "sms_opt_in and phone_normalized is not null",
        "ads": "(email_normalized is not null or phone_normalized is not null)",
    }[audience.channel]
    keep_hashes = audience.channel == "ads"
    hashes = ",\n            ".join(
        f"{expression if keep_hashes else 'cast(null as varchar)'} as {name}"
        for name, expression in zip(
            HASH_COLUMNS,
            (
                sha256_sql("email_normalized"),
                sha256_sql("phone_normalized"),
                sha256_sql("phone_normalized", with_plus=True),
            ),
            strict=True,
        )
    )
    sql = f"""
        {selection},
        normalized as materialized (
            select
                selected.customer_id,
                {email_sql("contacts.email")} as email_normalized,
                {phone_sql("contacts.phone", "contacts.country")} as phone_normalized,
                coalesce(contacts.email_opt_in, false) as email_opt_in,
                coalesce(contacts.sms_opt_in, false) as sms_opt_in
            from selected
            inner join {_relation_sql(relations.contacts)} as contacts
                on cast(contacts.customer_id as varchar) = selected.customer_id
        )
        select
            $audience as audience,
            $channel as channel,
            customer_id,
            {control_sql("customer_id", "$audience", "$control_share")} as is_control,
            {hashes}
        from normalized
        where {reachable}
        order by customer_id
    """
    table = connection.sql(sql, params=params).to_arrow_table()
    return table.cast(MEMBER_SCHEMA)


def _matched(connection, audience: Audience, compiled: CompiledFilter, relations: AudienceRelations) -> int:
    selection, params = _selection(audience, compiled, relations)
    return int(connection.sql(f"{selection} select count(*) from selected", params=params).fetchall()[0][0])


def _selection(
    audience: Audience, compiled: CompiledFilter, relations: AudienceRelations
) -> tuple[str, dict]:
    """The `with` clause ending in `selected` (the customer_id of every customer the filter keeps, reachable
    or not) and its bound parameters."""
    params = dict(compiled.params)
    if audience.category is not None:
        params["category"] = audience.category
    key = quote_identifier(JOIN_KEY)
    sql = (
        f"with {BASE_RELATION} as ({_base_sql(audience, compiled, relations)}),\n"
        f"selected as (select {key} as customer_id from {BASE_RELATION} where {compiled.where_sql})"
    )
    return sql, params


def _base_sql(audience: Audience, compiled: CompiledFilter, relations: AudienceRelations) -> str:
    key = quote_identifier(JOIN_KEY)
    columns = [f"cast({quote_identifier(CUSTOMERS)}.{key} as varchar) as {key}"] + [
        f"{quote_identifier(c.table)}.{quote_identifier(c.name)} as {quote_identifier(c.alias)}"
        for c in compiled.columns
    ]
    joins = [f"{_relation_sql(relations.customers)} as {quote_identifier(CUSTOMERS)}"]
    tables = {c.table for c in compiled.columns}
    if PREDICTIONS in tables:
        joins.append(
            f"left join {_relation_sql(relations.customer_predictions)} as {quote_identifier(PREDICTIONS)}"
            f" on {quote_identifier(PREDICTIONS)}.{key} = {quote_identifier(CUSTOMERS)}.{key}"
        )
    if audience.category is not None:  # joined even when unused, so the bound $category is always read
        joins.append(
            f"left join (select * from {_relation_sql(relations.customer_category_propensity)}"
            f" where {quote_identifier(CATEGORY_COLUMN)} = $category)"
            f" as {quote_identifier(CATEGORY_PROPENSITY)}"
            f" on {quote_identifier(CATEGORY_PROPENSITY)}.{key} = {quote_identifier(CUSTOMERS)}.{key}"
        )
    return "select " + ", ".join(columns) + " from " + "\n".join(joins)


def _check_one_contact_row_per_customer(connection, contacts: str) -> None:
    relation = _relation_sql(contacts)
    duplicated = connection.sql(
        f"select customer_id from {relation} group by customer_id having count(*) > 1 order by 1 limit 3"
    ).fetchall()
    if duplicated:
        examples = ", ".join(repr(row[0]) for row in duplicated)
        raise ValueError(f"contacts relation {contacts}: several rows for customer_id {examples}")


def _relation_sql(name: str) -> str:
    """A relation name from code (optionally schema-qualified), quoted part by part."""
    if not _RELATION.fullmatch(name):
        raise ValueError(f"not a relation name: {name!r}")
    return ".".join(quote_identifier(part) for part in name.split("."))
