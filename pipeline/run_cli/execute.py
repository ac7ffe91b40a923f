"""The pipeline as one Dagster run, once `python -m pipeline.run_cli` has checked that it can start.

The run is a real run of `customer_pulse_job` in the DAGSTER_HOME instance, as `dagster job execute`
made it (that command is superseded): the UI lists it with its full event log and dbt's output. The
console gets one line per stage, then either where every order row went and what was published, or
why the run failed and what to do. Everything else the run prints goes to a log file beside the instance.
"""

import time
from pathlib import Path

import dagster as dg
import yaml
from dagster._core.definitions.reconstruct import ReconstructableJob, ReconstructableRepository
from dagster._core.execution.api import execute_run_iterator  # the public execute_job has no event stream

from pipeline.defs.automation.jobs import customer_pulse_job
from pipeline.published_summary import published_lines
from pipeline.run_cli.quiet_console import console_to_file
from pipeline.run_cli.report import failure_lines, read_run_events, reconciliation
from pipeline.run_cli.stages import StageProgress, elapsed, stages_by_step
from pipeline.settings import REPO_ROOT, PulseSettings

RUN_CONFIG = REPO_ROOT / "pipeline" / "run_logging.yaml"
UI_HINT = "python3 tasks.py ui  (http://127.0.0.1:3000)"


def _load_job() -> tuple[dg.JobDefinition, ReconstructableJob]:
    """Loaded the way `dagster job execute` did, so the run records where its code came from."""
    repository = ReconstructableRepository.for_module("pipeline.definitions", "defs", str(REPO_ROOT))
    reconstructable = repository.get_reconstructable_job(customer_pulse_job.name)
    return reconstructable.get_definition(), reconstructable


def run_pipeline(settings: PulseSettings, started: float) -> int:
    """`started`: when the command started (time.monotonic), to tell how long loading took."""
    job, reconstructable = _load_job()
    stage_by_step = stages_by_step(job)
    with dg.DagsterInstance.get() as instance:
        run = instance.create_run_for_job(
            job_def=job,
            run_config=yaml.safe_load(RUN_CONFIG.read_text()),
            tags=job.run_tags,
            job_code_origin=reconstructable.get_python_origin(),
        )
        log_path = Path(instance.root_directory) / "logs" / f"{run.run_id}.log"
        print(f"Run {run.run_id} of {job.name} (started in {elapsed(time.monotonic() - started)})")
        started = time.monotonic()
        with console_to_file(log_path) as console:
            progress = StageProgress(console, stage_by_step)
            for event in execute_run_iterator(reconstructable, run, instance):
                progress.on_event(event)
            progress.finish()
        took = time.monotonic() - started
        events = read_run_events(instance, run.run_id, stage_by_step)
        succeeded = instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.SUCCESS
    print()
    if not succeeded:
        print("\n".join(failure_lines(events, stage_by_step, run.run_id, str(log_path))))
        return 1
    print("\n".join(published_lines(settings)))
    if line := reconciliation(events):
        print(line)
    print(f"Run {run.run_id} succeeded in {elapsed(took)}. Every asset, check and run: {UI_HINT}")
    return 0
