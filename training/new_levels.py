"""Category values that fill a large share of the test leads yet were never (or too rarely) seen in training.

Such a value is read as the pooled rare levels, "(other)", whose pull it then takes whatever it converts at
(walk U: a Salesforce source first seen in the test period, a quarter of the test leads, scored at 36% P(SQL)
against 13% observed, and training said nothing).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from leadgate.decision.custom_words import value_named
from leadgate.features.builder import FeatureBuilder
from leadgate.features.category_levels import NEW_LEVEL_LEADS, NEW_LEVEL_SHARE
from leadgate.features.derived import Derived
from leadgate.features.model_inputs import INPUT_WORDS, input_paths
from leadgate.features.pooled_columns import PooledCounts, pooled_note


@dataclass(frozen=True)
class NewLevel:
    """One value the model pools as rare that a large share of the test leads hold."""

    column: str  # the export column that fills the field, else the custom field's label or the field in words
    value: str  # as the test leads wrote it most often
    leads: int  # test leads holding it
    share: float  # of the test leads
    training_leads: int  # training leads holding it (0: never seen)
    sql_rate: float  # among the test leads holding it
    rest_rate: float  # among the other test leads


def new_levels(
    builder: FeatureBuilder,
    derived: Derived,
    sql: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    field_columns: dict[str, str] | None = None,
) -> list[NewLevel]:
    """Each pooled value (not in its column's vocabulary) held by ≥ NEW_LEVEL_SHARE of the test leads, largest first.

    `train` and `test` are boolean masks over the leads of `derived`; `train` the leads the vocabularies were
    fitted on. `field_columns` names each lead path's export column ('source.channel': 'Lead Source').
    """
    columns = field_columns or {}
    test_rows = np.flatnonzero(test)
    if len(test_rows) < NEW_LEVEL_LEADS:
        return []
    found = []
    for feature, (path, words, raw) in _columns(builder, derived).items():
        keys = builder.category_keys(derived, feature)
        known = set(builder.vocabularies_.get(feature, [])[1:])
        pooled = Counter(keys[i] for i in test_rows if keys[i] and keys[i] not in known)
        for key, count in pooled.most_common():
            share = count / len(test_rows)
            if share < NEW_LEVEL_SHARE or count < NEW_LEVEL_LEADS:
                break
            holds = np.array([keys[i] == key for i in test_rows])
            rest = sql[test_rows][~holds]
            found.append(
                NewLevel(
                    column=columns.get(path, words),
                    value=Counter(raw[i].strip() for i in test_rows[holds]).most_common(1)[0][0],
                    leads=count,
                    share=share,
                    training_leads=sum(1 for i in np.flatnonzero(train) if keys[i] == key),
                    sql_rate=float(sql[test_rows][holds].mean()),
                    rest_rate=float(rest.mean()) if len(rest) else float("nan"),
                )
            )
    return sorted(found, key=lambda level: -level.share)


def pooled_shares(builder: FeatureBuilder, matrix: np.ndarray, train: np.ndarray) -> dict[str, float]:
    """Each category column's share of filled training leads read as "(other)", kept with the model."""
    counts = PooledCounts(builder)
    counts.add(matrix, train)
    return counts.shares()


def pooled_test_note(
    builder: FeatureBuilder,
    matrix: np.ndarray,
    test: np.ndarray,
    training: dict[str, float],
    field_columns: dict[str, str] | None = None,
) -> str | None:
    """What `train` and the report say of category columns whose filled test leads (`test`, a mask over the
    matrix's rows) hold levels the model did not learn far more often than training's did; None when none."""
    counts = PooledCounts(builder, field_columns)
    counts.add(matrix, test)
    return pooled_note(counts.found(training), "test leads")


def _columns(builder: FeatureBuilder, derived: Derived) -> dict[str, tuple[str, str, list[str]]]:
    """Per category column the model reads: its lead path, its words and each lead's value as written.

    The built-in ones are those that stand for one input (INPUT_WORDS); the others (email domain class, job
    function) are leadgate's own reading of other fields. Paths drop 'fields.', as History.field_columns does.
    """
    text = derived.table.text
    paths = input_paths(builder)
    columns = {}
    for feature, words in INPUT_WORDS.items():
        if feature in builder.vocabularies_:
            path = paths[feature].removeprefix("fields.")
            columns[feature] = (path, words, text[path.rpartition(".")[2]])
    for field in builder.custom_fields:
        if field.type == "category":
            values = [c.get(field.name) for c in derived.table.custom]
            raw = ["" if v is None else value_named(v, field) for v in values]
            columns[field.feature] = (paths[field.feature], field.label, raw)
    return columns


def new_levels_note(levels: list[NewLevel]) -> str | None:
    """What `train` says of values the model pools as rare that fill much of the test part; None when none."""
    if not levels:
        return None
    never = all(level.training_leads == 0 for level in levels)
    heading = "values training never saw" if never else "values training never saw or saw too rarely to learn"
    listed = "; ".join(_level_words(level, never) for level in levels)
    return (
        f"test leads with {heading}: {listed}: the model reads them as rare levels, whatever they convert at; "
        "retrain when enough of them have outcomes"
    )


def _level_words(level: NewLevel, never: bool) -> str:
    seen = (
        "" if never else (" (not in training)" if not level.training_leads else _seen(level.training_leads))
    )
    return (
        f"{level.column} {level.value!r}{seen} {level.share:.0%} of the test leads ({level.leads:,} leads) "
        f"(SQL rate {level.sql_rate:.0%} against {level.rest_rate:.0%} for the rest)"
    )


def _seen(count: int) -> str:
    return f" ({count:,} training lead{'s' if count != 1 else ''})"
