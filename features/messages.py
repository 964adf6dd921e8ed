"""Pure checks of a form's free-text message: abuse and spam (issue 16 adds threats and harassment here)."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _swear_phrases() -> frozenset[tuple[str, ...]]:
    from better_profanity import utils

    # better-profanity's own matcher costs ~5 ms a message; its word list behind a set lookup costs ~µs.
    path = utils.get_complete_path_of_file("profanity_wordlist.txt")
    return frozenset(tuple(line.split()) for line in utils.read_wordlist(path) if line.strip())


def _has_profanity(message: str) -> bool:
    words = re.findall(r"[a-z0-9$@!*]+", message.lower())
    phrases = _swear_phrases()
    hits = {tuple(words[i : i + size]) for size in (1, 2, 3) for i in range(len(words) - size + 1)} & phrases
    # One listed word is often business English ("kill our spreadsheets", "Dick's Sporting Goods"); abuse
    # repeats itself. Two distinct hits before a silent rejection.
    return len(hits) >= 2


_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def message_problem(message: str, max_links: int) -> str:
    """Why a form message looks abusive or like spam, or '' when it does not."""
    if not message:
        return ""
    if len(_URL.findall(message)) > max_links:
        return "link spam"
    if _has_profanity(message):
        return "profanity"
    return ""
