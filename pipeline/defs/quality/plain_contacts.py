"""One blocking `<table>_has_no_plain_contacts` check per published table: the PII scan of every string
column, so a plain e-mail or phone never reaches the publish step (it stops the run's publish, like any
failed blocking check on a source table; the publish gate also refuses it)."""

from collections.abc import Iterable

import dagster as dg

from pipeline.defs.publish.published_tables import PublishedTable, published_tables
from pipeline.engine import open_warehouse
from pipeline.privacy.contact_patterns import MAYBE_CONTACT, ONLY_DIGITS, PLAIN_PHONE
from pipeline.privacy.scan import Finding, blocking_message, scan_values
from pipeline.resources import PulseSettingsResource


def scan_relation(con, table: PublishedTable) -> list[Finding]:
    """Every text column of the warehouse relation; DuckDB pre-filters distinct values, Python decides."""
    columns = con.sql(f"describe {table.relation}").fetchall()
    findings = []
    for name, column_type, *_ in columns:
        # nested columns are read as their text form, so a contact inside a list or struct is found too
        text = f'"{name}"' if column_type == "VARCHAR" else f'cast("{name}" as varchar)'
        if column_type != "VARCHAR" and not any(n in column_type for n in ("[]", "STRUCT", "MAP")):
            continue
        # each distinct value is matched once: reasons and labels repeat across millions of rows
        suspects = con.execute(
            f"with distinct_values as (select distinct {text} as value from {table.relation}) "
            "select value from distinct_values where regexp_matches(value, $maybe) "
            "and not (regexp_matches(value, $digits) and not regexp_matches(value, $plain))",
            {"maybe": MAYBE_CONTACT, "digits": ONLY_DIGITS, "plain": PLAIN_PHONE},
        ).fetchall()
        findings += scan_values(table.name, name, (value for (value,) in suspects))
    return findings


def build_plain_contacts_check(table: PublishedTable) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=table.asset_key,
        name=f"{table.name}_has_no_plain_contacts",
        blocking=True,
        description="PII scan: no text column holds an e-mail- or phone-shaped value (plain contacts stay "
        "in the warehouse's raw.customers); blocks publishing.",
    )
    def _check(pulse: PulseSettingsResource) -> dg.AssetCheckResult:
        with open_warehouse(pulse.load()).reading() as reader, reader.on_duckdb([table.relation]) as con:
            findings = scan_relation(con, table)
        return dg.AssetCheckResult(
            passed=not findings,
            severity=dg.AssetCheckSeverity.ERROR,
            description=blocking_message(findings) if findings else "no plain e-mail or phone in any column",
            # masked examples only: the metadata is stored in the run's event log
            metadata={"findings": dg.MetadataValue.json([f.sentence() for f in findings])},
        )

    return _check


def build_plain_contacts_checks(tables: Iterable[PublishedTable]) -> list[dg.AssetChecksDefinition]:
    return [build_plain_contacts_check(table) for table in tables]


defs = dg.Definitions(asset_checks=build_plain_contacts_checks(published_tables()))
