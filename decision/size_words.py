"""A company size against the target range, in the words the reasons and `leadgate evidence` both use."""

from __future__ import annotations

import numpy as np

from leadgate.decision.count_words import company_size

NOT_GIVEN = "not given"


def target_span(target: tuple[int, int]) -> str:
    """The target range as reasons name it: '50–5,000'."""
    low, high = target
    return f"{low:,}–{high:,}"


def size_places(fewest: np.ndarray, most: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    """(n,) where each lead's size lies against the target range: 'below', 'in', 'partly in' or 'above';
    NOT_GIVEN without one. A band ('11-50') lies where all of it lies: one across an end is partly in, which
    the model's one size for it cannot say; a head count is a band of one."""
    fewest, most = np.asarray(fewest, dtype=float), np.asarray(most, dtype=float)
    low, high = target
    places = np.full(fewest.shape, NOT_GIVEN, dtype=object)
    given = ~np.isnan(fewest)
    places[given] = "partly in"
    places[given & (fewest >= low) & (most <= high)] = "in"
    places[given & (most < low)] = "below"
    places[given & (fewest > high)] = "above"
    return places


# Where head counts are grouped to count leads by size: under 10, 10–49, 50–199, 200–999, 1,000–4,999, 5,000+.
COUNT_BANDS = (10, 50, 200, 1000, 5000)


def size_bands(fewest: np.ndarray, most: np.ndarray) -> np.ndarray:
    """(n,) each lead's size as a band to count leads by, worded as reasons word sizes: a band as the lead gave
    it ('1–10 employees', never regrouped into one it straddles), a head count in its COUNT_BANDS band
    ('10–49 employees'); NOT_GIVEN without one."""
    fewest, most = np.asarray(fewest, dtype=float), np.asarray(most, dtype=float)
    starts = (0, *COUNT_BANDS)
    ends = (*(b - 1 for b in COUNT_BANDS), float("inf"))
    words = [f"fewer than {COUNT_BANDS[0]} employees"] + [
        company_size(a, b) for a, b in zip(starts[1:], ends[1:], strict=True)
    ]
    labels = np.full(fewest.shape, NOT_GIVEN, dtype=object)
    for i, (a, b) in enumerate(zip(fewest, most, strict=True)):
        if a != a:
            continue
        labels[i] = (
            company_size(a, b) if a != b else words[int(np.searchsorted(COUNT_BANDS, a, side="right"))]
        )
    return labels
