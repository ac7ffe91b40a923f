"""Time the learning library: training, held-out evaluation, calibration, scoring and explanations of
every model on contract-shaped frames, with the peak memory.

Run by hand (not in CI):
    export PATH=$PWD/.venv/bin:$PATH OMP_WAIT_POLICY=passive
    python bench/bench_models.py --customers 100000            # synthetic shop (default 1 M customers)
    python bench/bench_models.py --lean-inputs                 # mix pivoted in SQL, FLOAT features
    python bench/bench_models.py --duckdb /tmp/pulse-bench/warehouse-1000000.duckdb  # the real path:
        # dbt feature and label models (timed), then the pipeline's reader, then every model

Synthetic frames come from the tests' simulated shop (tests/unit/ml/synthetic_shop.py): order
histories, then features, mix and labels at six month-end cutoffs and as_of. They are cached as
Parquet in --workdir. The timed part runs in a fresh process, so its peak RSS covers loading the
frames and the models only, not the simulation.
"""

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FRAMES = ("features", "labels", "mix", "category_labels")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(customers: int, seed: int, folder: Path) -> None:
    sys.path.insert(0, str(REPO_ROOT))
    import pandas as pd

    from tests.unit.ml.synthetic_shop import make_shop

    if not all((folder / f"{name}.parquet").exists() for name in FRAMES):
        started = time.perf_counter()
        shop = make_shop(customers=customers, seed=seed, positives_only_categories=True)
        folder.mkdir(parents=True, exist_ok=True)
        for name in FRAMES:
            getattr(shop, name).to_parquet(folder / f"{name}.parquet", index=False)
        (folder / "as_of.txt").write_text(shop.as_of.date().isoformat())
        print(f"simulated {customers:,} customers in {time.perf_counter() - started:.0f} s -> {folder}")
    if not (folder / "features_lean.parquet").exists():
        features, mix = (pd.read_parquet(folder / f"{name}.parquet") for name in ("features", "mix"))
        _lean_features(features, mix).to_parquet(folder / "features_lean.parquet", index=False)


def _lean_features(features, mix):
    """What the warehouse query can hand over instead: the mix pivoted into share columns (a DuckDB
    PIVOT) and every numeric feature as FLOAT (4 bytes), so no long mix frame is ever loaded."""
    import numpy as np

    from models_ml.design import MIX_PREFIXES, slug

    names = mix["dimension"].map(MIX_PREFIXES) + mix["value"].map({v: slug(v) for v in mix["value"].unique()})
    wide = mix.assign(name=names).pivot_table(
        index=["customer_id", "cutoff_date"], columns="name", values="spend_share", aggfunc="sum"
    )
    lean = features.merge(wide.reset_index(), on=["customer_id", "cutoff_date"], how="left")
    numeric = lean.select_dtypes("number").columns
    lean[numeric] = lean[numeric].astype(np.float32)
    return lean


def _load_parquet(folder: Path, lean: bool) -> tuple[dict, str]:
    import pyarrow.parquet as pq

    def read(name: str):  # dates as datetime64, as DuckDB's .df() returns them (not a Python object each)
        table = pq.read_table(folder / f"{name}.parquet")
        # free the Arrow buffers while converting, so the frame is not held twice (as `.arrow()` can)
        return table.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True)

    frames = {name: read(name) for name in FRAMES if not (lean and name == "mix")}
    if lean:
        frames["features"], frames["mix"] = read("features_lean"), None
    return frames, (folder / "as_of.txt").read_text().strip()


def _load_duckdb(path: Path) -> tuple[dict, str]:
    """The pipeline's own reader (pipeline/defs/ml/inputs.py): the dbt feature and label tables, the mix
    pivoted into share columns in DuckDB."""
    from pipeline.defs.ml.inputs import read_prediction_inputs
    from pipeline.engine.duckdb_warehouse import DuckDBWarehouse

    inputs = read_prediction_inputs(DuckDBWarehouse(path))
    frames = {"features": inputs.features, "labels": inputs.labels, "mix": None}
    frames["category_labels"] = inputs.category_labels
    return frames, str(inputs.as_of)


