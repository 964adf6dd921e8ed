"""JSON text read strictly: a key written twice in one object is named, where plain JSON keeps the last."""

from __future__ import annotations

import json


def repeated_keys(text: str | bytes) -> list[tuple[str, int]]:
    """(field path, times written) of each key written more than once in one object of `text`, in document
    order ('lead_id', 'events.0.at'); empty when there is none, or when `text` is no JSON at all (its parser
    says why)."""
    seen_twice = False

    def pairs(items: list[tuple[str, object]]) -> dict:
        nonlocal seen_twice
        made = dict(items)
        if len(made) == len(items):
            return made
        seen_twice = True
        return _Repeated(made, items)

    try:
        document = json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deeply
        return []
    return list(_paths(document, ())) if seen_twice else []


def repeated_words(key: str, times: int) -> str:
    """What is wrong with a key written `times` times, for the sender."""
    written = "twice" if times == 2 else f"{times} times"
    return f"{key!r} is written {written}: JSON would keep only the last value; send each field once"


class _Repeated(dict):
    """An object that wrote some key more than once: its keys, each with how often."""

    def __init__(self, made: dict, items: list[tuple[str, object]]):
        super().__init__(made)
        counts: dict[str, int] = {}
        for key, _ in items:
            counts[key] = counts.get(key, 0) + 1
        self.repeated = {key: count for key, count in counts.items() if count > 1}


def _paths(value, path: tuple[str, ...]):
    if isinstance(value, dict):
        for key, count in getattr(value, "repeated", {}).items():
            yield ".".join((*path, key)), count
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, str(index)))
