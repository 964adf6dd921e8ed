"""Faithfulness of reasons: how often a factor the generator injected shows among a lead's top negative reasons."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.reasons import TOP_NEGATIVE, top_families
from leadgate.training.history import History


@dataclass(frozen=True)
class Faithfulness:
    """Injected negative factors per reason family, and how many each way of picking reasons showed."""

    injected: Counter
    shown: Counter  # among the pipeline's rendered top negative reasons
    by_shap_alone: Counter  # among the most negative families by SHAP, before Against's range rule

    def share(self, family: str | None = None, shap_alone: bool = False) -> float:
        """Share of injected factors shown (all families when `family` is None)."""
        hits = self.by_shap_alone if shap_alone else self.shown
        if family is None:
            total = sum(self.injected.values())
            return sum(hits.values()) / total if total else float("nan")
        return hits[family] / self.injected[family] if self.injected[family] else float("nan")


def faithfulness(pipeline: DecisionPipeline, history: History, rows: np.ndarray) -> Faithfulness:
    """Count, on the leads no gate keeps from sales, each injected factor found among their top reasons."""
    decisions = pipeline.decide([history.leads[i] for i in rows])
    rejecting = decisions.gates.rejecting()
    shap_picks = top_families(decisions.by_family, negative=True, k=TOP_NEGATIVE)
    families = np.array(pipeline.book.families, dtype=object)
    injected, shown, by_shap = Counter(), Counter(), Counter()
    for k, i in enumerate(rows):
        factors = history.true_negative_factors[i]
        if not factors or rejecting[k]:
            continue  # a kept-out lead's reasons are its gates', not the model's
        rendered = {reason.family for reason in decisions.reasons(k, negative=True)}
        by_shap_alone = set(families[shap_picks[k][shap_picks[k] >= 0]])
        # Every factor counts on its own: a lead with two factors must show both to score two hits.
        for factor in factors:
            injected[factor] += 1
            shown[factor] += factor in rendered
            by_shap[factor] += factor in by_shap_alone
    return Faithfulness(injected, shown, by_shap)
