"""Time the whole pipeline at one of the sizes issue 19 sets targets for, as `python3 tasks.py run` runs it
(one Dagster run of customer_pulse_job: raw load, both dbt steps, predictions, segments and audiences,
checks, publish, upload files), and print each target beside what was measured and the machine's floor
measured in the same run: the RFM table computed by DuckDB alone on the same raw orders file.

Run by hand (not in CI), one command per size:
    python bench/bench_pipeline_run.py 10m-orders      # 10 M orders, orders.csv only     (≤ 180 s, ≤ 6 GB)
    python bench/bench_pipeline_run.py 1m-demo         # the 1 M-customer demo shop     (≤ 360 s, ≤ 6 GB)
    python bench/bench_pipeline_run.py 100m-orders     # 100 M orders, orders.csv only  (≤ 30 min, ≤ 20 GB)
Options: --workdir (default /tmp/pulse-run-bench), --scale 0.001 (a tiny version of the size, to check the
command), --rerun (a second run on the same data: what a run costs when nothing changed), --incremental (a
second run after six hours of new orders, arriving as a second orders file: the issue's incremental ratio),
--keep (publish into the previous run's folders: the steady state), --memory-limit 4GB (the run's
DuckDB memory limit; the environment's PULSE_ settings are not passed on), --engine spark (the same run on a
local Spark session, PULSE_ENGINE=spark; --spark-memory 8g sizes its driver). Use `nice -n 10` on a shared
machine.

The shop is generated into <workdir>/raw-<size> once. 10 M orders are the `orders_only` shape (about 2.4
orders per customer: 4.2 M customers). 100 M orders are the `strict_cadence` shape (about 13.8 orders per
customer: 7.3 M customers), the shape nearest the issue's 10 M customers; `orders_only` would make them
42 M customers. Both write orders.csv only. Each run gets a fresh
warehouse, publish folder and Dagster instance in <workdir>/run-<size> unless --keep. Peak memory is the
largest sum of the resident memory of the run's whole process tree (dbt is a child process), sampled;
each console line of the run is prefixed with its time and the peak since the line before (the stage it
reports).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
# orders per customer of the shapes the orders-only sizes use, each measured on 20,000 customers
ORDERS_ONLY_PER_CUSTOMER = 2.364  # 47,311 orders
STRICT_CADENCE_PER_CUSTOMER = 13.774  # 275,471 orders
STARTED = re.compile(r"^Run \S+ of customer_pulse_job \(started in ([\d.]+) (s|min)\)")


@dataclass(frozen=True)
class Size:
    name: str
    generator: str  # a shape of demo_shop.shapes, or "demo" (demo_shop.generate)
    customers: int
    seconds: float  # the targets for a full run
    gigabytes: float


SIZES = {
    size.name: size
    for size in (
        Size("10m-orders", "orders_only", round(10_000_000 / ORDERS_ONLY_PER_CUSTOMER), 180, 6),
        Size("1m-demo", "demo", 1_000_000, 360, 6),
        Size("100m-orders", "strict_cadence", round(100_000_000 / STRICT_CADENCE_PER_CUSTOMER), 1800, 20),
    )
}
# fixed overhead (process start, definitions, dbt parse) and the first console line
OVERHEAD_TARGET_SECONDS, FIRST_LINE_TARGET_SECONDS = 10.0, 2.0

# the floor: customers' recency, frequency and monetary value with their quintile scores, from the raw file
FLOOR_SQL = """
create or replace table rfm as
with orders as (
    -- rows whose date or amount does not parse are left out (the demo shop has some on purpose)
    select * from (
        select
            customer_id,
            try_cast(ordered_at as timestamp) as ordered_at,
            try_cast(amount as decimal(18, 2)) as amount
        from read_csv('{orders}', header = true, all_varchar = true)
    )
    where ordered_at is not null and amount is not null
),
per_customer as (
    select customer_id, max(ordered_at) as last_order, count(*) as orders, sum(amount) as revenue
    from orders group by customer_id
),
scored as (
    select customer_id, orders, revenue,
        date_diff('day', last_order, (select max(last_order) from per_customer)) as recency_days
    from per_customer
)
select *,
    ntile(5) over (order by recency_days desc) as r_score,
    ntile(5) over (order by orders) as f_score,
    ntile(5) over (order by revenue) as m_score
