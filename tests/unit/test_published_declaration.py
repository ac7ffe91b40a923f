"""Every published table is declared once, in dbt: a model tagged `published`, or, when Python writes it, a
source tagged `published` with its columns, descriptions and where it is computed
(dbt_project/models/staging/_predictions__sources.yml). The publish list reads that declaration; the
expectation suites, docs/published-tables.md and dbt docs agree with it."""

import re

import pytest

from pipeline.definitions import defs
from pipeline.defs.dbt.manifest_models import manifest_models, manifest_sources
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.publish.published_tables import PUBLISHED_TAG, PYTHON_TABLES, published_tables
from pipeline.expectations.suites import SUITES
from tests.conftest import REPO_ROOT

MANIFEST = dbt_project.manifest_path
PUBLISHED_SOURCES = [s for s in manifest_sources(MANIFEST) if PUBLISHED_TAG in s.tags]


def _declarations() -> dict[str, tuple[str, dict[str, str]]]:
    """Table name -> (description, {column: description}) for every model and published Python table."""
    nodes = [*manifest_models(MANIFEST), *PUBLISHED_SOURCES]
    return {node.name: (node.description, dict(node.columns)) for node in nodes}


def test_the_python_tables_published_are_the_sources_tagged_published_and_a_python_asset_writes_each():
    assert {table.name for table in PYTHON_TABLES} == {source.name for source in PUBLISHED_SOURCES}
    assert {"customer_predictions", "model_metrics", "segment_roi", "audience_members"} <= {
        source.name for source in PUBLISHED_SOURCES
    }
    graph = defs.resolve_asset_graph()
    for table in PYTHON_TABLES:
        node = graph.get(table.asset_key)
        assert node.is_materializable, f"no asset writes {table.relation}"
        assert node.description == table.description != ""  # the asset page shows the declaration


def test_every_published_table_and_column_is_described_for_dbt_docs():
    declared = _declarations()
    for table in published_tables():
        description, columns = declared[table.name]
        assert description.strip(), f"{table.name} has no description"
        assert columns, f"{table.name} declares no columns"
        assert [c for c, text in columns.items() if not text.strip()] == [], table.name


def test_each_python_table_says_where_it_is_computed_and_written_and_those_files_exist():
    for source in PUBLISHED_SOURCES:
        for key in ("computed_in", "written_by"):
            paths = re.findall(r"[\w./]+\.py", source.meta.get(key, ""))
            assert paths, f"{source.name}: meta.{key} names no file"
            assert [p for p in paths if not (REPO_ROOT / p).is_file()] == [], f"{source.name}: meta.{key}"


def _checked_columns(expectation) -> set[str]:
    names = {getattr(expectation, attr, None) for attr in ("column", "column_A", "column_B")}
    return (names | set(getattr(expectation, "column_list", None) or ())) - {None}


def test_every_column_the_suite_of_a_published_table_checks_is_declared():
    pytest.importorskip("great_expectations")
    declared = _declarations()
    published = {table.name for table in published_tables()}
    suites = {table: suite for table, suite in SUITES.items() if table in published}
    assert {"fct_orders", "customer_predictions", "segment_roi"} <= set(suites)
    for table, suite in suites.items():
        checked = set().union(*(_checked_columns(expectation) for expectation in suite()))
        assert checked, table
        assert checked - set(declared[table][1]) == set(), f"suite {table} checks undeclared columns"


def test_the_docs_list_every_published_table_once():
    text = (REPO_ROOT / "docs" / "published-tables.md").read_text()
    listed = re.findall(r"^\| `(\w+)` \|", text, flags=re.MULTILINE)
    assert sorted(listed) == sorted(table.name for table in published_tables())
