"""Re-run the prediction ladder on warehouses a run already built, without dbt or Dagster: per target, who
scores it and the held-out metric of XGBoost, BG/NBD and the rule. For trying a change to the learning
library on several shops in a minute each (bench/bench_shop_shapes.py runs the whole pipeline instead).

Run by hand (not in CI), e.g. on the warehouses bench_shop_shapes.py left behind:
    python bench/bench_ladder.py /tmp/pulse-shapes/*/warehouse.duckdb
    python bench/bench_ladder.py --drop cutoff_month /tmp/pulse-shapes/seasonal/warehouse.duckdb

`--drop` leaves feature columns out, to measure what they are worth. Training randomness alone moves a
held-out AUC by a few hundredths on a shop of 1,500 customers: compare over several shops, not one.
"""

import argparse
import dataclasses
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models_ml.config import ModelConfig  # noqa: E402
from models_ml.predictions import run_predictions  # noqa: E402
from pipeline.defs.ml.inputs import read_prediction_inputs  # noqa: E402
from pipeline.engine.duckdb_warehouse import DuckDBWarehouse  # noqa: E402


def _value(row, column: str) -> str:
    value = row.get(column)
    return "–" if value is None or value != value else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("warehouses", nargs="+", type=Path)
    parser.add_argument("--drop", default="", help="comma-separated feature columns to leave out")
    parser.add_argument("--calibration", default=None, help="auto, isotonic or sigmoid (default: auto)")
    args = parser.parse_args()
    drop = [name for name in args.drop.split(",") if name]
    config = ModelConfig(**({"calibration_method": args.calibration} if args.calibration else {}))
    for warehouse in args.warehouses:
        inputs = read_prediction_inputs(DuckDBWarehouse(warehouse))
        if dropped := [name for name in drop if name in inputs.features.columns]:
            inputs = dataclasses.replace(inputs, features=inputs.features.drop(columns=dropped))
        started = time.perf_counter()
        run = run_predictions(
            inputs.features,
            inputs.labels,
            inputs.as_of,
            category_labels=inputs.category_labels,
            config=config,
            now=datetime.now(UTC),
        )
        print(f"\n## {warehouse} ({time.perf_counter() - started:.0f} s)")
        print("| target | source | XGBoost | BG/NBD | rule | reason |")
        print("| --- | --- | ---: | ---: | ---: | --- |")
        for row in run.model_metrics.to_dict("records"):
            if row.get("category") is not None and row.get("category") == row.get("category"):
                continue
            metric = "roc_auc" if row["kind"] == "classifier" else "spearman"
            print(
                f"| {row['model']} | {row['prediction_source']} | {_value(row, metric)} | "
                f"{_value(row, 'btyd_' + metric)} | {_value(row, 'baseline_' + metric)} | {row['reason']} |"
            )


if __name__ == "__main__":
    main()
