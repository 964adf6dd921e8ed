"""Pure checks of a form's free-text message: abuse, spam, threats and harassment."""

from __future__ import annotations

import re
from functools import lru_cache

from leadgate.features import message_patterns
from leadgate.features.offensive import offensive_probability


@lru_cache(maxsize=1)
def _swear_phrases() -> frozenset[tuple[str, ...]]:
    from better_profanity import utils

    # better-profanity's own matcher costs ~5 ms a message; its word list behind a set lookup costs ~µs.
    path = utils.get_complete_path_of_file("profanity_wordlist.txt")
    return frozenset(tuple(line.split()) for line in utils.read_wordlist(path) if line.strip())


@lru_cache(maxsize=1)
def _phrase_starts() -> dict[str, tuple[int, ...]]:
    # Per first word, the lengths of the listed phrases it starts: most words start none, so a message is
    # looked up word by word instead of building every 1-, 2- and 3-word tuple of it.
    starts: dict[str, set[int]] = {}
    for phrase in _swear_phrases():
        if 1 <= len(phrase) <= 3:
            starts.setdefault(phrase[0], set()).add(len(phrase))
    return {word: tuple(sorted(sizes)) for word, sizes in starts.items()}


_WORD = re.compile(r"[a-z0-9$@!*]+")


def _swear_hits(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    starts, phrases = _phrase_starts(), _swear_phrases()
    hits = set()
    for i, word in enumerate(words):
        for size in starts.get(word, ()):
            phrase = tuple(words[i : i + size])
            if len(phrase) == size and phrase in phrases:
                hits.add(phrase)
    return hits


def _has_profanity(message: str) -> bool:
    hits = _swear_hits(message)
    # One listed word is often business English ("kill our spreadsheets", "Dick's Sporting Goods"); abuse
    # repeats itself. Two distinct hits before a silent rejection.
    return len(hits) >= 2


_URL = message_patterns.Folded(r"https?://|www\.")


def message_problem(message: str, max_links: int) -> str:
    """Why a form message looks abusive or like spam, or '' when it does not."""
    if not message:
        return ""
    if _URL.count(message) > max_links:
        return "link spam"
    if _has_profanity(message):
        return "profanity"
    return ""


# alt-profanity-check's probability that a sentence is offensive, above which an insult aimed at the reader is
# harassment. Its model scores swearing in passing high too ("Shit, forgot to add: we use HubSpot" 0.997), so
# it only judges sentences addressed to the reader that hold a listed swear word or insult.
HARASSMENT_PROBABILITY = 0.8


_LETTERS = re.compile(r"[a-z]+")


def _is_candidate(sentence: str) -> bool:
    words = set(_LETTERS.findall(sentence.lower()))
    return bool(words & message_patterns.INSULTS) or bool(_swear_hits(sentence))


def threats_and_harassment(messages: list[str]) -> list[str]:
    """Per message: "threat: '…'" or "harassment: '…'" with the words that made it one, else ''."""
    found = [""] * len(messages)
    candidates: list[tuple[int, str]] = []
    for index, message in enumerate(messages):
        if not message:
            continue
        threat = message_patterns.find_threat(message)
        if threat:
            found[index] = f"threat: {threat}"
            continue
        candidates += [(index, s) for s in message_patterns.addressed_sentences(message) if _is_candidate(s)]
    if candidates:
        # One classifier call for the whole batch: the vectorizer's fixed cost is paid once, not per message.
        probabilities = offensive_probability([sentence for _, sentence in candidates]).tolist()
        for (index, sentence), probability in zip(candidates, probabilities, strict=True):
            if not found[index] and probability >= HARASSMENT_PROBABILITY:
                found[index] = f"harassment: '{sentence[:80]}'"
    return found
