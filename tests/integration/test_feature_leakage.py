"""No feature looks past its cutoff: on a demo shop, adding and removing orders after a training cutoff
(the run's as_of held fixed) leaves every feature row at that cutoff and before it unchanged, while the
labels of those rows, which are about the future, do change."""

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from demo_shop.generate import generate_demo_shop
from pipeline.raw.load import load_raw_folder
from pipeline.settings import PulseSettings
from tests.integration.pipeline_runs import run_dbt

pytestmark = pytest.mark.integration

AS_OF = "2026-06-30"
CUTOFF = "2025-12-31"  # a month-end training cutoff; orders change only after it
CHANGED_FROM = "2026-01-15"
FEATURE_MODELS = "+ml_customer_features +ml_customer_mix_features +ml_training_labels"


def _rewrite_orders_after_the_cutoff(folder: Path) -> None:
    """Drop every order placed after CHANGED_FROM and add one late order for the first customer."""
    path = folder / "orders.csv"
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        kept = [row for row in reader if not row["ordered_at"] or row["ordered_at"][:10] <= CHANGED_FROM]
    first_customer = kept[0]["customer_id"]
    kept.append({**kept[0], "order_id": "LATE-1", "ordered_at": "2026-03-02 10:00:00", "amount": "99.00"})
    kept[-1]["customer_id"] = first_customer
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)


def _build_features(raw: Path, work: Path) -> Path:
    warehouse = work / "warehouse.duckdb"
    load_raw_folder(raw, warehouse)
    settings = PulseSettings.from_env(
        {"PULSE_DUCKDB_PATH": str(warehouse), "PULSE_AS_OF": AS_OF, "PULSE_RAW_PATH": str(raw)}
    )
    # cautious: skip tests that also read models outside the selection (seeds, marts)
    build = ["build", "--select", FEATURE_MODELS, "--indirect-selection", "cautious"]
    run_dbt(build, settings, work)
    return warehouse


def _rows(warehouse: Path, relation: str, where: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(f"select * from {relation} where {where} order by all").fetchall()


@pytest.fixture(scope="module")
def two_histories(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("leakage")
    original = tmp / "original"
    generate_demo_shop(original, customers=300, seed=5)
    changed = tmp / "changed"
    shutil.copytree(original, changed)
    _rewrite_orders_after_the_cutoff(changed)
    (tmp / "a").mkdir()
    (tmp / "b").mkdir()
    return _build_features(original, tmp / "a"), _build_features(changed, tmp / "b")


def test_feature_rows_up_to_the_cutoff_ignore_later_orders(two_histories):
    original, changed = two_histories
    up_to_cutoff = f"cutoff_date <= date '{CUTOFF}'"
    for relation in ("features.ml_customer_features", "features.ml_customer_mix_features"):
        before = _rows(original, relation, up_to_cutoff)
        assert before, f"{relation} has no training rows at or before {CUTOFF}"
        assert _rows(changed, relation, up_to_cutoff) == before, relation


def test_the_change_is_real_after_the_cutoff(two_histories):
    original, changed = two_histories
    # the scoring rows and the labels of cutoffs before the change do see it
    scoring = "is_scoring_cutoff"
    assert _rows(original, "features.ml_customer_features", scoring) != _rows(
        changed, "features.ml_customer_features", scoring
    )
    labelled = f"cutoff_date <= date '{CUTOFF}'"
    assert _rows(original, "features.ml_training_labels", labelled) != _rows(
        changed, "features.ml_training_labels", labelled
    )
