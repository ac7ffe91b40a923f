"""Time the warehouse build on a large demo shop: raw load, then `dbt build` (models and tests) of the
pipeline's first dbt step (everything before the Python assets; `--core` leaves out the feature tables
for the predictions too). The whole pipeline, Python steps and publishing included: bench_pipeline_run.py.

`--engine spark` builds the same step with dbt's `spark` target on a local Spark session (the `[spark]`
extra and Java 17; docs/spark.md): the raw files are loaded as for DuckDB, the `raw.*` tables copied into
Spark's catalog as Parquet, then the same `dbt build` command runs with `--target spark`. Run both engines
on the same --workdir to compare them: the demo shop is generated once.

Run by hand (not in CI):
    export PATH=$PWD/.venv/bin:$PATH
    python bench/bench_pipeline_build.py --customers 1000000 --workdir /tmp/pulse-bench
    python bench/bench_pipeline_build.py --customers 1000000 --workdir /tmp/pulse-bench --engine spark

Prints seconds per phase, row counts and the peak memory of this process and its children.
"""

import argparse
import contextlib
import dataclasses
import json
import os
import resource
import shutil
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


def node_seconds(workdir: Path, engine: str) -> str:
    """The build's seconds in models and in data tests, from dbt's run_results.json."""
    results = workdir / f"target-{engine}" / "run_results.json"
    if not results.exists():
        return "no run_results.json"
    seconds = {"model": 0.0, "test": 0.0, "seed": 0.0}
    for node in json.loads(results.read_text())["results"]:
        kind = node["unique_id"].split(".")[0]
        if kind in seconds:
            seconds[kind] += node["execution_time"]
    return ", ".join(f"{kind}s {value:.1f} s" for kind, value in seconds.items())


def copy_raw_to_spark(warehouse: Path, settings: PulseSettings, parquet: Path) -> str:
    """Every `raw.*` table of the DuckDB warehouse into the local Spark session's catalog, through Parquet
    files (Spark reads them in parallel; nothing passes through this process's memory). The session is
    stopped afterwards: its Derby catalog admits one JVM at a time, and dbt starts its own."""
    from pipeline.engine.spark import run_session, stop_session

    shutil.rmtree(parquet, ignore_errors=True)
    parquet.mkdir(parents=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [row[0] for row in con.sql(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()]  # fmt: skip
        for table in tables:
            con.execute(f"copy raw.{table} to '{parquet / table}.parquet' (format parquet)")
    spark = run_session(settings)
    try:
        spark.sql("create database if not exists raw")
        rows = 0
        for table in tables:
            frame = spark.read.parquet(str(parquet / f"{table}.parquet"))
            frame.write.mode("overwrite").format("parquet").saveAsTable(f"raw.{table}")
            rows += spark.table(f"raw.{table}").count()
    finally:
        stop_session(spark)
    return f"{len(tables)} tables, {rows:,} rows"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pulse-bench"))
    parser.add_argument("--select", default=None, help="dbt selection (default: the first dbt step)")
    parser.add_argument("--core", action="store_true", help="without the feature tables for predictions")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--spark-memory", default="8g", help="a local Spark session's driver memory")
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
    if args.engine == "spark":
        settings = dataclasses.replace(
            settings,
            engine="spark",
            dbt_target="spark",
            spark_warehouse=(args.workdir / f"spark-{args.customers}").resolve(),
            spark_driver_memory=args.spark_memory,
        )
        started = time.perf_counter()
        copied = copy_raw_to_spark(warehouse, settings, args.workdir / f"parquet-{args.customers}")
        print(f"raw to Spark: {time.perf_counter() - started:8.1f} s  ({copied}; with the session start)")
    locations = [
        "--profiles-dir",
        str(project),
        "--project-dir",
        str(project),
        "--target-path",
        str(args.workdir / f"target-{args.engine}"),
        "--log-path",
        str(args.workdir / "logs"),
    ]
    # as in the pipeline, the project is parsed with the run's vars before the build (definitions load
    # does it, pipeline/defs/dbt/project.py), so the build reuses the parse. The parse starts afresh, as in
    # a fresh clone: one saved by another checkout using this workdir can keep tests that checkout has not
    (args.workdir / f"target-{args.engine}" / "partial_parse.msgpack").unlink(missing_ok=True)
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
    split = node_seconds(args.workdir, args.engine)
    print(f"dbt build: {elapsed:8.1f} s  (exit {result.returncode}; {split})")
    if result.returncode != 0:
        print(result.stdout[-4000:])

    if args.engine == "duckdb":
        with duckdb.connect(str(warehouse), read_only=True) as con:
            for relation in ("marts.fct_orders", "marts.quarantined_orders", "marts.customers"):
                with contextlib.suppress(duckdb.Error):
                    rows = con.sql(f"select count(*) from {relation}").fetchall()[0][0]
                    print(f"  {relation:<28} {rows:>12,}")
    own, children = _peak_mb()
    print(f"peak RSS: this process {own:,.0f} MB, largest child (dbt) {children:,.0f} MB")


if __name__ == "__main__":
    main()
