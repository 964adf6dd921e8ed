"""What training notices about the job titles: most of them read by no title rule (a language the rules do not
know, or a picklist of the CRM's own words), so seniority and function are defaults, not facts."""

from __future__ import annotations

from collections import Counter

import numpy as np

from leadgate.features.derived import Derived

# Below this many given titles a share proves little; above half unread, the parsed columns mostly say nothing.
MIN_TITLES = 30
UNREAD_SHARE = 0.5
SHOWN = 3  # the most frequent unread titles named

ADVICE = {
    True: "map the title column as a custom category instead (README: Custom fields)",
    False: "send the titles as a custom category instead",
}


def title_notes(derived: Derived, train: np.ndarray, mapped: bool = True) -> list[str]:
    """One line when most training leads' given titles are read by no rule, naming the most frequent ones."""
    rows = np.flatnonzero(train)
    titles = [derived.table.text["job_title"][i] for i in rows]
    given = [bool(title) for title in titles]
    # Read by no rule at all: a title whose function alone is read (Marketing) still says something.
    unread = ~derived.seniority_read[rows] & ~derived.function_read[rows] & np.array(given, dtype=bool)
    n_given, n_unread = sum(given), int(unread.sum())
    if n_given < MIN_TITLES or n_unread <= UNREAD_SHARE * n_given:
        return []
    common = Counter(titles[k] for k in np.flatnonzero(unread)).most_common(SHOWN)
    named = ", ".join(repr(title) for title, _ in common)
    return [
        f"job title: {n_unread:,} of the {n_given:,} training leads' titles ({n_unread / n_given:.0%}) are read by "
        f"none of leadgate's title rules (most often {named}), so their seniority and function are defaults "
        f"(individual, other), not facts; if the titles carry signal, {ADVICE[mapped]}"
    ]
