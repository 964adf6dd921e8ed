"""How category columns name their levels: a job title by its reading, a custom level by its usual spelling."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from leadgate.features.custom import CustomField

# A category value training never saw (or pooled as rare) is named when it fills this share of the leads, and
# this many: in `train`'s test leads (training/new_levels.py) and in the leads `score` decides (serving).
NEW_LEVEL_SHARE = 0.10
NEW_LEVEL_LEADS = 20

if TYPE_CHECKING:
    from leadgate.features.derived import Derived


def level_spellings(
    derived: Derived, field: CustomField, keys: list[str], keep: np.ndarray, vocabulary: list[str]
) -> dict[str, str]:
    """Each kept level's most frequent spelling among the training leads, where it differs from its key."""
    wanted = set(vocabulary[1:])
    named = usual_spellings(
        (key, field.level(custom.get(field.name)))
        for custom, key, kept in zip(derived.table.custom, keys, keep, strict=True)
        if kept and key in wanted
    )
    return {key: name for key, name in named.items() if name != key}


def usual_spellings(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each key's most frequent spelling among (key, spelling) pairs."""
    seen: dict[str, Counter] = {}
    for key, spelling in pairs:
        seen.setdefault(key, Counter())[spelling] += 1
    # Ties go to the first spelling seen, so the choice does not depend on set or dict order elsewhere.
    return {key: counts.most_common(1)[0][0] for key, counts in seen.items()}


def title_levels(derived: Derived) -> list[str]:
    """Each lead's job_title level: '[vp/sales]' for a title the rules read, else the title as written.

    Free-text titles come in endless spellings ('Head of Sales', 'Head of Sales EMEA', 'VP, Sales'); one the
    training leads never spelled that way must not fall into the pool of rare titles. A title no rule reads
    (a picklist value such as 'Working Professional') is still its own level.
    """
    read = derived.seniority_read | derived.function_read
    return [
        f"[{seniority}/{function}]" if known and title else title.strip().lower()
        for title, seniority, function, known in zip(
            derived.table.text["job_title"], derived.seniority, derived.function, read.tolist(), strict=True
        )
    ]
