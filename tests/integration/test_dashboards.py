"""The dashboards as a person uses them, on ONE small demo publish (300 customers, one pipeline run):
every page through Streamlit's own test harness with its numbers checked against the published tables,
then the real app in headless Chromium, every page opened, no exception shown, a screenshot saved."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable
from streamlit.testing.v1 import AppTest

from dashboards.menu import PAGES
from dashboards.serve import streamlit_command, url
from tests.conftest import REPO_ROOT
from tests.integration.browser import Browser, chromium_path
from tests.integration.pipeline_runs import pulse_settings
from tests.system_packages import debian_package_or_skip

pytestmark = pytest.mark.integration

APP = str(REPO_ROOT / "dashboards" / "app.py")
SCREENSHOTS = REPO_ROOT / ".pulse" / "dashboard-screenshots"


@pytest.fixture(scope="module")
def demo_publish(demo_shop_run):
    """The shared pipeline run on a 300-customer demo shop; PULSE_PUBLISH_URI points at it for the module."""
    _, settings = demo_shop_run
    with pulse_settings(settings):
        yield Path(settings["PULSE_PUBLISH_URI"])


@pytest.fixture(scope="module")
def manifest(demo_publish) -> dict:
    return json.loads((demo_publish / "_manifest.json").read_text())


@pytest.fixture(scope="module")
def table(demo_publish, manifest):
    """A published table read straight with deltalake at the manifest's version (not the app's code)."""

    def read(name: str) -> pd.DataFrame:
        entry = manifest["tables"][name]
        return DeltaTable(str(demo_publish / name), version=entry["version"]).to_pandas()

    return read


def page_app(script: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    if script != PAGES[0].script:
        app.switch_page(script).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def as_number(text: str) -> float:
    return float(text.split()[0].replace(",", "").rstrip("%"))


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_runs_and_names_the_run_it_shows(demo_publish, manifest, page):
    app = page_app(page.script)
    assert [t.value for t in app.title] == [page.title]
    sidebar = " ".join(m.value for m in app.sidebar.markdown)
    assert manifest["run_id"] in sidebar and manifest["as_of"] in sidebar and "EUR" in sidebar


def test_product_recommendation_adds_up_the_chosen_segments(demo_publish, table):
    segments = table("category_segments")
    app = page_app("views/product_recommendation.py")
    last = sorted(segments["category"].unique())[-1]
    app.selectbox(key="category").select(last).run()
    app.multiselect(key="segments").set_value([1, 3]).run()
    chosen = segments[(segments["category"] == last) & segments["segment_rank"].isin([1, 3])]
    shown = metrics(app)
    assert as_number(shown["Customers"]) == chosen["customers"].sum()
    assert as_number(shown["Expected buyers"]) == pytest.approx(chosen["expected_buyers"].sum(), abs=0.05)
    # ROI at the pipeline's defaults (the inputs' defaults) is the published segment_roi
    roi = next(d.value for d in app.dataframe if "roi" in d.value.columns)
    published = table("segment_roi").query("category == @last").sort_values("k")
    assert roi["profit"].round(6).tolist() == published["profit"].round(6).tolist()
    # the upload file: members minus the control group, hashed contacts only
    members = table("audience_members")
    audience = members.loc[members["channel"] == "ads", "audience"].iloc[0]
    app.multiselect(key="audiences").set_value([audience]).run()
    expected = ((members["audience"] == audience) & ~members["is_control"]).sum()
    assert f"{expected:,} customers to upload" in " ".join(c.value for c in app.caption)


def test_customer_insights_drills_down_to_one_days_orders(demo_publish, table):
    app = page_app("views/customer_insights.py")
    years = table("new_vs_returning").query("grain == 'year'").sort_values("period_start")
    drill_years = app.dataframe[1].value
    assert drill_years["revenue"].round(2).tolist() == years["revenue"].astype(float).round(2).tolist()
    orders = table("fct_orders")
    day = orders["ordered_date"].max()
    app.selectbox(key="drill_year").select(years["period_start"].iloc[-1]).run()
    app.selectbox(key="drill_month").select(day.replace(day=1)).run()
    app.selectbox(key="drill_day").select(day).run()
    assert not app.exception
    shown = app.dataframe[-1].value
    assert sorted(shown["order_id"]) == sorted(orders.loc[orders["ordered_date"] == day, "order_id"])


def test_crm_shows_the_last_months_base_and_repeat_share(demo_publish, table):
    app = page_app("views/crm.py")
    quality = table("customer_base_quality").query("grain == 'month'")
    last = quality[quality["period_start"] == quality["period_start"].max()]
    shown = metrics(app)
    for _, row in last.iterrows():
        label = next(k for k in shown if k.startswith(f"{row['months_since_last_purchase_band']} months"))
        assert as_number(shown[label]) == row["customers"]
    overall = table("repeat_customers").query("grain == 'all'").iloc[0]
    assert as_number(shown["Share of customers"]) == pytest.approx(
        100 * overall["repeat_customer_share"], abs=0.05
    )


def test_groups_and_lifecycle_match_their_marts(demo_publish, table):
    app = page_app("views/groups_lifecycle.py")
    shown = metrics(app)
    for _, group in table("customer_groups").iterrows():
        label = next(k for k in shown if k.startswith(group["frequency_group"].replace("_", " ")))
        assert as_number(shown[label]) == group["customers"]
    latest = table("lifecycle_monthly").sort_values("month_end").iloc[-1]
    assert as_number(shown["vs 12 months ago"]) == latest["active_customers_12m_ago"]
    transitions = table("lifecycle_transitions")
    at_last = transitions[transitions["month_end"] == transitions["month_end"].max()]
    matrix = app.dataframe[-1].value
    assert matrix.to_numpy().sum() == at_last["customers"].sum()


def test_segment_details_show_any_segment_and_sort_its_products(demo_publish, table):
    app = page_app("views/segment_details.py")
    app.selectbox(key="segment_kind").select("lifecycle_state").run()
    app.selectbox(key="segment_id").select("active").run()
    app.radio(key="product_sort").set_value("revenue").run()
    row = (
        table("segment_details").query("segment_kind == 'lifecycle_state' and segment_id == 'active'").iloc[0]
    )
    shown = metrics(app)
    customers = next(k for k in shown if k.startswith("Customers"))
    assert as_number(shown[customers]) == row["customers"]
    assert as_number(shown["Orders"]) == row["orders"]
    products = app.dataframe[-1].value
    assert products["revenue"].is_monotonic_decreasing and len(products) > 0


def test_predictions_grid_and_cell_match_the_tables(demo_publish, manifest, table):
    app = page_app("views/predictions.py")
    cells = table("predictive_segments")
    notes = " ".join(i.value for i in app.info)
    if cells.empty:  # the demo shop is small: purchase or churn may be withheld, then there is no grid
        assert "No grid in this run" in notes
    else:
        grid = app.dataframe[0].value
        assert grid.to_numpy().sum() == cells["customers"].sum()
        cell = sorted(cells["predictive_cell"])[0]
        predictions = table("customer_predictions")
        shown = next(d.value for d in app.dataframe if "customer_id" in d.value.columns)
        assert sorted(shown["customer_id"]) == sorted(
            predictions.loc[predictions["predictive_cell"] == cell, "customer_id"]
        )
    models = table("model_metrics").query("category.isnull()", engine="python")
    text = " ".join(m.value for m in app.markdown)
    assert all(f"**{name}**" in text for name in models["model"])
    withheld = models.loc[models["prediction_source"] == "withheld", "reason"]
    warnings = " ".join(w.value for w in app.warning)
    assert all(reason in warnings for reason in withheld)  # a withheld target explains itself
    if manifest["tables"].get("prediction_outcomes", {}).get("rows"):
        assert any("vs the rule" in c.value for c in app.caption)
    else:  # one run: no horizon has passed yet (or a publish from before the ledger)
        assert "No horizon has passed yet" in notes or "No prediction_outcomes table" in notes


def test_runs_lists_what_the_run_published(demo_publish, manifest):
    app = page_app("views/runs.py")
    assert app.dataframe[0].value["run_id"].tolist() == [manifest["run_id"]]
    assert sorted(app.dataframe[1].value["table"]) == sorted(manifest["tables"])


# --- the real app in a real browser ---------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed here when missing (as root; otherwise the test is skipped)."""
    debian_package_or_skip("chromium", chromium_path)
    return chromium_path()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(demo_publish):
    """`streamlit run` exactly as `tasks.py dashboard` starts it, on a free loopback port."""
    port = _free_port()
    env = {**os.environ, "PULSE_PUBLISH_URI": str(demo_publish)}
    server = subprocess.Popen(
        streamlit_command(sys.executable, port), cwd=REPO_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url(port)}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start:\n{server.stdout.read()}") from None
                time.sleep(0.3)
        yield url(port)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_every_page_opens_in_a_real_browser_without_an_exception(chromium, served):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    with Browser() as browser:
        for page in PAGES:
            browser.open(f"{served}/{'' if page.default else page.url_path}")
            browser.wait_for_streamlit()
            assert browser.texts("h1")[0] == page.title
            if browser.count('[data-testid="stException"]'):
                problems[page.title] = browser.texts('[data-testid="stException"]')
            browser.screenshot(SCREENSHOTS / f"{page.url_path}.png")
    assert problems == {}
    print(f"screenshots: {SCREENSHOTS}")
