"""Command line: `pulse-demo-data` or `python -m demo_shop --customers 5000 --seed 42 --out /tmp/shop`."""

from __future__ import annotations

import argparse
import functools

from demo_shop.generate import generate_demo_shop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pulse-demo-data", description="Write a deterministic demo shop.")
    parser.add_argument("--customers", type=int, default=5000, help="customers to simulate (default 5000)")
    parser.add_argument("--seed", type=int, default=42, help="same seed and arguments give identical files")
    parser.add_argument("--out", required=True, help="folder for the raw files (created if missing)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", dest="fmt")
    parser.add_argument("--start", default="2023-07-01", help="first day of the history (ISO date)")
    parser.add_argument("--end", default="2026-06-30", help="last day of the history (ISO date)")
    parser.add_argument(
        "--dirty-share", type=float, default=0.01, help="dirty order rows as a share of orders (default 0.01)"
    )
    args = parser.parse_args(argv)

    counts = generate_demo_shop(
        args.out,
        customers=args.customers,
        seed=args.seed,
        start=args.start,
        end=args.end,
        fmt=args.fmt,
        dirty_share=args.dirty_share,
        progress=functools.partial(print, flush=True),
    )
    for name, rows in counts.items():
        print(f"{name + '.' + args.fmt:<24}{rows:>14,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
