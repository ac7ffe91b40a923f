"""Command line: `python -m demo_shop.shapes SHAPE --out DIR [--customers N] [--seed S] [--end D]`.

`--list` prints every shape with its one-line description and default size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from demo_shop.shapes import DEFAULT_END, DEFAULT_SEED, SHAPES, NotAShapeFolderError, write_shape


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo_shop.shapes",
        description="Write a deterministic shop of one shape as raw files (docs/data-contract.md).",
    )
    parser.add_argument("shape", nargs="?", choices=list(SHAPES), metavar="SHAPE", help="see --list")
    parser.add_argument("--list", action="store_true", help="list the shapes, one line each, and exit")
    parser.add_argument("--out", help="folder for the raw files: new, empty or a previous shape's")
    parser.add_argument("--customers", type=int, help="customers to simulate (default: the shape's own)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
    parser.add_argument(
        "--end", type=_date, default=DEFAULT_END, help=f"last day of the history (default {DEFAULT_END})"
    )
    args = parser.parse_args(argv)
    if args.list:
        width = max(map(len, SHAPES))
        for shape in SHAPES.values():
            print(f"{shape.name:<{width}}  {shape.description}  [{shape.customers:,} customers]")
        return 0
    if args.shape is None or args.out is None:
        parser.error("give a SHAPE and --out DIR (or --list)")
    started = time.monotonic()
    try:
        rows = write_shape(args.shape, args.out, customers=args.customers, seed=args.seed, end=args.end)
    except (NotAShapeFolderError, ValueError) as error:
        print(f"error: {error}")
        return 2
    for name, count in rows.items():
        print(f"{name:<20}{count:>12,} rows")
    print(f"{args.shape} written to {args.out} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
