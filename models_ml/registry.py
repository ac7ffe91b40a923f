"""Model bundles for the registry: bytes in, bytes out, no pickle, readable with `unzip`.

A bundle is a zip of `bundle.json` (model name, version, trained_at, kind, features, training window,
horizon, sample size, metrics, calibrators, library versions) and two XGBoost models in their own
`ubj` format: `model.ubj` (refitted on every labelled cutoff, scores as_of) and `evaluation_model.ubj`
(fitted on the cutoffs before the held-out one). The second lets a later run compare this model with a
challenger on a period neither has seen. The storage module keeps the bytes under `bundle_key(...)`.
"""

import hashlib
import io
import json
import platform
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata

import numpy as np
import xgboost as xgb

from models_ml.boosting import FittedModel
from models_ml.calibration import Calibrator
from models_ml.registry_keys import bundle_key, champion_key  # noqa: F401  (the registry's API)

FORMAT_VERSION = 1
_LIBRARIES = ("xgboost", "scikit-learn", "numpy", "pandas")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # e.g. xgboost-cpu installs the `xgboost` module
            versions[name] = getattr(__import__(name.replace("scikit-learn", "sklearn")), "__version__", "")
    return versions


def _ubj(model: FittedModel) -> bytes:
    return bytes(model.booster.save_raw("ubj"))


def _booster(raw: bytes, threads: int) -> xgb.Booster:
    booster = xgb.Booster()
    booster.load_model(bytearray(raw))
    booster.set_param({"nthread": threads})
    booster.set_attr(nthread=str(threads))
    return booster


def version_id(model: str, trained_at: datetime, final: FittedModel) -> str:
    digest = hashlib.sha256(_ubj(final)).hexdigest()[:8]
    return f"{model}-{trained_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{digest}"


@dataclass
class ModelBundle:
    """A trained model as the registry keeps it: the scoring model, the evaluation model and metadata."""

    model: str
    version: str
    trained_at: datetime
    final: FittedModel
    evaluation: FittedModel | None
    metadata: dict = field(default_factory=dict)  # training window, horizon, sample, metrics, …

    @property
    def kind(self) -> str:
        return self.final.kind

    @property
    def features(self) -> list[str]:
        return self.final.features

    def training_cutoffs(self, which: str = "final") -> list[np.datetime64]:
        return [np.datetime64(c, "s") for c in self.metadata.get(f"{which}_training_cutoffs", [])]

    def blind_model(self, holdout_cutoff: np.datetime64) -> FittedModel | None:
        """The stored model that never saw the labels of `holdout_cutoff` or later, if any."""
        for which, fitted in (("final", self.final), ("evaluation", self.evaluation)):
            cutoffs = self.training_cutoffs(which)
            if fitted is not None and cutoffs and max(cutoffs) < holdout_cutoff:
                return fitted
        return None

    def document(self) -> dict:
        def calibrator(fitted: FittedModel | None) -> dict | None:
            return fitted.calibrator.to_dict() if fitted is not None and fitted.calibrator else None

        return {
            "format_version": FORMAT_VERSION,
            "model": self.model,
            "version": self.version,
            "trained_at": self.trained_at.astimezone(UTC).isoformat(),
            "kind": self.kind,
            "features": self.features,
            "prior": self.final.prior,  # what both models boost from (None: nothing)
            "calibrator": calibrator(self.final),
            "evaluation_calibrator": calibrator(self.evaluation),
            "library_versions": library_versions(),
            **self.metadata,
        }

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("bundle.json", json.dumps(self.document(), indent=2, default=str))
            archive.writestr("model.ubj", _ubj(self.final))
            if self.evaluation is not None:
                archive.writestr("evaluation_model.ubj", _ubj(self.evaluation))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, n_threads: int = 1) -> "ModelBundle":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            document = json.loads(archive.read("bundle.json"))
            if document.get("format_version") != FORMAT_VERSION:
                raise ValueError(f"model bundle format {document.get('format_version')!r} is not supported")
            names = set(archive.namelist())
            final = FittedModel(
                document["kind"],
                _booster(archive.read("model.ubj"), n_threads),
                list(document["features"]),
                _calibrator(document.get("calibrator")),
                document.get("prior"),
            )
            evaluation = None
            if "evaluation_model.ubj" in names:
                evaluation = FittedModel(
                    document["kind"],
                    _booster(archive.read("evaluation_model.ubj"), n_threads),
                    list(document["features"]),
                    _calibrator(document.get("evaluation_calibrator")),
                    document.get("prior"),
                )
        fixed = {
            "format_version",
            "model",
            "version",
            "trained_at",
            "kind",
            "features",
            "prior",
            "calibrator",
            "evaluation_calibrator",
            "library_versions",
        }
        return cls(
            model=document["model"],
            version=document["version"],
            trained_at=datetime.fromisoformat(document["trained_at"]),
            final=final,
            evaluation=evaluation,
            metadata={k: v for k, v in document.items() if k not in fixed}
            | {"library_versions": document.get("library_versions", {})},
        )


def _calibrator(data: dict | None) -> Calibrator | None:
    return Calibrator.from_dict(data) if data else None
