"""Time each dashboard page's data functions on a publish location: are the pages fast on a big shop?

Run by hand (not in CI), after a run has published (e.g. bench/bench_pipeline_run.py for N customers):
    export PATH=$PWD/.venv/bin:$PATH
    python bench/bench_dashboards.py .pulse/published
    python bench/bench_dashboards.py s3://bucket/prefix --repeat 5      # PULSE_S3_ENDPOINT_URL etc. apply

Calls every function a page calls, with the arguments its widgets start with (first category, last
day, …), straight (no Streamlit cache): the first call is cold (the Delta log is read and the table
opened), the best of `--repeat` later calls is warm. A page's time on first view is about the sum of
its cold column; Streamlit caches each result per run afterwards.
"""

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboards.data import crm, insights, lifecycle, predictions, recommendation, runs, segments  # noqa: E402
from dashboards.published import Published, open_published  # noqa: E402


def page_calls(data: Published) -> dict[str, list[tuple[str, Callable[[], object]]]]:
    """Per page, its data calls with the arguments the page opens with."""
    category = (recommendation.categories(data) or [""])[0]
    first, last = insights.period_bounds(data)
    year_ago = date(last.year - 1, last.month, 1)
    latest = crm.last_month(data, "customer_base_quality")
    since = crm.months_back(latest, 12)
    month_end = (lifecycle.transition_months(data) or [last])[0]
    kind = (segments.kinds(data) or ["lifecycle_state"])[0]
    ids = segments.segment_ids(data, kind)
    segment_id = ids["segment_id"].iloc[0] if not ids.empty else ""
    cells = predictions.grid(data)
    cell = sorted(cells["predictive_cell"])[0] if not cells.empty else ""
    audiences = recommendation.audiences(data)["audience"].tolist()[:2]
    return {
        "Product recommendation": [
            ("categories", lambda: recommendation.categories(data)),
            ("purchases_by_month", lambda: recommendation.purchases_by_month(data, category)),
            ("segments", lambda: recommendation.segments(data, category)),
            ("basket_bands", lambda: recommendation.basket_bands(data, category)),
            ("popular_products", lambda: recommendation.popular_products(data, category, "all", 5)),
            ("roi", lambda: recommendation.roi(data, category, 0.10, 0.30, 0.10)),
            ("audiences", lambda: recommendation.audiences(data)),
            ("audience_upload", lambda: recommendation.audience_upload(data, audiences)),
        ],
        "Customer insights": [
            ("period_bounds", lambda: insights.period_bounds(data)),
            (
                "new_vs_returning",
                lambda: insights.new_vs_returning(data, "month", max(first, year_ago), last),
            ),
            ("purchase_sequence", lambda: insights.purchase_sequence(data)),
            ("time_since_last_purchase", lambda: insights.time_since_last_purchase(data)),
            ("drill years", lambda: insights.drill(data, "year")),
            (
                "drill months",
                lambda: insights.drill(data, "month", date(last.year, 1, 1), date(last.year, 12, 31)),
            ),
            ("drill days", lambda: insights.drill(data, "day", last.replace(day=1), last)),
            ("orders_of_day", lambda: insights.orders_of_day(data, last)),
        ],
        "CRM dashboard": [
            ("last_month", lambda: crm.last_month(data, "customer_base_quality")),
            ("base_quality", lambda: crm.base_quality(data, since)),
            ("repeat_overall", lambda: crm.repeat_overall(data)),
            ("repeat_customers", lambda: crm.repeat_customers(data, since)),
            ("best_and_lost", lambda: crm.best_and_lost(data, since)),
            ("assisted_sales", lambda: crm.assisted_sales(data, since)),
        ],
        "Customer groups & lifecycle": [
            ("customer_groups", lambda: lifecycle.customer_groups(data)),
            ("active_comparison", lambda: lifecycle.active_comparison(data)),
            ("growth", lambda: lifecycle.growth(data, 12)),
            ("transition_months", lambda: lifecycle.transition_months(data)),
            ("transitions", lambda: lifecycle.transitions(data, month_end)),
        ],
        "Segment details": [
            ("kinds", lambda: segments.kinds(data)),
            ("segment_ids", lambda: segments.segment_ids(data, kind)),
            ("details", lambda: segments.details(data, kind, segment_id)),
            ("popular_products", lambda: segments.popular_products(data, kind, segment_id)),
        ],
        "Predictions": [
            ("grid", lambda: predictions.grid(data)),
            ("cell_customers", lambda: predictions.cell_customers(data, cell)),
            *[
                (f"distribution {c}", lambda c=c: predictions.distribution(data, c))
                for c in predictions.SCORES
            ],
            ("models", lambda: predictions.models(data)),
            ("outcomes", lambda: predictions.outcomes(data)),
        ],
        "Runs": [
            ("recent_runs", lambda: runs.recent_runs(data)),
            ("run_tables", lambda: runs.run_tables(data, data.run_id)),
            ("withheld", lambda: runs.withheld(data, data.run_id)),
        ],
    }


def _rows(result: object) -> str:
    if result is None:
        return "–"
    return f"{len(result):,}" if hasattr(result, "__len__") and not isinstance(result, str) else "1"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("publish_uri", help="a folder or s3://bucket/prefix that a run published to")
    parser.add_argument("--run-id", help="an earlier run (default: the one _manifest.json names)")
    parser.add_argument("--repeat", type=int, default=3, help="warm calls per function (best is shown)")
    args = parser.parse_args()

    start = time.perf_counter()
    data = open_published(args.publish_uri, args.run_id)
    if data is None:
        print(f"Nothing published at {args.publish_uri}")
        return 1
    print(f"Run {data.run_id} (as_of {data.as_of}) at {args.publish_uri}: manifest in "
          f"{time.perf_counter() - start:.2f} s; customers {data.rows('customers'):,}, "
          f"orders {data.rows('fct_orders'):,}")  # fmt: skip
    print(f"{'page / function':<50} {'rows':>9} {'cold s':>8} {'warm s':>8}")
    for page, calls in page_calls(data).items():
        cold_total = warm_total = 0.0
        print(page)
        for name, call in calls:
            began = time.perf_counter()
            result = call()
            cold = time.perf_counter() - began
            warm = min(_timed(call) for _ in range(max(args.repeat, 1)))
            cold_total, warm_total = cold_total + cold, warm_total + warm
            print(f"  {name:<48} {_rows(result):>9} {cold:>8.3f} {warm:>8.3f}")
        print(f"  {'page total':<48} {'':>9} {cold_total:>8.3f} {warm_total:>8.3f}")
    return 0


def _timed(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


if __name__ == "__main__":
    sys.exit(main())
