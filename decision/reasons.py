"""SHAP contributions grouped by reason family and rendered in words with the lead's own values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from leadgate.decision.reason_words import GIVEN, RENDERERS, Given, Renderer, plural
from leadgate.decision.record import Reason
from leadgate.decision.recovery import RECOVERIES, Recovery, custom_recovery
from leadgate.features.builder import FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.features.derived import Derived

__all__ = ["RENDERERS", "ReasonBook", "custom_renderer", "strength_points", "top_families"]

TOP_NEGATIVE = 3
TOP_POSITIVE = 2
# Contributions smaller than this (log-odds) are noise, not a reason worth a sales rep's time.
MIN_CONTRIBUTION = 0.01


def top_families(
    by_family: np.ndarray, negative: bool, k: int, allowed: np.ndarray | None = None
) -> np.ndarray:
    """(n, k) family indices ordered by strength; -1 where fewer than k families qualify (or are `allowed`)."""
    signed = by_family if negative else -by_family
    if allowed is not None:
        signed = np.where(allowed, signed, np.inf)
    order = np.argsort(signed, axis=1, kind="stable")[:, :k]
    strength = np.take_along_axis(signed, order, axis=1)
    return np.where(strength < -MIN_CONTRIBUTION, order, -1)


def strength_points(
    calibrate: Callable[[np.ndarray], np.ndarray], raw: np.ndarray, by_family: np.ndarray, picks: np.ndarray
) -> np.ndarray:
    """(n, k) percentage points of P(SQL) each picked family accounts for: calibrate(raw) − calibrate(raw − c).

    The model's own calibration turns log-odds into a unit a rep reads; -1 picks give NaN.
    """
    contribution = np.take_along_axis(by_family, np.maximum(picks, 0), axis=1)
    points = 100.0 * (calibrate(raw)[:, None] - calibrate(raw[:, None] - contribution))
    return np.where(picks >= 0, np.round(points, 2), np.nan)


def _shown(field: CustomField, value, days: float) -> str:
    """A custom value as a person reads it."""
    if field.type == "flag":
        return "yes" if value else "no"
    if field.type == "datetime":
        if days != days:  # not a readable moment: shown as sent
            return str(value)
        if days < 0:
            return f"in {plural(-days, 'day')}" if days <= -1 else "today"
        return "today" if days < 1 else f"{plural(days, 'day')} ago"
    if field.type in ("number", "integer") and not isinstance(value, str):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def custom_given(field: CustomField) -> Given:
    """Which leads carry a value of one custom field."""
    return lambda d: np.array([custom.get(field.name) is not None for custom in d.table.custom], dtype=bool)


def custom_renderer(field: CustomField, column: int) -> Renderer:
    """'Label: value' (or the field's own template) with this lead's value; 'Label not given' when missing."""
    template = field.reason or "{label}: {value}"

    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        value = d.table.custom[i].get(field.name)
        if value is None:
            return f"{field.label} not given"
        return template.format(label=field.label, value=_shown(field, value, float(x[i, column])))

    return render


@dataclass(frozen=True)
class ReasonBook:
    """One model's reason families: how its columns sum into families and how each family is put in words."""

    families: tuple[str, ...]
    to_families: np.ndarray  # (features, families) 0/1
    renderers: tuple[Renderer, ...]  # by family index
    givens: tuple[Given | None, ...] = ()  # by family index; None: the family always has a value
    recoveries: tuple[Recovery, ...] = ()  # by family index: what would change a reason against

    @classmethod
    def for_builder(cls, builder: FeatureBuilder) -> ReasonBook:
        """The book of a fitted builder: built-in families, then one per custom field."""
        features, families = builder.features, builder.families
        to_families = np.zeros((len(features), len(families)))
        for j, spec in enumerate(features):
            to_families[j, families.index(spec.family)] = 1.0
        renderers, givens, recoveries = dict(RENDERERS), dict(GIVEN), dict(RECOVERIES)
        for field in builder.custom_fields:
            renderers[field.feature] = custom_renderer(field, builder.feature_names.index(field.feature))
            givens[field.feature] = custom_given(field)
            recoveries[field.feature] = custom_recovery(field)
        return cls(
            families,
            to_families,
            tuple(renderers[family] for family in families),
            tuple(givens.get(family) for family in families),
            tuple(recoveries[family] for family in families),
        )

    def given(self, derived: Derived) -> np.ndarray:
        """(n, families) True where the lead has the family's value: only those can be reasons *for* it."""
        given = np.ones((derived.table.n, len(self.families)), dtype=bool)
        for family_index, has_value in enumerate(self.givens):
            if has_value is not None:
                given[:, family_index] = has_value(derived)
        return given

    def by_family(self, contributions: np.ndarray) -> np.ndarray:
        """(n, families) sums of per-feature contributions (the base value column is dropped)."""
        return contributions[:, : len(self.to_families)] @ self.to_families

    def render(
        self,
        derived: Derived,
        matrix: np.ndarray,
        by_family: np.ndarray,
        index: int,
        picks: np.ndarray,
        negative: bool,
        points: np.ndarray,
    ) -> list[Reason]:
        """The picked families of one lead as Reasons (`by_family` already rounded; `points` by pick)."""
        reasons = []
        for family_index, strength in zip(picks.tolist(), points.tolist(), strict=True):
            if family_index < 0:
                continue
            text = self.renderers[family_index](derived, matrix, index, negative)
            recovery = self.recoveries[family_index](derived, matrix, index) if negative else None
            contribution = float(by_family[index, family_index])
            reasons.append(Reason(self.families[family_index], text, contribution, strength, recovery))
        return reasons
