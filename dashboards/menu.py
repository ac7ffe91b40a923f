"""The app's pages, in menu order: the script that draws each, its title and its URL path."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    script: str  # relative to dashboards/app.py
    title: str
    url_path: str
    default: bool = False


PAGES = (
    Page("views/product_recommendation.py", "Product recommendation", "product-recommendation", default=True),
    Page("views/customer_insights.py", "Customer insights", "customer-insights"),
    Page("views/crm.py", "CRM dashboard", "crm"),
    Page("views/groups_lifecycle.py", "Customer groups & lifecycle", "groups-lifecycle"),
    Page("views/segment_details.py", "Segment details", "segment-details"),
    Page("views/predictions.py", "Predictions", "predictions"),
    Page("views/runs.py", "Runs", "runs"),
)