from scored
"""


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from /proc (Linux)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending += [int(child) for child in task.read_text().split()]
            except OSError:
                continue  # the process ended meanwhile
    return found


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass  # ended between listing and reading
    return 0


class PeakMemory:
    """Samples the resident memory of a process and all its descendants; keeps the largest sum, over the
    whole run and since the last console line (a line ends a stage, so that peak is the stage's)."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.peak_bytes = 0
        self.window_bytes = 0
        self._pid = pid
        self._every = every
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            resident = sum(_rss_bytes(pid) for pid in _tree(self._pid))
            self.peak_bytes = max(self.peak_bytes, resident)
            self.window_bytes = max(self.window_bytes, resident)
            self._done.wait(self._every)

    def window_gb(self) -> float:
        """The peak since the last call, and start a new window."""
        peak, self.window_bytes = self.window_bytes, 0
        return peak / 1e9

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_bytes / 1e9


def generate(size: Size, customers: int, raw: Path, seed: int) -> None:
    if (raw / "orders.csv").exists():
        return
    started = time.perf_counter()
    if size.generator == "demo":
        from demo_shop.generate import generate_demo_shop

        generate_demo_shop(raw, customers=customers, seed=seed, progress=print)
    else:
        command = [sys.executable, "-m", "demo_shop.shapes", size.generator, "--out", str(raw)]
        command += ["--customers", str(customers), "--seed", str(seed)]
        subprocess.run(command, check=True, cwd=REPO_ROOT)
    print(f"generate: {time.perf_counter() - started:.1f} s")


def duckdb_floor(raw: Path, workdir: Path, memory_limit: str) -> tuple[float, int]:
    """Seconds DuckDB alone takes from the raw orders file to the RFM table, and its rows."""
    floor_file = workdir / "floor.duckdb"
    floor_file.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(floor_file), config={"memory_limit": memory_limit}) as con:
        con.execute(FLOOR_SQL.format(orders=raw / "orders.csv"))
        [(rows,)] = con.sql("select count(*) from rfm").fetchall()
    seconds = time.perf_counter() - started
    floor_file.unlink(missing_ok=True)
    return seconds, rows


@dataclass
class RunResult:
    seconds: float
    code: int
    first_line: float  # seconds until the first console line
    started_in: float | None  # the run CLI's own "started in": process start and definitions
    peak_gb: float


def raw_in_parts(raw: Path, run: Path) -> Path:
    """The raw folder as a shop delivering new orders as new files sees it: every file linked, orders.csv as
    the first file of an `orders/` folder, so a later file adds orders without renaming the first."""
    parts = run / "raw"
    (parts / "orders").mkdir(parents=True, exist_ok=True)
    for path in raw.iterdir():
        if path.name != "orders.csv" and not (parts / path.name).exists():
            (parts / path.name).symlink_to(path.resolve())
    first = parts / "orders" / "orders-0000.csv"
    if not first.exists():
        first.symlink_to((raw / "orders.csv").resolve())
    return parts


def add_six_hours_of_orders(parts: Path, seed: int) -> int:
    """A second orders file: as many orders as the history averages per six hours, for existing customers,
    dated in the six hours after the latest order (amounts drawn from past orders)."""
    orders = parts / "orders" / "orders-0000.csv"
    con = duckdb.connect()
    reader = f"read_csv('{orders}', header = true, all_varchar = true)"
    con.execute(f"create table orders as select * from {reader}")
    con.execute(f"select setseed({(seed % 1000) / 1000})").fetchall()
    # the history's span among plausible dates (the demo shop sends some far-future and unparseable ones)
    con.execute(
        "create table history as select try_cast(ordered_at as timestamp) as placed_at from orders "
        "where try_cast(ordered_at as timestamp) between '2000-01-01' and current_timestamp"
    )
    count, hours = con.sql(
        "select count(*), date_diff('hour', min(placed_at), max(placed_at)) from history"
    ).fetchall()[0]
    new = max(1, round(count * 6 / max(hours, 6)))
    columns = [name for name, *_ in con.sql("describe orders").fetchall()]
    made = {
        "order_id": "'NEXT' || lpad(cast(row_number() over () as varchar), 9, '0')",
        "ordered_at": "strftime((select max(placed_at) from history) "
        "+ to_seconds(cast(random() * 21600 as bigint)), '%Y-%m-%d %H:%M:%S')",
        "status": "'completed'",
    }
    select = ", ".join(f"{made.get(name, name)} as {name}" for name in columns)
    target = parts / "orders" / "orders-0001.csv"
    con.execute(
        f"copy (select {select} from (select * from orders where try_cast(amount as double) > 0 "
        f"using sample {new} rows)) to '{target}' (header true)"
    )
    return new


