"""Time the whole pipeline on a large demo shop, as `python3 tasks.py run` runs it: one Dagster run of
customer_pulse_job (raw load, both dbt steps, predictions, segments and audiences, checks, publish, upload
files), with each step's time from the run's own events and the peak memory of the run's process tree.

Run by hand (not in CI):
    export PATH=$PWD/.venv/bin:$PATH
    python bench/bench_pipeline_run.py --customers 1000000 --workdir /tmp/pulse-run-bench

The demo shop is generated into <workdir>/raw-N once. Each run uses a fresh warehouse, publish folder
and Dagster instance in <workdir>/run-N (pass --keep to publish again into the same location: the
steady state, with a previous version and a champion model already there).
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pulse-run-bench"))
    parser.add_argument("--keep", action="store_true", help="reuse the run folder (the steady state)")
    args = parser.parse_args()

    raw = args.workdir / f"raw-{args.customers}"
    run = args.workdir / f"run-{args.customers}"
    if not (raw / "orders.csv").exists():
        from demo_shop.generate import generate_demo_shop

        started = time.perf_counter()
        generate_demo_shop(raw, customers=args.customers, seed=args.seed, progress=print)
        print(f"generate: {time.perf_counter() - started:.1f} s")
    if run.exists() and not args.keep:
        shutil.rmtree(run)
    (run / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", run / "dagster_home" / "dagster.yaml")

    env = {key: value for key, value in os.environ.items() if not key.startswith("PULSE_")}
    env |= {
        "PULSE_RAW_PATH": str(raw),
        "PULSE_DEMO": "false",
        "PULSE_DUCKDB_PATH": str(run / "warehouse.duckdb"),
        "PULSE_PUBLISH_URI": str(run / "published"),
        "DAGSTER_HOME": str(run / "dagster_home"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pipeline.run_cli"], cwd=REPO_ROOT, env=env)
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nwhole run: {total:.1f} s (exit {result.returncode}), peak RSS of one process {peak:,.0f} MB")
    _step_times(run / "dagster_home")


def _step_times(home: Path) -> None:
    """Each step's wall time, from the run's STEP_START / STEP_SUCCESS events in the instance."""
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        [record] = instance.get_run_records(limit=1)
        started: dict[str, float] = {}
        print(f"\n{'step':<42}{'seconds':>9}")
        for entry in instance.all_logs(record.dagster_run.run_id):
            event = entry.dagster_event
            if event is None or event.step_key is None:
                continue
            if event.is_step_start:
                started[event.step_key] = entry.timestamp
            elif (event.is_step_success or event.is_step_failure) and event.step_key in started:
                print(f"{event.step_key:<42}{entry.timestamp - started[event.step_key]:>9.1f}")


if __name__ == "__main__":
    main()
