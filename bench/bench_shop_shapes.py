"""Run the whole pipeline on shops unlike the demo (demo_shop/shapes) as a new user would, with
`python3 tasks.py run` and PULSE_RAW_PATH, and print per shape: the run's outcome and time, then per target
who scored it, its grade, and the held-out metric of XGBoost, BG/NBD and the rule (from the published
model_metrics), and whether every analytics table was published.

Run by hand (not in CI; a few minutes per shape on two cores):
    python bench/bench_shop_shapes.py --workdir /tmp/pulse-shapes                 # every shape
    python bench/bench_shop_shapes.py --workdir /tmp/pulse-shapes tiny sparse_repeat
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _metric(row: dict, prefix: str) -> str:
    metric = "roc_auc" if row["kind"] == "classifier" else "spearman"
    value = row.get(f"{prefix}{metric}")
    return "–" if value is None else f"{value:.3f}"


def run_shape(shape: str, workdir: Path, customers: int | None) -> None:
    from deltalake import DeltaTable

    folder = workdir / shape
    if folder.exists():
        shutil.rmtree(folder)
    command = [sys.executable, "-m", "demo_shop.shapes", shape, "--out", str(folder / "raw")]
    if customers:
        command += ["--customers", str(customers)]
    subprocess.run(command, check=True, cwd=REPO_ROOT)
    (folder / "dagster_home").mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", folder / "dagster_home" / "dagster.yaml")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PULSE_")}
    env |= {
        "PULSE_RAW_PATH": str(folder / "raw"),
        "PULSE_DUCKDB_PATH": str(folder / "warehouse.duckdb"),
        "PULSE_PUBLISH_URI": str(folder / "published"),
        "DAGSTER_HOME": str(folder / "dagster_home"),
    }
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "tasks.py", "run"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - started
    (folder / "console.log").write_text(result.stdout + result.stderr)
    print(f"\n## {shape}: exit {result.returncode} in {took:.0f} s (console: {folder / 'console.log'})")
    for line in result.stdout.splitlines():
        if line.strip().startswith(("Predictions:", "Publish:", "Reconciliation", "Orders:")):
            print("   ", line.strip()[:400])
    published = folder / "published"
    if not (published / "model_metrics").exists():
        print("    nothing published")
        return
    tables = sorted(p.name for p in published.iterdir() if (p / "_delta_log").is_dir())
    print(f"    {len(tables)} tables published")
    rows = DeltaTable(str(published / "model_metrics")).to_pyarrow_table().to_pylist()
    print("    | target | source | grade | XGBoost | BG/NBD | rule | reason |")
    print("    | --- | --- | --- | ---: | ---: | ---: | --- |")
    for row in rows:
        if row["category"] is not None:
            continue
        print(
            f"    | {row['model']} | {row['prediction_source']} | {row['grade'] or '–'} | "
            f"{_metric(row, '')} | {_metric(row, 'btyd_')} | {_metric(row, 'baseline_')} | {row['reason']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("shapes", nargs="*", help="shape names (default: every shape)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pulse-shapes"))
    parser.add_argument("--customers", type=int, default=None, help="override each shape's size")
    args = parser.parse_args()
    from demo_shop.shapes import SHAPES

    for shape in args.shapes or list(SHAPES):
        run_shape(shape, args.workdir, args.customers)


if __name__ == "__main__":
    main()
