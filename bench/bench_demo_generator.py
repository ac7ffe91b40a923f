"""Time the demo shop generator by hand: `python bench/bench_demo_generator.py --customers 1000000`.

Prints seconds, rows per file, bytes on disk and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from demo_shop.generate import generate_demo_shop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--keep", help="write here instead of a temporary folder that is removed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pulse-bench-") as tmp:
        out = Path(args.keep or tmp)
        started = time.perf_counter()
        counts = generate_demo_shop(
            out, customers=args.customers, seed=args.seed, fmt=args.format, progress=print
        )
        seconds = time.perf_counter() - started
        sizes = {p.stem: p.stat().st_size for p in out.iterdir()}

    # ru_maxrss is in kilobytes on Linux.
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"customers={args.customers:,} format={args.format} seed={args.seed}")
    for name, rows in counts.items():
        print(f"  {name:<16}{rows:>14,} rows {sizes[name] / 1024**2:>10,.1f} MB")
    print(f"seconds={seconds:.1f} peak_rss={peak_gb:.2f} GB rows_total={sum(counts.values()):,}")


if __name__ == "__main__":
    main()
