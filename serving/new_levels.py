"""Category values many scored leads hold that the model's training never saw (or pooled as rare).

The model reads such a value as its pooled rare levels, "(other)", whatever it converts at (walk U: a new
Salesforce source, a quarter of the leads, scored at 36% P(SQL) where 13% converted). `train` says so of its
test leads (training/new_levels.py); `score` and `decide` say so of a new file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np

from leadgate.decision.custom_words import value_named
from leadgate.decision.decisions import Decisions
from leadgate.features.category_levels import NEW_LEVEL_LEADS, NEW_LEVEL_SHARE
from leadgate.features.custom import CustomField
from leadgate.features.custom_columns import level_key
from leadgate.features.model_inputs import INPUT_WORDS, input_paths, input_reader
from leadgate.features.schema import Lead

# The built-in category columns whose level is the lead's own text, stripped and in lower case (the others
# are leadgate's readings of a value: an industry's or country's canonical name, a job title's reading).
_OWN_TEXT = ("channel", "campaign", "inquiry_type")
_Column = tuple[str, Callable[[Lead], object], CustomField | None, frozenset[str]]


class NewLevels:
    """Per batch, the values of each category column the model's vocabulary pools, counted with their spelling."""

    def __init__(self, model, columns: dict[str, str] | None = None) -> None:
        """`columns`: a mapping's export column per lead path (Mapping.feature_columns), to name values by."""
        self.leads = 0
        self.columns: dict[str, _Column] = {}
        self.pooled: dict[str, Counter] = {}
        self.spellings: dict[tuple[str, str], Counter] = {}
        builder = getattr(model, "builder", None)
        vocabularies = getattr(builder, "vocabularies_", None)
        if not vocabularies:
            return
        paths = input_paths(builder)
        inputs = [(feature, paths[feature], INPUT_WORDS[feature], None) for feature in _OWN_TEXT]
        inputs += [
            (field.feature, paths[field.feature], field.label, field)
            for field in builder.custom_fields
            if field.type == "category"
        ]
        named = columns or {}
        for feature, path, words, field in inputs:
            if feature in vocabularies:
                known = frozenset(vocabularies[feature][1:])
                self.columns[feature] = (named.get(path, words), input_reader(path), field, known)
                self.pooled[feature] = Counter()

    def add(self, leads: Iterable[Lead]) -> None:
        """Count decided leads and, per column, the pooled values they hold, keyed as training keyed them
        (a postal code read by its prefix is its first characters' level)."""
        for lead in leads:
            self.leads += 1
            for feature, (_, get, field, known) in self.columns.items():
                value = get(lead)
                key = level_key(value, field)
                if key and key not in known:
                    self.pooled[feature][key] += 1
                    self.spellings.setdefault((feature, key), Counter())[value_named(value, field)] += 1

    def found(self) -> list[tuple[str, str, int]]:
        """(column in words, value as written most often, leads) of each pooled value held by ≥ NEW_LEVEL_SHARE."""
        if self.leads < NEW_LEVEL_LEADS:
            return []
        found = []
        for feature, counts in self.pooled.items():
            for key, count in counts.most_common():
                if count < max(NEW_LEVEL_LEADS, NEW_LEVEL_SHARE * self.leads):
                    break
                spelled = self.spellings[(feature, key)].most_common(1)[0][0]
                found.append((self.columns[feature][0], spelled, count))
        return sorted(found, key=lambda item: -item[2])


def model_read(decisions: Decisions | None) -> np.ndarray:
    """Which decided leads the model reads (no gate kept them from sales), as `train` counts its test leads."""
    return np.zeros(0, bool) if decisions is None else ~decisions.gates.rejecting()


def training_shares(model) -> dict[str, float] | None:
    """Each category column's share of filled training leads read as "(other)"; None for older models."""
    return getattr(model, "metadata", {}).get("pooled_shares") if model is not None else None


def new_levels_message(found: list[tuple[str, str, int]], leads: int) -> str:
    """What `score` and `decide` say of values many decided leads hold that the model's training pooled."""
    listed = "; ".join(
        f"{words} {value!r} {count / leads:.0%} ({count:,} leads)" for words, value, count in found
    )
    return (
        f"decided leads with values the model's training never saw or saw too rarely to learn: {listed} of the "
        f"{leads:,} leads the model read (no gate rejected them): the model reads them as rare levels, whatever "
        "they convert at; train again once enough of them have outcomes"
    )