def dbt_model_seconds(project: Path, models: tuple[str, ...]) -> dict[str, float]:
    """Each named model's build time in the newest first-step dbt invocation (its run_results.json)."""
    runs = (project / "target").glob("pulse_dbt_models-*/run_results.json")
    newest = max(runs, key=lambda path: path.stat().st_mtime)
    results = json.loads(newest.read_text())["results"]
    return {
        result["unique_id"].rsplit(".", 1)[-1]: result["execution_time"]
        for result in results
        if result["unique_id"].rsplit(".", 1)[-1] in models
    }


INCREMENTAL_MODELS = ("int_orders_netted", "int_customer_activity_days", "int_order_items_enriched")


def run_pipeline(env: dict[str, str]) -> RunResult:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.run_cli"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    memory = PeakMemory(process.pid)
    first_line, started_in = None, None
    for line in process.stdout:
        now = time.perf_counter() - started
        first_line = now if first_line is None else first_line
        if found := STARTED.match(line):
            started_in = float(found[1]) * (60 if found[2] == "min" else 1)
        print(f"[{now:7.1f} s  {memory.window_gb():4.1f} GB] {line}", end="", flush=True)
    code = process.wait()
    return RunResult(time.perf_counter() - started, code, first_line or 0.0, started_in, memory.stop())


