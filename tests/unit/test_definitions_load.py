"""Loading the definitions (every run, the UI, each step's process) does not import the learning
libraries: XGBoost, scikit-learn and matplotlib cost about a second and only the steps that fit use them."""

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT

HEAVY = ("xgboost", "sklearn", "matplotlib", "great_expectations")


def test_the_definitions_load_without_the_learning_libraries():
    probe = (
        "import json, sys\n"
        "import pipeline.definitions as d\n"
        "assert d.defs.resolve_asset_graph().get_all_asset_keys()\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
