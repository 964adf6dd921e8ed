"""Fitting the scorer: LightGBM sized by validation, monotone where the direction is known, Platt-calibrated."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadgate.features.builder import FEATURES, FeatureSpec

# Candidate model sizes, cheapest first. Fewer, shallower trees also make every reason cheaper to explain.
# Three leaves is nearly additive (one effect per column, like a logistic regression but not linear): on
# small exports with a few strong columns it generalizes better than deeper trees, and validation decides.
SIZE_GRID = ((3, 20), (7, 20), (15, 50), (31, 100))
MAX_ROUNDS = 1000  # high enough that early stopping, not the cap, picks the number of trees
# A bigger model must beat a smaller one by more than this validation ROC-AUC to be chosen.
AUC_TOLERANCE = 0.002


@dataclass(frozen=True)
class FittedBooster:
    """The chosen booster and how it was chosen."""

    booster: object
    params: dict
    valid_auc: float
    candidates: list[dict]


class TrainingError(ValueError):
    """Training cannot give a usable model from this data; the message says what happened and what to try."""


def base_params(seed: int, features: tuple[FeatureSpec, ...] = FEATURES) -> dict:
    """LightGBM parameters shared by every candidate size."""
    return {
        "objective": "binary",
        "learning_rate": 0.1,
        "feature_fraction": 0.9,
        "bagging_fraction": 0.9,
        "bagging_freq": 1,
        "lambda_l2": 1.0,
        "monotone_constraints": [spec.monotone for spec in features],
        "monotone_constraints_method": "advanced",
        "cat_smooth": 10.0,
        "verbosity": -1,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 0,
    }


def _dataset(matrix: np.ndarray, labels: np.ndarray, features: tuple[FeatureSpec, ...], reference=None):
    import lightgbm

    categorical = [j for j, spec in enumerate(features) if spec.categorical]
    return lightgbm.Dataset(
        matrix,
        label=labels.astype(np.float64),
        feature_name=[spec.name for spec in features],
        categorical_feature=categorical,
        reference=reference,
        free_raw_data=False,
    )


def fit_booster(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_valid: np.ndarray,
    y_valid: np.ndarray,
    seed: int = 0,
    features: tuple[FeatureSpec, ...] = FEATURES,
) -> FittedBooster:
    """Train each candidate size with early stopping on validation; keep the smallest that loses no AUC."""
    import lightgbm
    from sklearn.metrics import roc_auc_score

    train_set = _dataset(x_train, y_train, features)
    valid_set = _dataset(x_valid, y_valid, features, reference=train_set)
    candidates = []
    for num_leaves, min_data_in_leaf in SIZE_GRID:
        params = {
            **base_params(seed, features),
            "num_leaves": num_leaves,
            "min_data_in_leaf": min_data_in_leaf,
        }
        booster = lightgbm.train(
            params,
            train_set,
            num_boost_round=MAX_ROUNDS,
            valid_sets=[valid_set],
            callbacks=[lightgbm.early_stopping(30, verbose=False)],
        )
        auc = float(roc_auc_score(y_valid, booster.predict(x_valid, num_iteration=booster.best_iteration)))
        candidates.append(
            {"num_leaves": num_leaves, "trees": booster.best_iteration, "valid_auc": auc, "booster": booster}
        )
    best_auc = max(c["valid_auc"] for c in candidates)
    chosen = min(
        (c for c in candidates if c["valid_auc"] >= best_auc - AUC_TOLERANCE),
        key=lambda c: c["num_leaves"] * max(c["trees"], 1),
    )
    booster = chosen["booster"]
    # Keep only the trees early stopping chose, so serving never evaluates the discarded ones.
    booster = lightgbm.Booster(model_str=booster.model_to_string(num_iteration=booster.best_iteration))
    params = {**base_params(seed, features), "num_leaves": chosen["num_leaves"], "num_trees": chosen["trees"]}
    summary = [{k: v for k, v in c.items() if k != "booster"} for c in candidates]
    return FittedBooster(booster=booster, params=params, valid_auc=chosen["valid_auc"], candidates=summary)


def fit_platt(raw_scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt scaling of raw scores on held-out data: strictly increasing, so rankings are kept."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    if len(np.unique(labels)) < 2:
        raise TrainingError(
            "the validation period has no converted (or no unconverted) leads, so scores cannot be calibrated: "
            "bring more history, or use --split random"
        )
    model = LogisticRegression(C=1e6, max_iter=1000)
    model.fit(raw_scores.reshape(-1, 1), labels.astype(int))
    slope = float(model.coef_[0, 0])
    if slope <= 0:
        auc = roc_auc_score(labels.astype(int), raw_scores)
        raise TrainingError(
            f"on the validation period the model ranks leads no better than chance or backwards "
            f"(ROC-AUC {auc:.3f}), so its scores cannot be calibrated: what predicted conversion in the older "
            "leads does not in the newer ones (a regime shift). Try --split random to learn from both "
            "periods, or train on the newer period only"
        )
    return slope, float(model.intercept_[0])
