"""`tasks.py run` groups the job's steps into the stages it prints, from what each step produces."""

from pipeline.definitions import defs
from pipeline.run_cli.stages import (
    CHECKS,
    DBT,
    LOAD,
    PREDICTIONS,
    PUBLISH,
    SEGMENT_MARTS,
    SEGMENTS,
    stages_by_step,
)


def test_each_step_of_the_job_belongs_to_its_stage():
    stages = stages_by_step(defs.resolve_job_def("customer_pulse_job"))
    assert stages["raw_files"] == LOAD
    assert stages["pulse_dbt_models"] == DBT
    checks = {step for step, stage in stages.items() if stage == CHECKS}
    assert "order_volume_holds" in checks
    assert any(step.endswith("_passes_expectations") for step in checks)
    assert stages["predictions"] == PREDICTIONS
    assert stages["category_segments"] == stages["audience_members"] == SEGMENTS
    assert stages["pulse_dbt_segments"] == SEGMENT_MARTS
    # every published table is written by the one all-or-nothing publish step; upload files and the
    # prediction ledger follow it
    assert sorted(step for step, stage in stages.items() if stage == PUBLISH) == [
        "audience_exports",
        "prediction_history",
        "publish_tables",
    ]


class _Event:
    """The few fields StageProgress reads from a DagsterEvent."""

    def __init__(self, step_key: str, kind: str, check: tuple[str, bool] | None = None) -> None:
        import dagster as dg

        self.step_key = step_key
        self.is_step_start = kind == "start"
        self.is_step_success = kind == "success"
        self.is_step_failure = kind == "failure"
        self.is_step_skipped = kind == "skipped"
        self.event_type = dg.DagsterEventType.ASSET_CHECK_EVALUATION if check else None
        if check:
            self.asset_check_evaluation_data = dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey("t"), check_name=check[0], passed=check[1], metadata={}
            )


def test_stage_lines_stay_whole_when_stages_overlap():
    import io

    from pipeline.run_cli.stages import StageProgress

    console, ticks = io.StringIO(), iter(range(100))
    steps = {"check_a": CHECKS, "check_b": CHECKS, "publish_a": PUBLISH, "publish_b": PUBLISH}
    progress = StageProgress(console, steps, clock=lambda: float(next(ticks)))
    for event in [
        _Event("check_a", "start"),
        _Event("check_a", "", check=("a_holds", True)),
        _Event("check_a", "success"),
        _Event("publish_a", "start"),  # publishing starts while a check is still to run
        _Event("check_b", "start"),
        _Event("check_b", "", check=("b_holds", False)),
        _Event("check_b", "failure"),
        _Event("publish_a", "success"),
    ]:
        progress.on_event(event)
    progress.finish()
    assert console.getvalue().splitlines() == [
        "  Checks: FAILED (check_b) (2.0 s)",
        "  Publish: 0 written (2.0 s)",
    ]


def test_the_load_line_is_followed_by_how_the_shop_files_were_read():
    import io
    from types import SimpleNamespace

    import dagster as dg

    from pipeline.run_cli.stages import CONSOLE_NOTES as SOURCE_NOTES
    from pipeline.run_cli.stages import StageProgress

    materialized = _Event("raw_files", "")
    materialized.event_type = dg.DagsterEventType.ASSET_MATERIALIZATION
    metadata = {
        "dagster/row_count": dg.IntMetadataValue(13),
        SOURCE_NOTES: dg.TextMetadataValue("Shopify\nkeys"),
    }
    materialization = dg.AssetMaterialization(asset_key=["raw", "orders"], metadata=metadata)
    materialized.step_materialization_data = SimpleNamespace(materialization=materialization)
    console, ticks = io.StringIO(), iter(range(100))
    progress = StageProgress(console, {"raw_files": LOAD}, clock=lambda: float(next(ticks)))
    for event in [_Event("raw_files", "start"), materialized, _Event("raw_files", "success")]:
        progress.on_event(event)
    progress.finish()
    assert console.getvalue().splitlines() == [
        "  Load raw files: orders 13 rows (1.0 s)",
        "    Shopify",
        "    keys",
    ]


def test_a_run_with_nothing_to_build_says_so_and_names_the_stages_it_skipped():
    import io
    from types import SimpleNamespace

    import dagster as dg

    from pipeline.run_cli.stages import UNCHANGED_METADATA, StageProgress

    observed = _Event("pulse_dbt_models", "")
    observed.event_type = dg.DagsterEventType.ASSET_OBSERVATION
    observation = dg.AssetObservation(
        asset_key="int_run_context", metadata={UNCHANGED_METADATA: "nothing to build: run abc's tables stand"}
    )
    observed.asset_observation_data = SimpleNamespace(asset_observation=observation)
    console, ticks = io.StringIO(), iter(range(100))
    steps = {"pulse_dbt_models": DBT, "predictions": PREDICTIONS, "publish_tables": PUBLISH}
    progress = StageProgress(console, steps, clock=lambda: float(next(ticks)))
    for event in [
        _Event("pulse_dbt_models", "start"),
        observed,
        _Event("pulse_dbt_models", "success"),
        _Event("predictions", "skipped"),
        _Event("publish_tables", "skipped"),
    ]:
        progress.on_event(event)
    progress.finish()
    assert console.getvalue().splitlines() == [
        "  dbt build: nothing to build: run abc's tables stand (1.0 s)",
        "  Not run, nothing changed: Predictions, Publish",
    ]


def test_a_run_on_spark_without_the_extra_or_java_stops_before_it_starts_and_says_what_to_install(
    monkeypatch, capsys
):
    # not a stack trace from deep inside the dbt step: one sentence, before Dagster starts
    import importlib.util

    from pipeline.engine import spark
    from pipeline.run_cli.__main__ import main

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        spark.importlib.util, "find_spec", lambda name, *a: None if name == "pyhive" else find_spec(name, *a)
    )
    monkeypatch.setattr(spark.shutil, "which", lambda name: None)
    monkeypatch.setenv("PULSE_ENGINE", "spark")
    assert main() == 1
    out = capsys.readouterr().out
    assert "Cannot start: PULSE_ENGINE=spark needs the [spark] extra (pyhive not installed" in out
    assert "Java 17 or 21 (apt-get install openjdk-17-jre-headless)" in out
    assert "Customer Pulse:" not in out
