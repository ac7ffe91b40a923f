"""A table a Python asset writes into the warehouse is checked, gated and published exactly like a dbt
model, once it is declared in the registry of published tables. Real Dagster runs of a small code
location of its own: a Python asset writing `ml.churn_scores` with `replace_table`, its expectation
suite as a blocking check, and the same publish step the pipeline uses."""

import dagster as dg
import pyarrow as pa
import pytest

from pipeline.defs.publish.assets import build_publish_defs, gate_check_name, published_key
from pipeline.defs.publish.published_tables import PublishedTable
from pipeline.defs.quality.checks import build_expectation_checks
from pipeline.engine.duckdb_tables import replace_table
from pipeline.expectations import suites
from pipeline.resources import PulseSettingsResource
from pipeline.storage import read_manifest
from tests.integration.pipeline_runs import in_memory_instance

pytestmark = pytest.mark.integration

SCORES = PublishedTable.python_table("ml", "churn_scores")
RUN_CONTEXT = PublishedTable.python_table("intermediate", "int_run_context")


def churn_scores_suite():
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToBeBetween(column="churn_probability", min_value=0, max_value=1),
    ]


class ScoresConfig(dg.Config):
    top_probability: float = 0.9  # above 1 breaks the suite


@dg.asset(key=RUN_CONTEXT.asset_key)
def run_context(pulse: PulseSettingsResource) -> dg.MaterializeResult:
    row = pa.table({"as_of": ["2025-06-01 23:59:59"], "as_of_source": ["configured"]})
    replace_table(
        pulse.load().duckdb_path,
        RUN_CONTEXT.relation,
        pa.RecordBatchReader.from_batches(row.schema, row.to_batches()),
    )
    return dg.MaterializeResult()


@dg.asset(key=SCORES.asset_key, deps=[RUN_CONTEXT.asset_key])
def churn_scores(config: ScoresConfig, pulse: PulseSettingsResource) -> dg.MaterializeResult:
    scores = pa.table(
        {"customer_id": ["c1", "c2", "c3"], "churn_probability": [0.1, 0.5, config.top_probability]}
    )
    reader = pa.RecordBatchReader.from_batches(scores.schema, scores.to_batches(max_chunksize=2))
    rows = replace_table(pulse.load().duckdb_path, SCORES.relation, reader)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


@pytest.fixture
def python_table_defs(pulse_env, monkeypatch):
    monkeypatch.setitem(suites.SUITES, SCORES.name, churn_scores_suite)
    upstream = dg.Definitions(
        assets=[run_context, churn_scores],
        asset_checks=build_expectation_checks([SCORES]),
        resources={"pulse": PulseSettingsResource()},
    )
    defs = dg.Definitions.merge(upstream, build_publish_defs([SCORES], upstream, run_context=RUN_CONTEXT))
    with in_memory_instance() as instance:
        yield defs, instance


def _run(defs, instance, selection=None, top_probability=0.9) -> dg.ExecuteInProcessResult:
    job = defs.resolve_implicit_global_asset_job_def()
    config = {"ops": {"ml__churn_scores": {"config": {"top_probability": top_probability}}}}
    return job.execute_in_process(
        instance=instance,
        asset_selection=selection,
        run_config=config if selection is None else {},
        raise_on_error=False,
    )


def test_a_python_table_is_checked_gated_and_published(python_table_defs):
    defs, instance = python_table_defs
    assert (
        dg.AssetCheckKey(SCORES.asset_key, "churn_scores_passes_expectations")
        in defs.resolve_asset_graph().asset_check_keys
    )

    good = _run(defs, instance)
    assert good.success, [e.message for e in good.all_events if e.is_failure]
    manifest = read_manifest()
    entry = manifest["tables"]["churn_scores"]
    assert (entry["rows"], entry["version"]) == (3, 0)
    assert entry["checks"] == {"churn_scores_passes_expectations": "passed"}
    assert manifest["as_of"] == "2025-06-01 23:59:59" and manifest["as_of_source"] == "configured"
    [gate] = [e for e in good.get_asset_check_evaluations() if e.check_name == gate_check_name(SCORES)]
    assert gate.passed and gate.asset_key == published_key(SCORES)

    # scores outside 0..1: the blocking suite fails, and the publish step does not run
    bad = _run(defs, instance, top_probability=1.7)
    assert not bad.success
    failed = {e.check_name: e.passed for e in bad.get_asset_check_evaluations()}
    assert failed == {"churn_scores_passes_expectations": False}
    assert published_key(SCORES) not in {e.asset_key for e in bad.get_asset_materialization_events()}
    assert read_manifest()["run_id"] == good.run_id

    # publishing alone is refused too: the table was rebuilt and its suite failed since
    alone = _run(defs, instance, selection=[published_key(SCORES)])
    assert not alone.success
    [refusal] = alone.get_asset_check_evaluations()
    assert not refusal.passed and "churn_scores_passes_expectations (failed)" in refusal.description
    assert read_manifest()["run_id"] == good.run_id
