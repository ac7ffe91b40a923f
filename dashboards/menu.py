"""The app's pages, in menu order: the script that draws each, its title, its URL path, and the published
tables it cannot do without (a run that lacks one gets a note instead of the page)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    script: str  # relative to dashboards/app.py
    title: str
    url_path: str
    tables: tuple[str, ...] = ()
    default: bool = False


PAGES = (
    Page(
        "views/product_recommendation.py", "Product recommendation", "product-recommendation",
        ("category_segments", "segment_roi", "popular_products", "fct_order_items", "fct_orders", "audiences",
         "audience_members"),
        default=True,
    ),
    Page(
        "views/customer_insights.py", "Customer insights", "customer-insights",
        ("new_vs_returning", "purchase_sequence", "customers", "fct_orders"),
    ),
    Page(
        "views/crm.py", "CRM dashboard", "crm",
        ("customer_base_quality", "repeat_customers", "best_and_lost_customers", "assisted_sales"),
    ),
    Page(
        "views/groups_lifecycle.py", "Customer groups & lifecycle", "groups-lifecycle",
        ("customer_groups", "lifecycle_monthly", "lifecycle_transitions"),
    ),
    Page(
        "views/segment_details.py", "Segment details", "segment-details",
        ("segment_details", "segment_popular_products"),
    ),
    Page(
        "views/predictions.py", "Predictions", "predictions",
        ("predictive_segments", "customer_predictions", "model_metrics"),
    ),
    Page("views/runs.py", "Runs", "runs"),
)  # fmt: skip


def page_titled(title: str) -> Page:
    return next(page for page in PAGES if page.title == title)
