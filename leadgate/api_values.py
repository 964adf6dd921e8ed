"""How `explain` shows a model column: the lead's value as the lead had it, and what its reasons say of it."""

from __future__ import annotations

from leadgate.decision.custom_words import POOLED, category_shown, custom_shown
from leadgate.decision.reason_words import CODE_WORDS
from leadgate.decision.title_reasons import FUNCTION_WORDS
from leadgate.features.channel_labels import channel_label
from leadgate.features.titles import SENIORITIES

# Built-in category columns whose level is a key of the lead's own text ('[individual/other]' for a title the
# rules read, 'spring promo'): shown as the lead wrote it, as the reasons quote it.
WRITTEN = ("job_title", "campaign", "channel", "inquiry_type")
# A built-in level in the words its reasons use ('b2b' is B2B, 'it' IT, 'organic' Organic search).
_WORDS = {**CODE_WORDS, "function": FUNCTION_WORDS}


def level_words(column: str, level: str) -> str:
    """A built-in category level (or the lead's text of one) in the words the reasons put it in."""
    if column == "channel":
        return channel_label(level)
    return _WORDS.get(column, {}).get(level, level)


def shown(builder, spec, value, custom: dict, written: dict[str, str] | None = None):
    """A column's value as the lead had it: a category's level, not its code (a custom one, and a built-in
    one keyed by the lead's text, as the lead wrote it, as its reasons quote it), a seniority's name, not its
    rank; None when missing. `written`: the lead's text per built-in column of WRITTEN."""
    if value != value:
        return None
    field = next((f for f in builder.custom_fields if f.feature == spec.name), None)
    if field is not None and field.type in ("flag", "datetime"):
        # As its reasons say it: 'yes', not 1.0; '17 days ago', not the age of 17.47 days the model reads.
        return custom_shown(field, value, value)
    if spec.name == "seniority_rank":  # the rank the model reads is the seniority's place among them
        return SENIORITIES[int(value)]
    if not spec.categorical:
        return value
    vocabulary = builder.vocabularies_.get(spec.name, [])
    level = vocabulary[int(value)] if 0 < int(value) < len(vocabulary) else None
    if field is not None and custom.get(field.name) is not None:
        return category_shown(field, custom[field.name], pooled=not level)
    text = (written or {}).get(spec.name, "")
    if spec.name in WRITTEN and text:
        # Code 0 pools the levels too rare (or new) to learn: the points are the pool's, as reasons say.
        return level_words(spec.name, text) + ("" if level else f" ({POOLED})")
    return level_words(spec.name, level) if level else "(other)"


def family_words(decisions) -> dict[str, str]:
    """What a reason of each family says of the first lead (against when the family's contributions sum below
    zero, as the reasons pick): the words for what a column's value means ('Company size 400 employees, …')."""
    book, sums = decisions.book, decisions.by_family[0]
    return {
        family: book.renderers[j](decisions.derived, decisions.matrix, 0, bool(sums[j] < 0))
        for j, family in enumerate(book.families)
    }
