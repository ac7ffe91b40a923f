"""Each list of values is defined once, in the dbt seeds; the SQL that assigns the values and every Python
reader agree with it, so a copy that drifts fails here."""

import re

from pipeline import vocabulary
from pipeline.raw import contract
from tests.conftest import DBT_PROJECT_DIR

MODELS = DBT_PROJECT_DIR / "models"
MACROS = DBT_PROJECT_DIR / "macros"


def _assigned_literals(sql: str) -> set[str]:
    """String literals a CASE assigns: `then 'x'` and `else 'x'`."""
    return set(re.findall(r"(?:then|else)\s+'([a-z_]+)'", sql))


def test_cleaning_rules_assign_exactly_the_seeded_reasons():
    validated = (MODELS / "intermediate/orders/int_orders_validated.sql").read_text()
    classified = (MODELS / "intermediate/orders/int_orders_classified.sql").read_text()
    assigned = _assigned_literals(validated) | {"cancelled"} & _assigned_literals(classified)
    assert assigned == set(vocabulary.quarantine_reasons())
    # the CASE applies the rules in the seed's order: the first broken rule wins
    order = [reason for reason in re.findall(r"then '([a-z_]+)'", validated)]
    assert order == list(vocabulary.invalid_reasons())


def test_lifecycle_macro_assigns_exactly_the_seeded_states():
    assert _assigned_literals((MACROS / "lifecycle.sql").read_text()) == set(vocabulary.lifecycle_states())


def test_customers_assign_exactly_the_seeded_frequency_groups():
    sql = (MODELS / "marts/customers/customers.sql").read_text()
    assert _assigned_literals(sql) == set(vocabulary.frequency_groups())


def test_rfm_grid_gives_every_cell_one_of_eleven_segments():
    assert len(vocabulary.rfm_segments()) == 11
    cells = (DBT_PROJECT_DIR / "seeds/rfm_segments.csv").read_text().splitlines()[1:]
    assert len(cells) == len({tuple(line.split(",")[:2]) for line in cells}) == 25


def test_python_readers_derive_from_the_seeds():
    assert vocabulary.quarantine_reasons() == contract.QUARANTINE_REASONS
    assert vocabulary.invalid_reasons() == contract.INVALID_REASONS
    assert set(vocabulary.quarantine_reasons()) - set(vocabulary.invalid_reasons()) == {"cancelled"}
    assert vocabulary.reason_kinds() == ("invalid", "excluded")
