"""Fitting the scorer: LightGBM sized (and weighted toward recent leads) by validation, monotone (calibration: platt.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadgate.decision.linear import LinearStart
from leadgate.features.builder import FEATURES, FeatureSpec
from leadgate.training.linear_fit import fit_linear_start

# Candidate model sizes, cheapest first. Fewer, shallower trees also make every reason cheaper to explain.
# Three leaves is nearly additive (one effect per column, like a logistic regression but not linear): on
# small exports with a few strong columns it generalizes better than deeper trees, and validation decides.
SIZE_GRID = ((3, 20), (7, 20), (15, 50), (31, 100))
MAX_ROUNDS = 1000  # high enough that early stopping, not the cap, picks the number of trees
# A module constant so bench/shapes can ablate it (--set); lower rates gained nothing on X Education (README).
LEARNING_RATE = 0.1
# Regularizers, module constants so bench/shapes can ablate them (--set): LightGBM's path smoothing (0 off)
# shrinks a small leaf toward its parent; L2 shrinks every leaf.
PATH_SMOOTH = 0.0
LAMBDA_L2 = 1.0
EXTRA_TREES = False
# Categorical splits, module constants so bench/shapes can ablate them (--set). LightGBM sorts a column's
# levels by gradient / (hessian + CAT_SMOOTH) and skips levels with fewer leads than CAT_SMOOTH; each side of
# a split needs MIN_DATA_PER_GROUP leads; CAT_L2 is added to the L2 of a categorical split's leaves;
# MAX_CAT_THRESHOLD caps the levels on one side. CAT_SMOOTH is 10; the others are LightGBM's defaults.
CAT_SMOOTH = 10.0
MIN_DATA_PER_GROUP = 100
CAT_L2 = 10.0
MAX_CAT_THRESHOLD = 32
# A bigger model must beat a smaller one by more than this validation ROC-AUC to be chosen.
AUC_TOLERANCE = 0.002
# What converts drifts (campaigns, offers, the sales process), and the validation period is newer than the
# training one, so it can tell whether the newest training leads predict it better. Each half-life is a share
# of the training period: at 1.0 the oldest lead weighs half the newest, at 0.5 a quarter. Weighting is chosen
# only when it beats the unweighted model by more than AUC_TOLERANCE (as a bigger model must), so an export
# without drift keeps equal weights.
RECENCY_HALF_LIVES = (1.0, 0.5)
# Trees need many leads to find a smooth, additive effect that a straight line states at once; on small or
# noisy exports a logistic regression beats them. So each size is also boosted from a linear start (the trees
# fit what the regression leaves), and validation chooses: the start must beat the plain trees by more than
# AUC_TOLERANCE, so an export where trees do as well keeps plain trees.


@dataclass(frozen=True)
class FittedBooster:
    """The chosen booster and how it was chosen."""

    booster: object
    params: dict
    valid_auc: float
    candidates: list[dict]
    linear: LinearStart | None = None

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        """Log-odds of each row: the linear start (if chosen) plus the trees."""
        raw = self.booster.predict(matrix, raw_score=True)
        return raw if self.linear is None else raw + self.linear.raw(matrix)


# Said beside the way out of a regime shift (the newer period only): --split random is the first thing one
# tries after a split by time refuses, and it hides the shift rather than escaping it.
NOT_RANDOM = (
    "--split random is no way out: it mixes the periods, and its model would rank the newest leads, the ones "
    "like tomorrow's, backwards unseen"
)


class TrainingError(ValueError):
    """Training cannot give a usable model from this data; the message says what happened and what to try."""


def base_params(seed: int, features: tuple[FeatureSpec, ...] = FEATURES) -> dict:
    """LightGBM parameters shared by every candidate size."""
    return {
        "objective": "binary",
        "learning_rate": LEARNING_RATE,
        "feature_fraction": 0.9,
        "bagging_fraction": 0.9,
        "bagging_freq": 1,
        "lambda_l2": LAMBDA_L2,
        "path_smooth": PATH_SMOOTH,
        "extra_trees": EXTRA_TREES,
        "monotone_constraints": [spec.monotone for spec in features],
        "monotone_constraints_method": "advanced",
        "cat_smooth": CAT_SMOOTH,
        # LightGBM's own defaults are left unsaid: given explicitly, the same values cost the sizing a fifth
        # more time on 200,000 leads (make bench, session 33), for identical trees.
        **{
            name: value
            for name, value, default in (
                ("min_data_per_group", MIN_DATA_PER_GROUP, 100),
                ("cat_l2", CAT_L2, 10.0),
                ("max_cat_threshold", MAX_CAT_THRESHOLD, 32),
            )
            if value != default
        },
        "verbosity": -1,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 0,
    }


def recency_weights(created: np.ndarray, half_life: float) -> np.ndarray:
    """Training weights halving every `half_life` share of the training period; the newest lead weighs 1."""
    newest = float(created.max())
    span = max(newest - float(created.min()), 1e-9)
    return 0.5 ** ((newest - created) / (half_life * span))


def _dataset(
    matrix: np.ndarray,
    labels: np.ndarray,
    features: tuple[FeatureSpec, ...],
    reference=None,
    weight: np.ndarray | None = None,
):
    import lightgbm

    categorical = [j for j, spec in enumerate(features) if spec.categorical]
    return lightgbm.Dataset(
        matrix,
        label=labels.astype(np.float64),
        weight=weight,
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
    created: np.ndarray | None = None,
) -> FittedBooster:
    """Train each candidate size with early stopping on validation; keep the smallest that loses no AUC.

    With the training leads' creation times (`created`, for a split by time), each size is also trained with
    the leads weighted toward the newest (`RECENCY_HALF_LIVES`); a weighting must beat equal weights.
    """
    import lightgbm

    for part, labels in (("training", y_train), ("validation", y_valid)):
        # The split checks each part's outcomes; gates may still leave one with a single class.
        if labels.all() or not labels.any():
            raise TrainingError(
                f"the {part} leads left after the gates are all SQL or all not ({int(labels.sum()):,} SQLs "
                f"among {len(labels):,}): no model can be sized on them; bring more history"
            )
    half_lives: tuple[float | None, ...] = (None,)
    if created is not None and np.ptp(created) > 0:
        half_lives += RECENCY_HALF_LIVES
    candidates: list[dict] = []
    picks = []
    for half_life in half_lives:
        weight = None if half_life is None else recency_weights(created, half_life)
        sized = _sized_candidates(x_train, y_train, x_valid, y_valid, seed, features, weight)
        for candidate in sized:
            candidate["recency_half_life"] = half_life
        candidates += sized
        picks.append(_smallest_within_tolerance(sized))
    chosen = picks[0]
    for pick in picks[1:]:
        if pick["valid_auc"] > max(picks[0]["valid_auc"] + AUC_TOLERANCE, chosen["valid_auc"]):
            chosen = pick
    linear = fit_linear_start(x_train, y_train, features)
    starts = (linear.raw(x_train), linear.raw(x_valid))
    started = _sized_candidates(x_train, y_train, x_valid, y_valid, seed, features, None, starts)
    for candidate in candidates:
        candidate["linear_start"] = False
    for candidate in started:
        candidate.update(recency_half_life=None, linear_start=True)
    candidates += started
    pick = _smallest_within_tolerance(started)
    # The two the linear-start rule weighs against each other: what `train` prints beside its choice.
    chosen["compared"] = pick["compared"] = True
    if pick["valid_auc"] > chosen["valid_auc"] + AUC_TOLERANCE:
        chosen = pick
    booster = chosen["booster"]
    # Keep only the trees early stopping chose, so serving never evaluates the discarded ones.
    booster = lightgbm.Booster(model_str=booster.model_to_string(num_iteration=booster.best_iteration))
    params = {
        **base_params(seed, features),
        "num_leaves": chosen["num_leaves"],
        "num_trees": chosen["trees"],
        "recency_half_life": chosen["recency_half_life"] or "none",
        "linear_start": chosen["linear_start"],
    }
    summary = [{k: v for k, v in c.items() if k != "booster"} for c in candidates]
    return FittedBooster(
        booster=booster,
        params=params,
        valid_auc=chosen["valid_auc"],
        candidates=summary,
        linear=linear if chosen["linear_start"] else None,
    )


def _sized_candidates(x_train, y_train, x_valid, y_valid, seed, features, weight, starts=None) -> list[dict]:
    """One early-stopped booster per size of SIZE_GRID, with its validation ROC-AUC.

    `starts`: the training and validation leads' log-odds to boost from (a linear start), else none.
    """
    import lightgbm
    from sklearn.metrics import roc_auc_score

    train_set = _dataset(x_train, y_train, features, weight=weight)
    valid_set = _dataset(x_valid, y_valid, features, reference=train_set)
    start_valid = 0.0
    if starts is not None:
        train_set.set_init_score(starts[0])
        valid_set.set_init_score(starts[1])
        start_valid = starts[1]
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
        raw = booster.predict(x_valid, num_iteration=booster.best_iteration, raw_score=True) + start_valid
        auc = float(roc_auc_score(y_valid, raw))
        candidates.append(
            {"num_leaves": num_leaves, "trees": booster.best_iteration, "valid_auc": auc, "booster": booster}
        )
    return candidates


def _smallest_within_tolerance(candidates: list[dict]) -> dict:
    best_auc = max(c["valid_auc"] for c in candidates)
    return min(
        (c for c in candidates if c["valid_auc"] >= best_auc - AUC_TOLERANCE),
        key=lambda c: c["num_leaves"] * max(c["trees"], 1),
    )