def dbt_reparse_seconds(env: dict[str, str], project: Path) -> float:
    """One `dbt parse` reusing the saved parse, as each of the run's two dbt steps starts with."""
    sys.path.insert(0, str(REPO_ROOT))
    from pipeline.defs.dbt.cli_args import parse_args
    from pipeline.settings import PulseSettings

    settings = PulseSettings.from_env({key: value for key, value in env.items() if key.startswith("PULSE_")})
    command = ["dbt", *parse_args(settings), "--project-dir", str(project), "--profiles-dir", str(project)]
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=REPO_ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _verdict(measured: float, target: float) -> str:
    return "met" if measured <= target else f"MISSED by {measured - target:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("size", choices=list(SIZES))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pulse-run-bench"))
    parser.add_argument("--scale", type=float, default=1.0, help="a share of the size's customers")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="reuse the run folder (the steady state)")
    parser.add_argument("--rerun", action="store_true", help="then run again on the same data")
    parser.add_argument("--incremental", action="store_true", help="then run after six hours of new orders")
    parser.add_argument("--memory-limit", help="the run's PULSE_DUCKDB_MEMORY_LIMIT")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--spark-memory", default="8g", help="PULSE_SPARK_DRIVER_MEMORY with --engine spark")
    args = parser.parse_args()

    size = SIZES[args.size]
    customers = max(50, round(size.customers * args.scale))
    label = args.size if args.scale == 1.0 else f"{args.size}-x{args.scale:g}"
    raw = args.workdir / f"raw-{label}"
    run = (
        args.workdir / f"run-{label}"
        if args.engine == "duckdb"
        else args.workdir / f"run-{label}-{args.engine}"
    )
    args.workdir.mkdir(parents=True, exist_ok=True)
    generate(size, customers, raw, args.seed)
    if run.exists() and not args.keep:
        shutil.rmtree(run)
    (run / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", run / "dagster_home" / "dagster.yaml")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PULSE_")}
    env |= {
        "PULSE_RAW_PATH": str(raw_in_parts(raw, run) if args.incremental else raw),
        "PULSE_DEMO": "false",
        "PULSE_DUCKDB_PATH": str(run / "warehouse.duckdb"),
        "PULSE_PUBLISH_URI": str(run / "published"),
        "DAGSTER_HOME": str(run / "dagster_home"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    if args.memory_limit:
        env["PULSE_DUCKDB_MEMORY_LIMIT"] = args.memory_limit
    if args.engine == "spark":  # the session's JVM is a child of the run: its memory is in the peak
        env |= {
            "PULSE_ENGINE": "spark",
            "PULSE_SPARK_WAREHOUSE": str(run / "spark"),
            "PULSE_SPARK_DRIVER_MEMORY": args.spark_memory,
        }
    from pipeline.settings import PulseSettings  # the run's own memory limit, for a fair floor

    memory_limit = PulseSettings.from_env(env).duckdb_memory_limit
    floor_seconds, floor_rows = duckdb_floor(raw, args.workdir, memory_limit)
    print(f"DuckDB floor: RFM of {floor_rows:,} customers from the raw orders file in {floor_seconds:.1f} s")

    first = run_pipeline(env)
    rerun = run_pipeline(env) if args.rerun and first.code == 0 else None
    incremental, model_seconds = None, {}
    if args.incremental and first.code == 0:
        model_seconds["full run"] = dbt_model_seconds(REPO_ROOT / "dbt_project", INCREMENTAL_MODELS)
        added = add_six_hours_of_orders(Path(env["PULSE_RAW_PATH"]), args.seed)
        print(f"\nsix hours of new orders: {added:,} orders in a second orders file")
        incremental = run_pipeline(env)
        model_seconds["incremental run"] = dbt_model_seconds(REPO_ROOT / "dbt_project", INCREMENTAL_MODELS)
    reparse = dbt_reparse_seconds(env, REPO_ROOT / "dbt_project")
    _step_times(run / "dagster_home")

    print(f"\n{label}: {customers:,} customers, raw files in {raw}")
    print(f"{'':<44}{'measured':>12}{'target':>12}  {'verdict':<18}{'floor (DuckDB alone)':>22}")
    scale_note = "" if args.scale == 1.0 else "  (scaled: targets are for the full size)"
    rows = [
        ("full run, raw files to published (s)", first.seconds, size.seconds, f"{floor_seconds:.1f} s"),
        ("peak memory of the run's processes (GB)", first.peak_gb, size.gigabytes, "-"),
        ("first console line (s)", first.first_line, FIRST_LINE_TARGET_SECONDS, "-"),
        (
            "fixed overhead: start + definitions (s)",
            first.started_in or float("nan"),
            OVERHEAD_TARGET_SECONDS,
            "-",
        ),
        ("  + dbt parse, reused, per dbt step (s, x2)", reparse, float("nan"), "-"),
    ]
    for name, measured, target, floor in rows:
        verdict = _verdict(measured, target) if target == target else ""  # nan: no target of its own
        if first.code != 0 and name.startswith("full run"):
            verdict = f"FAILED (exit {first.code})"  # a run that published nothing meets no target
        target_text = f"{target:,.1f}" if target == target else ""
        print(f"{name:<44}{measured:>12,.1f}{target_text:>12}  {verdict:<18}{floor:>22}")
    print(f"run exit code {first.code}; {first.seconds / floor_seconds:,.0f} x the floor{scale_note}")
    if rerun is not None:
        share = rerun.seconds / first.seconds
        print(
            f"re-run on unchanged data: {rerun.seconds:.1f} s, {share:.0%} of the full run (its inputs "
            "signature is the published manifest's: nothing is built, the published tables stand)"
        )
    if incremental is not None:
        share = incremental.seconds / first.seconds
        print(
            f"incremental run after six hours of new orders: {incremental.seconds:.1f} s, {share:.0%} of the "
            f"full run (target <= 20 %: {'met' if share <= 0.20 else 'missed'})"
        )
        for run_name, seconds in model_seconds.items():
            listed = ", ".join(f"{model} {value:.1f} s" for model, value in seconds.items())
            print(f"  per-customer incremental models, {run_name}: {listed}")


def _step_times(home: Path) -> None:
    """Each step's wall time in the last run, from its STEP_START / STEP_SUCCESS events in the instance."""
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        [record] = instance.get_run_records(limit=1)
        started: dict[str, float] = {}
        print(f"\n{'step (last run)':<42}{'seconds':>9}")
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
