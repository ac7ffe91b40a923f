"""Score the pipeline's predictions against what really happened, on a real shop's order history.

Runs `python3 tasks.py run` twice on the same folders, as a shop would over time: first as of a past
date (`--as-of`, PULSE_AS_OF), then on the whole history. The second run's `prediction_outcomes` (the
prediction ledger) scores the first run's purchase and churn predictions whose horizon has passed; the
bench adds the CLV ranking against the spend actually seen after the cut (Spearman; the window the
history allows), and beside each the plain recency + frequency + monetary rank sum a shop would use
without us. Run by hand (not in CI), about a minute per run on CDNOW.

The public real history it was made for is CDNOW (23,570 customers who first bought in early 1997,
69,659 purchases until June 1998; most buy once or twice), which the `lifetimes` package ships:
    pip download --no-deps lifetimes==0.11.3 -d /tmp/lt && unzip -o /tmp/lt/*.whl -d /tmp/lt
    python bench/bench_real_history.py /tmp/lt/lifetimes/datasets/CDNOW_master.txt --as-of 1997-12-31
Any contract `orders.csv` works too (`order_id`, `customer_id`, `ordered_at`, `amount`).
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent


def contract_orders(source: Path) -> pd.DataFrame:
    """CDNOW_master.txt (customer, yyyymmdd, CDs, dollars; whitespace-separated) or a contract orders.csv."""
    if source.suffix == ".txt":
        raw = pd.read_csv(
            source, sep=r"\s+", header=None, names=["customer", "date", "cds", "dollars"], dtype=str
        )
        raw = raw[raw["date"].str.isdigit()]  # the lifetimes copy has a header line, the original none
        return pd.DataFrame(
            {
                "order_id": [f"O{n}" for n in range(len(raw))],
                "customer_id": "C" + raw["customer"],
                "ordered_at": pd.to_datetime(raw["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d 12:00:00"),
                "amount": raw["dollars"].astype(float),
            }
        )
    return pd.read_csv(source, dtype={"order_id": str, "customer_id": str})


def run_pipeline(raw: Path, folder: Path, as_of: str | None) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PULSE_")}
    env |= {
        "PULSE_RAW_PATH": str(raw),
        "PULSE_DUCKDB_PATH": str(folder / "warehouse.duckdb"),
        "PULSE_PUBLISH_URI": str(folder / "published"),
        "DAGSTER_HOME": str(folder / "dagster_home"),
    } | ({"PULSE_AS_OF": as_of} if as_of else {})
    print(f"\n## as of {as_of or 'the end of the history'}")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "tasks.py", "run"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    (folder / f"console-{as_of or 'all'}.log").write_text(result.stdout + result.stderr)
    if result.returncode:
        sys.exit(f"the run as of {as_of or 'the end'} failed (exit {result.returncode}); see {folder}")
    for line in result.stdout.splitlines():
        if line.strip().startswith("Predictions:"):
            print("   ", line.strip()[:600])
    took = time.perf_counter() - started
    print(f"    ({took:.0f} s)")


def rank_sum_rule(orders: pd.DataFrame, cut: pd.Timestamp) -> pd.Series:
    """Recency + frequency + monetary rank sum at the cut (higher: more likely to buy and spend)."""
    past = orders[orders["t"] < cut].groupby("customer_id")
    recency = (cut - past["t"].max()).dt.days
    return (-recency).rank() + past.size().rank() + past["amount"].sum().rank()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("history", type=Path, help="CDNOW_master.txt or a contract orders.csv")
    parser.add_argument("--as-of", required=True, help="the past date the first run predicts from")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pulse-real"))
    args = parser.parse_args()
    from deltalake import DeltaTable
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    if args.workdir.exists():
        shutil.rmtree(args.workdir)
    (args.workdir / "raw").mkdir(parents=True)
    (args.workdir / "dagster_home").mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", args.workdir / "dagster_home" / "dagster.yaml")
    orders = contract_orders(args.history)
    orders.to_csv(args.workdir / "raw" / "orders.csv", index=False)
    print(
        f"{len(orders):,} orders of {orders['customer_id'].nunique():,} customers -> {args.workdir / 'raw'}"
    )

    run_pipeline(args.workdir / "raw", args.workdir, args.as_of)
    published = args.workdir / "published"
    predictions = DeltaTable(str(published / "customer_predictions")).to_pyarrow_table().to_pandas()
    metrics = DeltaTable(str(published / "model_metrics")).to_pyarrow_table().to_pandas()
    run_pipeline(args.workdir / "raw", args.workdir, None)

    outcomes = DeltaTable(str(published / "prediction_outcomes")).to_pyarrow_table().to_pandas()
    print("\n| target | horizon | source | published | rank-sum rule | our rule (the day's) | customers |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    orders["t"] = pd.to_datetime(orders["ordered_at"])
    cut = pd.Timestamp(args.as_of) + pd.Timedelta(days=1)
    rule = rank_sum_rule(orders, cut).reindex(predictions["customer_id"]).to_numpy()
    after = orders[orders["t"] >= cut]
    for row in outcomes[outcomes["as_of"].astype(str) == args.as_of].to_dict("records"):
        window = after[after["t"] < cut + pd.Timedelta(days=row["horizon_days"])]
        bought = predictions["customer_id"].isin(window["customer_id"]).to_numpy()
        rule_auc = roc_auc_score(
            bought if row["target"] == "purchase" else ~bought, rule if row["target"] == "purchase" else -rule
        )
        print(
            f"| {row['target']} | {row['horizon_days']:.0f} d | {row['prediction_source']} | "
            f"AUC {row['roc_auc']:.3f} | {rule_auc:.3f} | {row['rule_roc_auc']:.3f} | {row['customers']:,} |"
        )
    clv = metrics[metrics["model"] == "clv"].iloc[0]
    days = min(float(clv["horizon_days"]), (orders["t"].max() - cut).days + 1)
    spend = after[after["t"] < cut + pd.Timedelta(days=days)].groupby("customer_id")["amount"].sum()
    actual = spend.reindex(predictions["customer_id"]).fillna(0.0).to_numpy()
    scored = predictions["predicted_clv"].notna().to_numpy()
    published_rho = (
        spearmanr(predictions["predicted_clv"][scored], actual[scored]).statistic if scored.any() else np.nan
    )
    print(
        f"| clv | {days:.0f} d (of {clv['horizon_days']:.0f}) | {clv['prediction_source']} | "
        f"Spearman {published_rho:.3f} | {spearmanr(rule, actual).statistic:.3f} | – | {len(actual):,} |"
    )
    print(f"\nHeld-out metrics of the first run (model_metrics, as of {args.as_of}):")
    for row in metrics[metrics["category"].isna()].to_dict("records"):
        print(f"  {row['model']}: {row['prediction_source']}, {row['reason']}")


if __name__ == "__main__":
    main()
