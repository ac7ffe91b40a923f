"""The project's lists of values, read from the one place they are defined: the dbt seeds (or dbt vars).

dbt tests check every model against these seeds (`relationships` tests), and Python (the raw contract,
the expectation suites, the demo generator) reads the same CSV files here, so no list is copied by hand.
"""

import csv
from functools import cache
from pathlib import Path

import yaml

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"


@cache
def _rows(seed: str) -> tuple[dict[str, str], ...]:
    with (SEEDS_DIR / f"{seed}.csv").open(newline="") as handle:
        return tuple(csv.DictReader(handle))


def _column(seed: str, column: str, order_by: str | None = None) -> tuple[str, ...]:
    rows = _rows(seed)
    if order_by:
        rows = tuple(sorted(rows, key=lambda row: int(row[order_by])))
    return tuple(dict.fromkeys(row[column] for row in rows))


def quarantine_reasons() -> tuple[str, ...]:
    """Every reason a raw order row is quarantined for, in the order the cleaning rules apply."""
    return _column("quarantine_reasons", "reason", order_by="rule_order")


def invalid_reasons() -> tuple[str, ...]:
    """The reasons of kind `invalid` (bad data), in rule order; the rest are exclusions (cancelled)."""
    rows = sorted(_rows("quarantine_reasons"), key=lambda row: int(row["rule_order"]))
    return tuple(row["reason"] for row in rows if row["reason_kind"] == "invalid")


def reason_kinds() -> tuple[str, ...]:
    return _column("quarantine_reasons", "reason_kind", order_by="rule_order")


def lifecycle_states() -> tuple[str, ...]:
    return _column("lifecycle_states", "lifecycle_state", order_by="sort_order")


def frequency_groups() -> tuple[str, ...]:
    return _column("frequency_groups", "frequency_group", order_by="group_order")


def rfm_segments() -> tuple[str, ...]:
    return _column("rfm_segments", "rfm_segment")


@cache
def order_statuses() -> tuple[str, ...]:
    """The order statuses the cleaning step accepts (dbt var accepted_statuses); others are unknown_status."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    return tuple(project["vars"]["accepted_statuses"])
