"""The model names Dagster declares assets for are the targets the library trains."""

from models_ml import MODELS
from models_ml.category_propensity import CATEGORY_MODEL
from models_ml.targets import CUSTOMER_TARGETS


def test_the_names_are_the_targets_in_report_order():
    assert (*(target.model for target in CUSTOMER_TARGETS), CATEGORY_MODEL) == MODELS
