"""The app's hold on one published run: which location and run a session shows, the cached snapshot and
query results per run, and the sidebar that says which run and `as_of` every page shows."""

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboards.published import Published, open_published
from pipeline.settings import PulseSettings
from pipeline.storage import published_runs

_LATEST = "latest"


def publish_uri() -> str:
    # read per call, not at import: the one settings object, as the pipeline reads it
    return PulseSettings.from_env().publish_uri


@st.cache_resource(show_spinner=False, ttl=60)
def _current_run_id(uri: str) -> str | None:
    """The run `_manifest.json` names (after a rollback: the run rolled back to); re-read each minute."""
    current = open_published(uri)
    return None if current is None else current.run_id


@st.cache_resource(show_spinner=False, max_entries=8)
def _published(uri: str, run_id: str) -> Published | None:
    # one snapshot per run, shared by every session: its Delta tables are opened once
    return open_published(uri, run_id)


@st.cache_data(show_spinner=False, ttl=600)
def _runs(uri: str) -> list[str]:
    return [manifest["run_id"] for manifest in published_runs(uri)[:20]]


@st.cache_data(show_spinner=False, max_entries=1024)
def _call(uri: str, run_id: str, module: str, name: str, args: tuple) -> Any:
    # a run's tables never change (Delta versions are immutable), so results keep for the run's lifetime
    function = getattr(importlib.import_module(module), name)
    return function(_published(uri, run_id), *args)


def load(function: Callable, *args: Any) -> Any:
    """`function(published, *args)` for the session's run, cached per run and arguments."""
    return _call(publish_uri(), st.session_state["run_id"], function.__module__, function.__name__, args)


def choose_run() -> None:
    """Pick the session's run and show it in the sidebar; app.py calls this before every page, so the
    choice holds across pages. Stops with an explanation when nothing is published yet."""
    uri = publish_uri()
    current = _current_run_id(uri)
    if current is None:
        st.info(f"Nothing is published at `{uri}` yet: run `python3 tasks.py run` first.")
        st.stop()
    others = [run for run in _runs(uri) if run != current]
    choice = st.sidebar.selectbox(
        "Run",
        [_LATEST, *others],
        format_func=lambda run: f"latest ({current[:8]})" if run == _LATEST else run[:8],
        key="run_choice",
        help="Every page shows one published run: each table at the version that run's manifest names.",
    )
    run_id = current if choice == _LATEST else choice
    data = _published(uri, run_id)
    if data is None:
        st.error(f"Run {run_id} is no longer kept at `{uri}` (past the retention).")
        st.stop()
    st.session_state["run_id"] = run_id
    st.sidebar.markdown(
        f"**Run** `{data.run_id}`  \n**As of** {data.as_of}  \n"
        f"**Published** {data.snapshot.published_at:%Y-%m-%d %H:%M} UTC  \n"
        f"**Currency** {data.reporting_currency}  \n**From** `{uri}`"
    )


def require_tables(tables: tuple[str, ...]) -> None:
    """Stop the page with a note when the session's run lacks a table it needs (a run from before that
    table was published)."""
    missing = [table for table in tables if not published().has(table)]
    if missing:
        st.info(
            f"Run {st.session_state['run_id']} has no {', '.join(missing)}: pick a later run in the sidebar."
        )
        st.stop()


def published() -> Published:
    """The run the session shows (chosen by choose_run, which runs before every page)."""
    return _published(publish_uri(), st.session_state["run_id"])
