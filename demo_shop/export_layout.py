"""What the exports that rewrite a shape in a real system's layout share (demo_shop.line_export,
demo_shop.panel_export): a seeded DuckDB session over a shape with order lines, and the command line."""

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb


def seeded_session(shape: Path, out: Path, seed: int) -> duckdb.DuckDBPyConnection:
    """A DuckDB session whose random() repeats for a seed, once the shape is known to have order lines."""
    if not (shape / "order_items.csv").exists():
        raise ValueError(f"{shape} has no order_items.csv: choose a shape with order lines (category_drift)")
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"select setseed({(seed % 1000) / 1000})").fetchall()
    return con


def export_main(
    argv: list[str] | None, prog: str, doc: str, write: Callable[[Path, Path, int], int], written: str
) -> int:
    """`python -m <prog> SHAPE OUT [--seed N]`: replaces OUT and prints `written` with the rows and folder."""
    parser = argparse.ArgumentParser(prog=f"python -m {prog}", description=doc.split("\n\n")[0])
    parser.add_argument("shape", type=Path, help="a folder demo_shop.shapes wrote (with order_items.csv)")
    parser.add_argument("out", type=Path, help="the export's folder (replaced)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    shutil.rmtree(args.out, ignore_errors=True)
    rows = write(args.shape, args.out, args.seed)
    print(written.format(rows=rows, out=args.out))
    return 0
