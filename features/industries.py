"""Industries as CRMs write them ('GAMBLING_CASINOS', 'Gambling & Casinos') matched to a policy's words."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")  # letters and digits: '_', '&', '/', '-' and spaces all part words


def _singular(word: str) -> str:
    # 'casinos' is 'casino', 'weapons' 'weapon'; 'glass' and short words ('gas') stay as they are.
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def industry_words(text: str) -> tuple[str, ...]:
    """An industry's words, case-folded and singular: 'GAMBLING_CASINOS' → ('gambling', 'casino')."""
    return tuple(_singular(word) for word in _WORD.findall(text.casefold()))


@lru_cache(maxsize=8192)
def industry_listed(industry: str, entries: tuple[str, ...]) -> str:
    """The first entry whose words stand side by side, in order, among the industry's words; '' if none.

    'gambling' lists 'Gambling & Casinos' and HubSpot's 'GAMBLING_CASINOS'; 'adult entertainment' does not
    list 'Adult Education'.
    """
    words = industry_words(industry)
    for entry in entries:
        wanted = industry_words(entry)
        size = len(wanted)
        if size and any(words[i : i + size] == wanted for i in range(len(words) - size + 1)):
            return entry
    return ""
