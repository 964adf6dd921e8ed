"""alt-profanity-check's probability that a text is offensive, from its own vectorizer and model weights."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def _classifier():
    # Importing the package loads its vectorizer and model (joblib, scikit-learn): ~1 s alone, ~50 ms once
    # LightGBM has loaded scikit-learn. Only a message holding an insult gets here.
    from profanity_check import profanity_check as package

    vectorizer, model = package.vectorizer, package.model
    try:
        # Its model averages five sigmoid-calibrated linear SVMs. predict_proba runs scikit-learn's checks
        # on each (~3 ms a call); the same sums as one product over the stacked weights cost ~0.05 ms.
        if model.method != "sigmoid" or len(model.classes_) != 2:
            return vectorizer, model, None
        folds = model.calibrated_classifiers_
        weights = np.column_stack([fold.estimator.coef_.ravel() for fold in folds])
        intercepts = np.array([fold.estimator.intercept_[0] for fold in folds])
        slopes = np.array([fold.calibrators[0].a_ for fold in folds])
        offsets = np.array([fold.calibrators[0].b_ for fold in folds])
    except (AttributeError, IndexError):  # a later release laid its model out otherwise: its own path
        return vectorizer, model, None
    return vectorizer, model, (weights, intercepts, slopes, offsets)


def warm_up() -> None:
    """Load the classifier and run it once: a service's first insult would otherwise pay ~0.1 s for both."""
    offensive_probability(["warm-up"])


def offensive_probability(texts: list[str]) -> np.ndarray:
    """P(offensive) of each text as alt-profanity-check's predict_prob gives it."""
    vectorizer, model, fast = _classifier()
    features = vectorizer.transform(texts)
    if fast is None:
        return model.predict_proba(features)[:, 1]
    weights, intercepts, slopes, offsets = fast
    decision = features @ weights + intercepts
    # scikit-learn's sigmoid calibration, P = 1 / (1 + exp(a·f + b)), averaged over the folds.
    return (1.0 / (1.0 + np.exp(slopes * decision + offsets))).mean(axis=1)
