"""A trained scorer: fitted feature builder, LightGBM booster, Platt calibration and route thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from leadgate.decision.linear import LinearStart
from leadgate.decision.policy_routing import Thresholds
from leadgate.decision.reference import ReasonReference
from leadgate.features.builder import FeatureBuilder

# 2: the feature list is the model's own (custom fields; campaign, job title and unsubscribe built in).
# Format 2 bundles may carry "reason_reference" (SQL rates by value range, for Against reasons); bundles
# written before it have none and list reasons by SHAP alone, as they always did.
# 4: may carry "linear" (the logistic-regression start the trees were boosted from); format 3 bundles have none.
BUNDLE_FORMAT = 4
READABLE_FORMATS = (3, 4)


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Logistic function, stable for large magnitudes."""
    return 0.5 * (1.0 + np.tanh(0.5 * values))


@dataclass
class ScoringModel:
    """Everything needed to turn a feature matrix into calibrated P(SQL) and SHAP contributions."""

    builder: FeatureBuilder
    booster: object  # lightgbm.Booster; typed loosely so features/ never imports lightgbm eagerly
    calibration: tuple[float, float]  # Platt (slope, intercept) on the raw score
    thresholds: Thresholds
    version: str = "unregistered"
    metadata: dict = field(default_factory=dict)
    reference: ReasonReference | None = None  # training-split SQL rates by value range; None in older bundles
    linear: LinearStart | None = None  # the log-odds the trees were boosted from, when validation chose one

    def contributions(self, matrix: np.ndarray, threads: int | None = None) -> np.ndarray:
        """(n, features + 1) exact SHAP contributions (TreeSHAP, plus the linear start's terms); last: base value.

        `threads` is LightGBM's num_threads (0: every core); by default one for tiny batches, else all.
        """
        if not len(matrix):  # LightGBM divides by the row count
            return np.zeros((0, matrix.shape[1] + 1))
        threads = self._threads(matrix) if threads is None else threads
        contributions = self.booster.predict(matrix, pred_contrib=True, num_threads=threads)
        if self.linear is not None:
            contributions += self.linear.contributions(matrix)
        return contributions

    def features_read(self) -> set[str]:
        """The features whose value can change a lead's score: a tree splits on it, or the linear start weighs it."""
        splits = self.booster.feature_importance(importance_type="split")
        read = {int(i) for i in np.flatnonzero(splits)}
        if self.linear is not None:
            read |= self.linear.columns_read()
        names = self.builder.feature_names
        return {names[i] for i in read}

    def always_given(self) -> tuple[str, ...]:
        """The custom fields no training lead lacked: a lead without one is scored where the model never
        learned (an empty range, so no reason against names it either); empty without statistics."""
        if "_always_given" not in self.__dict__:  # asked per lead by the service: worked out once
            names = self.builder.feature_names
            self.__dict__["_always_given"] = (
                ()
                if self.reference is None
                else tuple(
                    f.name
                    for f in self.builder.custom_fields
                    if self.reference.features[names.index(f.feature)].leads[-1] == 0  # last range: missing
                )
            )
        return self.__dict__["_always_given"]

    def unlearned(self, custom: dict) -> list[str]:
        """The always_given fields this lead's custom values lack: a lead the model never learned."""
        return [name for name in self.always_given() if custom.get(name) is None]

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated P(SQL) from raw scores."""
        slope, intercept = self.calibration
        return sigmoid(slope * raw + intercept)

    @staticmethod
    def _threads(matrix: np.ndarray) -> int:
        # Thread start-up costs more than one row's work; batches use every core.
        return 1 if len(matrix) < 64 else 0

    def to_dict(self) -> dict:
        """Serializable bundle (JSON-safe): what MLflow stores as the model artifact."""
        return {
            "format": BUNDLE_FORMAT,
            "version": self.version,
            "feature_names": list(self.builder.feature_names),
            "builder": self.builder.to_dict(),
            "booster": self.booster.model_to_string(),
            "calibration": list(self.calibration),
            "thresholds": self.thresholds.model_dump(),
            "metadata": self.metadata,
            "reason_reference": None if self.reference is None else self.reference.to_dict(),
            "linear": None if self.linear is None else self.linear.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ScoringModel:
        """Rebuild from `to_dict`, refusing bundles built for other features."""
        import lightgbm

        if data.get("format") not in READABLE_FORMATS:
            raise ValueError(
                f"model bundle format {data.get('format')!r} is not one this version reads {READABLE_FORMATS}: "
                "the model was trained by another leadgate version; retrain it with this one"
            )
        builder = FeatureBuilder.from_dict(data["builder"])
        # The feature list is the model's own; a leadgate version that builds other columns cannot serve it.
        if list(data["feature_names"]) != list(builder.feature_names):
            raise ValueError(
                "model bundle was trained on a different feature list than this leadgate version builds"
            )
        return cls(
            builder=builder,
            booster=lightgbm.Booster(model_str=data["booster"]),
            calibration=tuple(data["calibration"]),
            thresholds=Thresholds(**data["thresholds"]),
            version=data.get("version", "unregistered"),
            metadata=data.get("metadata", {}),
            reference=_reference(data.get("reason_reference"), builder),
            linear=_linear(data.get("linear"), builder),
        )


def _reference(data: dict | None, builder: FeatureBuilder) -> ReasonReference | None:
    """The stored reference statistics, refused when they describe other columns than the model's."""
    if data is None:
        return None
    reference = ReasonReference.from_dict(data)
    if [f.name for f in reference.features] != list(builder.feature_names):
        raise ValueError("model bundle's reason reference describes other columns than its feature list")
    return reference


def _linear(data: dict | None, builder: FeatureBuilder) -> LinearStart | None:
    """The stored linear start, refused when it was fitted to another number of columns."""
    if data is None:
        return None
    linear = LinearStart.from_dict(data)
    if linear.width != len(builder.feature_names):
        raise ValueError("model bundle's linear start describes other columns than its feature list")
    return linear
