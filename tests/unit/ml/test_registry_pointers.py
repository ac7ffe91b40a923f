"""The registry's pointers in a publish folder: every trained bundle moves its model's latest pointer, only a
bundle that scored moves the champion pointer; a later run reads each model's champion, or its latest where
none ever scored, with when each was last trained; pruning keeps both."""

from datetime import timedelta

from models_ml import MODELS
from pipeline.defs.ml.registry import load_incumbents, prune_registry, save_models
from pipeline.settings import PulseSettings
from tests.unit.ml.conftest import NOW


def test_a_model_that_never_scored_is_read_back_by_its_latest_training(tmp_path, first_run):
    settings = PulseSettings.from_env({"PULSE_PUBLISH_URI": str(tmp_path / "published")})
    trained = first_run.trained_bundles
    scored = {"churn": first_run.champions["churn"]}  # the others lost to BG/NBD or the rule, say
    save_models(settings, trained, scored)

    incumbents, last_trained = load_incumbents(settings, MODELS, n_threads=1)
    assert {model: bundle.version for model, bundle in incumbents.items()} == {
        bundle.model: bundle.version for bundle in trained
    }
    assert last_trained == {bundle.model: bundle.trained_at for bundle in trained}
    assert (tmp_path / "published/_models/churn/champion.json").is_file()
    assert not (tmp_path / "published/_models/purchase/champion.json").exists()

    # long past retention, a bundle that is neither goes; the champion and the latest of each model stay
    stale = tmp_path / "published/_models/purchase/purchase-20200101T000000Z-0badcafe.zip"
    stale.write_bytes(b"an old challenger")
    assert prune_registry(settings, MODELS, now=NOW + timedelta(days=3650)) == [
        "_models/purchase/purchase-20200101T000000Z-0badcafe.zip"
    ]
    assert not stale.exists()
    assert load_incumbents(settings, MODELS, n_threads=1)[0].keys() == incumbents.keys()
