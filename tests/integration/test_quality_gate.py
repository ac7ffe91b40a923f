"""A table that passes every dbt test but breaks its expectation suite is not published.

The fault is one dbt cannot see: an analyst adds a misspelt code to the dbt var accepted_currencies (and
the rates file converts it), so an order in "Euro" is accepted as EURO. dbt only checks currency against
that list and the rates; the suite checks it is an ISO 4217 code. One in-process run of the whole job on
a hand-made orders.csv.
"""

import json

import dagster as dg
import pytest
import yaml

from tests.conftest import DBT_PROJECT_DIR, ORDER_COLUMNS, run_paths, write_csv
from tests.integration.pipeline_runs import pulse_settings, run_job_in_process

pytestmark = pytest.mark.integration

ROWS = [
    ["o1", "c1", "2025-01-05 10:00:00", "100.00", "completed", "EUR", "email", ""],
    ["o2", "c1", "2025-02-05 10:00:00", "50", "completed", "", "direct", ""],
    ["o3", "c2", "2025-03-10", "80", "completed", "Euro", "ads", ""],  # EURO: accepted by the var, not ISO
    ["o4", "c3", "2025-03-12", "30", "cancelled", "EUR", "direct", ""],
]


def accepted_currencies_with_a_typo() -> list[str]:
    # the project's list plus the typo (dbt unit tests rely on the listed codes)
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    return [*project["vars"]["accepted_currencies"], "EURO"]


@pytest.fixture(scope="module")
def gated_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quality_gate")
    write_csv(tmp / "raw/orders.csv", ORDER_COLUMNS, ROWS)
    rates = [["2025-01-01", "EURO", "1"]]
    write_csv(tmp / "raw/exchange_rates.csv", ["date", "currency", "rate_to_reporting"], rates)
    settings = {
        **run_paths(tmp),
        "PULSE_DBT_VARS": json.dumps({"accepted_currencies": accepted_currencies_with_a_typo()}),
    }
    with pulse_settings(settings):
        result = run_job_in_process()
    return result, tmp / "published"


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}


def _materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}


def test_dbt_passes_so_only_the_suite_can_catch_the_fault(gated_run):
    result, _ = gated_run
    assert result.is_node_success("pulse_dbt_models")
    dbt_checks = [e for name, e in _evaluations(result).items() if not name.endswith("_passes_expectations")]
    assert dbt_checks and all(evaluation.passed for evaluation in dbt_checks)


def test_the_suite_fails_naming_the_column_and_value(gated_run):
    result, _ = gated_run
    evaluation = _evaluations(result)["fct_orders_passes_expectations"]
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    [failure] = evaluation.metadata["failures"].value
    assert failure["column"] == "currency"
    assert failure["unexpected_values"] == ["EURO"]
    assert evaluation.metadata["expectations_evaluated"].value > 1


def test_one_failed_suite_stops_the_whole_publish(gated_run):
    result, published = gated_run
    # other tables pass their suites, yet a run publishes all its tables or none
    assert _evaluations(result)["quarantined_orders_passes_expectations"].passed
    assert not {name for name in _materialized(result) if name.startswith("published_")}
    assert not published.exists()
    assert not result.success
