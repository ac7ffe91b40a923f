"""Time publishing every published table, and its peak memory, for a warehouse of N demo customers.

Run by hand (not in CI):
    export PATH=$PWD/.venv/bin:$PATH
    python bench/bench_publish.py --customers 1000000 --workdir /tmp/pulse-run-bench
    python bench/bench_publish.py --customers 1000000 --publish-uri s3://bucket/bench   # on S3

Runs the whole pipeline with bench/bench_pipeline_run.py first when `<workdir>` has no warehouse for N
(every published table, the Python-written ones included, must be there). Then it publishes twice into
an empty location, each time in a fresh process so the peak memory printed is the
publish's own: the first publish creates every table, the second replaces every table (a full refresh,
with retention), the third finds every table unchanged (fingerprints only, nothing written: a run on
unchanged data). It publishes through the same `publish_run` the pipeline's publish step calls.
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
UNCHANGED_RUN = "bench-3"  # the run that finds every table unchanged


def measure(
    warehouse: Path, manifest_path: Path, publish_uri: str, endpoint: str | None, run_id: str
) -> dict:
    """One publish of every published table; runs in its own process (see main)."""
    from pipeline.defs.dbt.manifest_models import manifest_models
    from pipeline.defs.publish.published_tables import published_tables
    from pipeline.engine.duckdb_tables import content_fingerprint, read_only, table_reader
    from pipeline.storage import TableSource, apply_retention, open_store, publish_run

    tables = published_tables(manifest_path)
    [context] = [m.relation for m in manifest_models(manifest_path) if m.name == "int_run_context"]
    store = open_store(publish_uri, endpoint)
    started = time.perf_counter()
    with read_only(warehouse) as con:
        [(as_of, as_of_source)] = con.sql(f"select as_of, as_of_source from {context}").fetchall()
        manifest = publish_run(
            store,
            run_id=run_id,
            as_of=as_of,
            as_of_source=as_of_source,
            tables=[
                TableSource(
                    t.name,
                    partial(table_reader, con, t.relation),
                    fingerprint=partial(content_fingerprint, con, t.relation),
                )
                for t in tables
            ],
            progress=lambda message: None,
            rewrite_unchanged=run_id != UNCHANGED_RUN,
        )
    published = time.perf_counter() - started
    apply_retention(store, timedelta(days=7), progress=lambda message: None)
    return {
        "publish_seconds": round(published, 1),
        "with_retention_seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rows": {name: entry["rows"] for name, entry in manifest["tables"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pulse-run-bench"))
    parser.add_argument(
        "--publish-uri", default=None, help="default: <workdir>/published-<N> (emptied first)"
    )
    parser.add_argument("--s3-endpoint-url", default=None)
    parser.add_argument("--measure", default=None, help=argparse.SUPPRESS)  # internal: the child's run id
    args = parser.parse_args()

    scale = args.customers / 1_000_000
    warehouse = (
        args.workdir / ("run-1m-demo" if scale == 1 else f"run-1m-demo-x{scale:g}") / "warehouse.duckdb"
    )
    manifest_path = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
    publish_uri = args.publish_uri or str(args.workdir / f"published-{args.customers}")
    if args.measure:
        result = measure(warehouse, manifest_path, publish_uri, args.s3_endpoint_url, args.measure)
        print(json.dumps(result))
        return

    if not warehouse.exists() or not manifest_path.exists():
        build = [sys.executable, str(REPO_ROOT / "bench/bench_pipeline_run.py")]
        subprocess.run(
            [*build, "1m-demo", "--scale", f"{scale:g}", "--workdir", str(args.workdir)], check=True
        )
    if not publish_uri.startswith("s3://"):
        shutil.rmtree(publish_uri, ignore_errors=True)

    child = [sys.executable, __file__, "--customers", str(args.customers), "--workdir", str(args.workdir)]
    child += ["--publish-uri", publish_uri] + (
        ["--s3-endpoint-url", args.s3_endpoint_url] if args.s3_endpoint_url else []
    )
    for label, run_id in (
        ("first publish (creates every table)", "bench-1"),
        ("second publish (replaces)", "bench-2"),
        ("third publish (unchanged, none written)", UNCHANGED_RUN),
    ):
        output = subprocess.run(
            [*child, "--measure", run_id], check=True, capture_output=True, text=True
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(
            f"{label:<38} {result['publish_seconds']:7.1f} s publish, "
            f"{result['with_retention_seconds']:7.1f} s with retention, peak RSS {result['peak_rss_mb']:,} MB"
        )
    total = sum(result["rows"].values())
    print(f"{len(result['rows'])} tables, {total:,} rows, to {publish_uri}")
    for name, rows in sorted(result["rows"].items(), key=lambda item: -item[1])[:5]:
        print(f"  {name:<28} {rows:>12,}")


if __name__ == "__main__":
    main()
