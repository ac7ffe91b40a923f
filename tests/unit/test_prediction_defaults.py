"""The prediction defaults live in models_ml/config.py; every copy a person reads agrees with it:
the settings, the dbt vars in dbt_project.yml, .env.example and docs/settings.md."""

import re
from pathlib import Path

import yaml

from models_ml.config import GridCuts, ModelConfig, TrainingSetConfig
from pipeline.defs.ml.model_config import model_config
from pipeline.settings import PredictionSettings, PulseSettings
from pipeline.settings.environment import EnvReader

REPO = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = REPO / "pipeline" / "settings" / "predictions.py"
# every PULSE_* variable the prediction settings read
PREDICTION_VARIABLES = sorted(set(re.findall(r'"(PULSE_[A-Z_]+)"', SETTINGS_SOURCE.read_text())))


def _section(text: str, title: str) -> str:
    """The .env.example group under `# <title>` (between its ruler lines and the next group)."""
    groups = re.split(r"^# -{20,}\n# (.+)\n# -{20,}\n", text, flags=re.MULTILINE)
    return dict(zip(groups[1::2], groups[2::2], strict=True))[title]


def _env_example_predictions() -> str:
    return _section((REPO / ".env.example").read_text(), "Predictions")


def test_the_settings_and_the_model_config_default_to_the_home():
    assert model_config(PulseSettings.from_env({})) == ModelConfig()
    training = TrainingSetConfig()
    settings = PredictionSettings()
    assert (settings.training_cutoffs, settings.training_cutoff_step_days) == (
        training.training_cutoffs,
        training.training_cutoff_step_days,
    )
    assert settings.training_customers_per_cutoff == training.training_customers_per_cutoff
    grid = GridCuts()
    assert (settings.purchase_cut_points, settings.churn_cut_points) == (grid.purchase, grid.churn)


def test_dbt_project_vars_equal_the_defaults():
    dbt_vars = yaml.safe_load((REPO / "dbt_project" / "dbt_project.yml").read_text())["vars"]
    expected = PredictionSettings().dbt_vars()
    assert {name: dbt_vars.get(name) for name in expected} == expected


def test_env_example_lists_every_prediction_setting_with_its_default():
    examples = dict(re.findall(r"^# (PULSE_[A-Z_]+)=(.*)$", _env_example_predictions(), re.MULTILINE))
    assert sorted(examples) == PREDICTION_VARIABLES
    # the examples, read as the pipeline reads them, are exactly the defaults
    assert PredictionSettings.from_env(EnvReader(examples)) == PredictionSettings()


def test_env_example_default_notes_match_their_examples():
    """Each block's 'Default(s): …' notes name the same values, in order, as its example lines."""
    for block in _env_example_predictions().strip().split("\n\n"):
        stated = []
        for note in re.findall(r"Defaults?: (.+)$", block, re.MULTILINE):
            stated += re.split(r", | and ", note.rstrip("."))
        examples = re.findall(r"^# PULSE_[A-Z_]+=(.*)$", block, re.MULTILINE)
        assert stated == examples, block


def test_settings_doc_states_every_prediction_default():
    doc = (REPO / "docs" / "settings.md").read_text()
    predictions = doc.split("**Predictions**")[1].split("\n**")[0]
    stated = dict(re.findall(r"^\| `(PULSE_[A-Z_]+)` \| `([^`]+)` \|", predictions, re.MULTILINE))
    assert sorted(stated) == PREDICTION_VARIABLES
    assert PredictionSettings.from_env(EnvReader(stated)) == PredictionSettings()
