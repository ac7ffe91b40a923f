"""Shared synthetic shops and one full run of the models, built once per test session."""

from datetime import UTC, datetime

import pytest

from models_ml import ModelConfig, run_predictions
from tests.unit.ml.synthetic_shop import make_shop

# one thread: the test machine is shared, and OpenMP threads waiting on a busy core crawl. The synthetic
# shop is drawn from the BG/NBD story, which BG/NBD therefore wins; these tests exercise XGBoost against
# the rule (BG/NBD is still measured beside them), and test_ml_ladder.py lets all three compete.
CONFIG = ModelConfig(
    n_threads=1, max_rounds=150, min_customers=100, min_positives=20, candidates=("rule", "model")
)
NOW = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def shop():
    return make_shop(customers=2000, seed=3)


@pytest.fixture(scope="session")
def first_run(shop):
    return run_predictions(**shop.inputs(), config=CONFIG, now=NOW)
