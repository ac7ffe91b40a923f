"""Predictions: models_ml trains, evaluates and scores; these assets feed it and write what it returns."""
