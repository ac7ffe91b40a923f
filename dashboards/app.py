"""The Streamlit app: one page per tool a shop would otherwise rent, over one published run.

Start it with `python3 tasks.py dashboard`, or `streamlit run dashboards/app.py` with PULSE_PUBLISH_URI
set (a folder or s3://bucket/prefix).
"""

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts this folder on sys.path, not the repository: the pages import `dashboards.*`
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from dashboards.menu import PAGES, page_titled  # noqa: E402  (needs the path above)
from dashboards.session import choose_run, require_tables  # noqa: E402

st.set_page_config(page_title="Customer Pulse", page_icon="📈", layout="wide")
navigation = st.navigation(
    [st.Page(page.script, title=page.title, url_path=page.url_path, default=page.default) for page in PAGES]
)
choose_run()  # here, not in each page: the entry script runs for every page, so the choice persists
require_tables(page_titled(navigation.title).tables)
navigation.run()
