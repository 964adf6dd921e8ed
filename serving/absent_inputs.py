"""Inputs most training leads had that a whole scored batch lacks: a file or mapping that does not carry them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from leadgate.decision.count_words import COUNT_WORDS
from leadgate.decision.reference import FeatureReference
from leadgate.features.builder import COUNTS
from leadgate.features.model_inputs import INPUT_PATHS, INPUT_WORDS, input_check
from leadgate.features.schema import Lead

# Fewer decided leads than this say nothing about a file: a handful may all lack a field by chance.
MIN_LEADS = 20
# An input at least this share of training leads had is one the model learned to expect.
MIN_TRAINING_SHARE = 0.5

_OTHER_EVENTS = {
    "demo_request": "demo requests",
    "email_reply": "email replies",
    "content_download": "content downloads",
    "unsubscribe": "unsubscribes",
}
_EVENT_WORDS = {
    event: COUNT_WORDS[event][1] if event in COUNT_WORDS else _OTHER_EVENTS[event] for event, *_ in COUNTS
}


def training_share(feature: FeatureReference, count: bool) -> float | None:
    """Share of training leads that had the input (a value; for a count, one or more); None when unknowable."""
    total = sum(feature.leads)
    if not total:
        return None
    if not count:
        return 1 - feature.leads[-1] / total
    if not feature.edges:  # one value for every lead: which one is not kept
        return None
    # Range 0 holds the values below the first edge: exactly the zeros when that edge is at most 1, else the
    # zeros and some more (the share with activity is then at least the rest).
    return (total - feature.leads[0] - feature.leads[-1]) / total


class AbsentInputs:
    """Per batch, the inputs the model expects (most training leads had them) that no decided lead has."""

    def __init__(self, model) -> None:
        self.leads = 0
        self.expected: dict[str, tuple[str, float, Callable[[Lead], object]]] = {}
        self.missing: set[str] = set()
        reference = getattr(model, "reference", None)
        if reference is None:
            return
        index = {name: j for j, name in enumerate(model.builder.feature_names)}
        inputs = [(column, words, False) for column, words in INPUT_WORDS.items()]
        inputs += [(f"n_{event}", _EVENT_WORDS[event], True) for event, *_ in COUNTS]
        for column, words, count in inputs:
            if column not in index:
                continue
            share = training_share(reference.features[index[column]], count)
            if share is not None and share >= MIN_TRAINING_SHARE:
                self.expected[column] = (words, share, input_check(INPUT_PATHS[column]))
        self.missing = set(self.expected)

    def add(self, leads: Iterable[Lead]) -> None:
        """Count decided leads and strike off each expected input one of them has."""
        for lead in leads:
            self.leads += 1
            if self.missing:
                self.missing -= {column for column in self.missing if self.expected[column][2](lead)}

    def absent(self) -> list[tuple[str, float]]:
        """(words, training share) of each expected input no decided lead had; [] below MIN_LEADS leads."""
        if self.leads < MIN_LEADS:
            return []
        return [
            (words, share) for column, (words, share, _) in self.expected.items() if column in self.missing
        ]


def absent_message(absent: list[tuple[str, float]], leads: int) -> str:
    """What `score` and `decide` say of inputs most training leads had and none of these leads has."""
    listed = ", ".join(f"{words} ({share:.0%} of training leads had it)" for words, share in absent)
    # Walk S: a LinkedIn file without page views read "No website activity recorded" on 1,312 of 1,500 leads.
    return (
        f"none of the {leads:,} decided leads has {listed}: if the file or its mapping does not carry "
        "them, every lead is scored, and its reasons worded, as having none; map them, or train a model "
        "on leads like these"
    )
