"""Time the warehouse build on a large demo shop: raw load, then `dbt build` (models and tests) of the
pipeline's first dbt step (everything before the Python assets; `--core` leaves out the feature tables
for the predictions too). The whole pipeline, Python steps and publishing included: bench_pipeline_run.py.

Run by hand (not in CI):
    export PATH=$PWD/.venv/bin:$PATH
    python bench/bench_pipeline_build.py --customers 1000000 --workdir /tmp/pulse-bench

Prints seconds per phase, row counts and the peak memory of this process and its children.
"""

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from demo_shop.generate import generate_demo_shop
from pipeline.defs.dbt.cli_args import AFTER_PYTHON_TABLES, dbt_build_args, parse_args
from pipeline.raw.load import load_raw_folder
from pipeline.settings import PulseSettings

REPO_ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pulse-bench"))
    parser.add_argument("--select", default=None, help="dbt selection (default: the first dbt step)")
    parser.add_argument("--core", action="store_true", help="without the feature tables for predictions")
    args = parser.parse_args()

    raw = args.workdir / f"raw-{args.customers}"
    warehouse = args.workdir / f"warehouse-{args.customers}.duckdb"
    args.workdir.mkdir(parents=True, exist_ok=True)

    if not (raw / "orders.csv").exists():
        started = time.perf_counter()
        counts = generate_demo_shop(raw, customers=args.customers, seed=args.seed, progress=print)
        print(f"generate: {time.perf_counter() - started:8.1f} s  {counts}")

    warehouse.unlink(missing_ok=True)
    started = time.perf_counter()
    summary = load_raw_folder(raw, warehouse)
    print(f"raw load: {time.perf_counter() - started:8.1f} s  orders={summary['orders']['rows']:,}")

    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="False")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    project = REPO_ROOT / "dbt_project"
    settings = PulseSettings(demo=False, duckdb_path=warehouse.resolve())
    locations = [
        "--profiles-dir",
        str(project),
        "--project-dir",
        str(project),
        "--target-path",
        str(args.workdir / "target"),
        "--log-path",
        str(args.workdir / "logs"),
    ]
    # as in the pipeline, the project is parsed with the run's vars before the build (definitions load
    # does it, pipeline/defs/dbt/project.py), so the build reuses the parse. The parse starts afresh, as in
    # a fresh clone: one saved by another checkout using this workdir can keep tests that checkout has not
    (args.workdir / "target" / "partial_parse.msgpack").unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(["dbt", *parse_args(settings), *locations], env=env, check=True)
    print(f"dbt parse: {time.perf_counter() - started:8.1f} s  (before the build, as definitions load does)")
    # the same command line as the pipeline: the warehouse path reaches profiles.yml as a dbt var
    command = ["dbt", *dbt_build_args(settings), *locations]
    if args.select:
        command += ["--select", args.select]
    else:
        features = ("intermediate.ml+", "marts.ml+") if args.core else ()
        command += ["--exclude", *AFTER_PYTHON_TABLES.split(), *features]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    print(result.stdout.splitlines()[-1] if result.stdout else result.stderr[-2000:])
    print(f"dbt build: {elapsed:8.1f} s  (exit {result.returncode})")
    if result.returncode != 0:
        print(result.stdout[-4000:])

    with duckdb.connect(str(warehouse), read_only=True) as con:
        for relation in ("marts.fct_orders", "marts.quarantined_orders", "marts.customers"):
            with contextlib.suppress(duckdb.Error):
                print(f"  {relation:<28} {con.sql(f'select count(*) from {relation}').fetchall()[0][0]:>12,}")
    own, children = _peak_mb()
    print(f"peak RSS: this process {own:,.0f} MB, largest child (dbt) {children:,.0f} MB")


if __name__ == "__main__":
    main()