def _build_features(path: Path, workdir: Path) -> None:
    """The dbt feature and label models on a warehouse built by bench_pipeline_build.py, timed."""
    import os

    from pipeline.defs.dbt.cli_args import dbt_command
    from pipeline.settings import PulseSettings

    project = REPO_ROOT / "dbt_project"
    settings = PulseSettings.from_env({"PULSE_DUCKDB_PATH": str(path), "PULSE_RAW_PATH": str(workdir)})
    command = dbt_command(["build", "--select", "intermediate.ml+", "marts.ml+"], settings)
    command += ["--profiles-dir", str(project), "--project-dir", str(project)]
    command += ["--target-path", str(workdir / "target-ml"), "--log-path", str(workdir / "logs-ml")]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    started = time.perf_counter()
    result = subprocess.run(["dbt", *command], env=env, capture_output=True, text=True)
    print(result.stdout.strip().splitlines()[-1] if result.stdout else result.stderr[-2000:])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"feature build (dbt): {time.perf_counter() - started:.1f} s, peak RSS {peak:,.0f} MB")


def _measure(args: argparse.Namespace) -> None:
    from models_ml import ModelConfig, run_predictions

    started = time.perf_counter()
    if args.duckdb:
        frames, as_of = _load_duckdb(args.duckdb)
    else:
        frames, as_of = _load_parquet(args.workdir / f"shop-{args.customers}-{args.seed}", args.lean_inputs)
    load_seconds = time.perf_counter() - started
    scored = int(frames["features"]["is_scoring_cutoff"].sum())
    print(
        f"loaded {len(frames['features']):,} feature rows ({scored:,} customers to score) "
        f"in {load_seconds:.1f} s, peak RSS {_peak_mb():,.0f} MB"
    )

    config = ModelConfig(
        n_threads=args.threads, sample_size=args.sample_size, evaluation_sample_size=args.sample_size
    )
    started = time.perf_counter()
    run = run_predictions(
        frames["features"],
        frames["labels"],
        as_of,
        mix=frames["mix"],
        category_labels=frames["category_labels"],
        config=config,
    )
    total = time.perf_counter() - started

    print(f"\n{'step':<22}{'seconds':>10}")
    for step, seconds in run.timings.items():
        print(f"{step:<22}{seconds:>10.1f}")
    print(f"{'models total':<22}{total:>10.1f}")
    print(f"{'with loading':<22}{total + load_seconds:>10.1f}")
    print(f"peak RSS (loading + models): {_peak_mb():,.0f} MB")
    print(
        f"rows out: customer_predictions {len(run.customer_predictions):,}, "
        f"customer_category_propensity {len(run.category_propensity):,}"
    )

    metrics = run.model_metrics
    pooled = metrics[metrics["category"].isna()]
    columns = [
        "model",
        "prediction_source",
        "train_sample_rows",
        "final_sample_rows",
        "roc_auc",
        "baseline_roc_auc",
        "ece",
        "spearman",
        "baseline_spearman",
    ]
    print("\n" + pooled[columns].to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pulse-ml-bench"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sample-size", type=int, default=200_000)
    parser.add_argument(
        "--lean-inputs",
        action="store_true",
        help="mix pivoted into the features and FLOAT features (synthetic)",
    )
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=None,
        help="a warehouse built by bench_pipeline_build.py: build its feature tables (timed), then read them",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the timed child
    args = parser.parse_args()

    if args.measure:
        _measure(args)
        return
    if args.duckdb:
        _build_features(args.duckdb, args.workdir)
    else:
        _generate(args.customers, args.seed, args.workdir / f"shop-{args.customers}-{args.seed}")
    child = subprocess.run([sys.executable, __file__, *sys.argv[1:], "--measure"], cwd=REPO_ROOT)
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
