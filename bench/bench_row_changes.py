"""Time the comparison an incremental publish makes before a Delta MERGE: which rows of a warehouse table
differ from its published version (pipeline/warehouse_changes.py), with the peak memory of this process.

Run by hand (not in CI), on the warehouse and publish folder a bench run leaves:
    python bench/bench_pipeline_run.py 10m-orders
    python bench/bench_row_changes.py --run /tmp/pulse-run-bench/run-10m-orders

Prints the rows found changed (0 when the warehouse is the one just published), the seconds and the peak
resident memory. The warehouse is opened read-only with the run's default DuckDB memory limit.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.warehouse_changes import changed_rows  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--run", type=Path, required=True, help="a bench run folder (warehouse + published)")
    parser.add_argument("--relation", default="marts.fct_orders")
    parser.add_argument("--key", default="order_id", help="the merge key, comma-separated")
    parser.add_argument("--memory-limit", default="4GB")
    args = parser.parse_args()

    from deltalake import DeltaTable

    table = args.relation.split(".")[-1]
    published = DeltaTable(str(args.run / "published" / table)).to_pyarrow_dataset()
    with duckdb.connect(str(args.run / "warehouse.duckdb"), read_only=True) as con:
        con.execute(f"set memory_limit = '{args.memory_limit}'")
        start = time.perf_counter()
        changes = changed_rows(con, args.relation, args.key.split(","), published, max_rows=10**9)
        seconds = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    if changes is None:
        print(f"{args.relation}: columns differ from the published version (a full rewrite's job)")
    else:
        print(
            f"{args.relation}: {changes.upserted:,} rows new or changed, {changes.deleted:,} removed "
            f"({changes.rows.num_rows:,} rows sent)"
        )
    print(f"compared in {seconds:.1f} s, peak memory {peak_gb:.2f} GB (this process)")


if __name__ == "__main__":
    main()
