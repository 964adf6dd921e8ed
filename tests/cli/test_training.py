"""How `train` words the model it chose."""

from __future__ import annotations

import pytest

from leadgate.cli.training import model_words

PLAIN = {"linear_start": False, "valid_auc": 0.700}
STARTED = {"linear_start": True, "valid_auc": 0.703}


@pytest.mark.parametrize(
    ("params", "valid_auc", "words"),
    [
        (
            {"num_trees": 1, "num_leaves": 3, "linear_start": True},
            0.710,
            "1 tree of 3 leaves, boosted from a linear start (a logistic regression on the same columns); "
            "validation ROC-AUC 0.710 against 0.700 for plain trees",
        ),
        (
            {"num_trees": 40, "num_leaves": 7, "linear_start": False, "recency_half_life": "none"},
            0.702,
            "40 trees of 7 leaves; validation ROC-AUC 0.702, from a linear start at best 0.703 "
            "(kept only when more than 0.002 better)",
        ),
        (
            {"num_trees": 40, "num_leaves": 7, "linear_start": False, "recency_half_life": 0.5},
            0.720,
            "40 trees of 7 leaves; validation ROC-AUC 0.720, from a linear start at best 0.703; training leads "
            "weighted toward the newest (half-life 0.5 of the training period)",
        ),
    ],
)
def test_the_chosen_model_is_worded_with_what_validation_compared_it_with(params, valid_auc, words):
    assert model_words(params, [PLAIN, STARTED], valid_auc) == words
