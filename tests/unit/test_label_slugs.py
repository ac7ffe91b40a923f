"""Shop labels are published as written; slugs name them only where an identifier is needed, and the SQL
slug (label_slugs, audiences) and the Python slug (ML feature names) agree."""

import re

import duckdb
import pytest

from models_ml.design import slug
from pipeline.defs.targeting.category_names import category_names
from tests.conftest import DBT_PROJECT_DIR

LABELS = ["GROCERY", " Home & Garden ", "Café-Bar", "!!!", "Paid Social", "uncategorized", "2-for-1"]


def _duckdb_slug_sql() -> str:
    macros = (DBT_PROJECT_DIR / "macros" / "label_slug.sql").read_text()
    body = re.search(r"macro duckdb__label_slug\(expression\) -%}(.*?){%- endmacro", macros, re.S).group(1)
    return body.strip().replace("{{ expression }}", "label")


@pytest.mark.parametrize("label", LABELS)
def test_the_sql_slug_is_the_python_slug(label):
    [(sql_slug,)] = duckdb.sql(f"select {_duckdb_slug_sql()} from (select $$ {label} $$ as label)").fetchall()
    assert sql_slug == slug(label)


def test_an_audience_names_a_category_by_slug_or_by_label():
    names = category_names(["GROCERY", "Home & Garden"])
    assert names["grocery"] == names["GROCERY"] == "GROCERY"
    assert names["home_garden"] == "Home & Garden"
    assert "Grocery" not in names  # labels are exact; the slug is the case-free name


def test_a_label_wins_over_a_slug_it_spells():
    assert category_names(["shoes", "SHOES"])["shoes"] == "shoes"
