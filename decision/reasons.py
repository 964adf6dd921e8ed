"""SHAP contributions grouped by reason family and rendered in words with the lead's own values."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from leadgate.decision.count_recovery import count_recoveries
from leadgate.decision.custom_words import POOLED, custom_given, custom_renderer, more_helps, number_text
from leadgate.decision.form_words import data_quality_renderer, form_fields_told, form_given
from leadgate.decision.intent_words import windowed_renderers
from leadgate.decision.reason_backing import unbacked
from leadgate.decision.reason_given import GIVEN, Given
from leadgate.decision.reason_picks import TOP_NEGATIVE, TOP_POSITIVE, strength_points, top_families
from leadgate.decision.reason_words import (
    RENDERERS,
    Renderer,
    channel_renderer,
    event_renderers,
    size_renderer,
)
from leadgate.decision.reasons_size import backed_size_renderer, size_for_backed
from leadgate.decision.record import Reason
from leadgate.decision.recovery import (
    RECOVERIES,
    Recovery,
    custom_recovery,
    data_quality_recovery,
    email_recovery,
    inquiry_recovery,
    levels_above,
    size_recovery,
)
from leadgate.decision.reference import MAJORITY, ReasonReference
from leadgate.features.builder import FeatureBuilder
from leadgate.features.derived import Derived

__all__ = [
    "POOLED",
    "RENDERERS",
    "TOP_NEGATIVE",
    "TOP_POSITIVE",
    "ReasonBook",
    "custom_renderer",
    "number_text",
    "strength_points",
    "top_families",
]

# Count columns a comparison with converting leads can name ("... had 6 or more page views").
# Not demo requests: "No demo request" says it all, and beside "Asked for a demo in the form" a count of
# demo-request events would read as a contradiction.
_COUNT_WORDS = {
    "n_pricing_page": "pricing page visits",
    "n_email_reply": "email replies",
    "n_meeting_booked": "meetings booked",
    "n_content_download": "content downloads",
    "n_webinar_registered": "webinar registrations",
    "n_webinar_attended": "webinars attended",
    "n_email_open": "email opens",
    "n_email_click": "email clicks",
    "n_page_view": "page views",
    "n_form_submit": "form submissions",
}


@dataclass(frozen=True)
class ReasonBook:
    """One model's reason families: how its columns sum into families and how each family is put in words."""

    families: tuple[str, ...]
    to_families: np.ndarray  # (features, families) 0/1
    renderers: tuple[Renderer, ...]  # by family index
    givens: tuple[Given | None, ...] = ()  # by family index; None: the family always has a value
    recoveries: tuple[Recovery, ...] = ()  # by family index: what would change a reason against
    reference: ReasonReference | None = None  # the model's training statistics; None: SHAP alone decides
    comparable: tuple[str | None, ...] = ()  # by feature: words for "had N or more ...", or None
    categorical: tuple[int, ...] = ()  # the category columns, whose code 0 pools rare and unseen levels

    @classmethod
    def for_builder(
        cls,
        builder: FeatureBuilder,
        reference: ReasonReference | None = None,
        floors: dict[str, int] | None = None,
    ) -> ReasonBook:
        """The book of a fitted builder: built-in families, then one per custom field.

        `floors`: per event type, the count from which the lead may have had more (the max_events its export's
        count columns were capped at in training): such a count reads '100 or more page views'.
        """
        features, families = builder.features, builder.families
        to_families = np.zeros((len(features), len(families)))
        for j, spec in enumerate(features):
            to_families[j, families.index(spec.family)] = 1.0
        renderers, givens, recoveries = dict(RENDERERS), dict(GIVEN), dict(RECOVERIES)
        if floors:
            renderers.update(event_renderers(floors))
        if builder.windows:  # events outside their intent window read as history, as the model counts them
            renderers.update(windowed_renderers(builder.windows, floors))
        renderers["company_size"] = size_renderer(builder.employees_target)
        if reference is not None:  # a size outside the range is For only with training behind it (sides)
            renderers["company_size"] = backed_size_renderer(renderers["company_size"], reference)
        recoveries["company_size"] = size_recovery(builder.employees_target)
        if reference is not None:
            varied = {f.name: f.varied() for f in reference.features}
            recoveries["email_domain"] = email_recovery(varied["email_matches_website"])
            told = form_fields_told(varied.__getitem__)
            renderers["data_quality"] = data_quality_renderer(told)
            givens["data_quality"] = form_given(told)
            recoveries["data_quality"] = data_quality_recovery(told)
        names, levels = builder.feature_names, getattr(builder, "vocabularies_", {})
        renderers["channel"] = channel_renderer(len(levels.get("channel", ())) > 1)  # beyond "(other)"
        for field in builder.custom_fields:
            column = names.index(field.feature)
            renderers[field.feature] = custom_renderer(field, column)
            givens[field.feature] = custom_given(field)
            recoveries[field.feature] = custom_recovery(
                field, reference, column, builder.level_names(field.feature)
            )
        if reference is not None:
            recoveries.update(count_recoveries(builder, reference, recoveries))
            inquiry = names.index("inquiry_type")
            better = levels_above(reference, inquiry, levels.get("inquiry_type", ()))
            recoveries["inquiry"] = inquiry_recovery(better, inquiry)
        words = dict(_COUNT_WORDS)
        for event, days in builder.windows:  # the model's count is of the events inside the window
            if f"n_{event}" in words:
                words[f"n_{event}"] += f" in the last {days:g} days"
        # "Typically have N or more" says more would help: true of a count (an integer, unless declared
        # decreasing) and of an amount only when its direction is declared increasing; an amount, a rate or a
        # score without one can help some leads and hurt others (a price), and no comparison is made.
        words.update({f.feature: "" for f in builder.custom_fields if more_helps(f)})
        return cls(
            families,
            to_families,
            tuple(renderers[family] for family in families),
            tuple(givens.get(family) for family in families),
            tuple(recoveries[family] for family in families),
            reference,
            tuple(words.get(name) for name in builder.feature_names),
            tuple(j for j, spec in enumerate(features) if spec.categorical),
        )

    def below_average(self, matrix: np.ndarray) -> np.ndarray | None:
        """(n, features) True where a value lies in a range converting clearly below average; None: no statistics."""
        return None if self.reference is None else self.reference.below_average(matrix)

    def sides(
        self, below: np.ndarray | None, contributions: np.ndarray, matrix: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(against, for) masks from `below_average`, (None, None) for a model without statistics.

        Against: most of the family's negative pull comes from values in ranges converting clearly below
        average. For: most of its positive pull comes neither from such values nor from a pooled level, nor
        from a category level that did not convert clearly above average, and a company size outside the
        target range converted clearly above average (reasons_size).
        """
        if below is None:
            return None, None
        unproven = unbacked(below, matrix, self.categorical, self.reference)
        # Columns sorted by family once, then summed in runs: a BLAS matmul costs 5x more on a busy 2-core
        # machine, and sorting each product again cost as much as the sums.
        order, starts = self._family_runs
        features, below, unproven = contributions[:, order], below[:, order], unproven[:, order]
        negative, positive = np.minimum(features, 0.0), np.maximum(features, 0.0)

        def by_family(values: np.ndarray) -> np.ndarray:
            return np.add.reduceat(values, starts, axis=1)

        negative_from_below = by_family(negative * below)
        against = (negative_from_below < 0) & (negative_from_below <= MAJORITY * by_family(negative))
        for_ = by_family(positive * unproven) < MAJORITY * by_family(positive)
        if matrix is not None and self.reference is not None and "company_size" in self.families:
            for_[:, self.families.index("company_size")] &= size_for_backed(self.reference, matrix)
        return against, for_

    @cached_property
    def _family_runs(self) -> tuple[np.ndarray, np.ndarray]:
        # The feature columns in family order (a permutation of them all), and where each family's run starts.
        family_of = self.to_families.argmax(axis=1)
        order = np.argsort(family_of, kind="stable")
        return order, np.flatnonzero(np.r_[True, np.diff(family_of[order]) != 0])

    def comparisons(
        self, below: np.ndarray | None, matrix: np.ndarray, contributions: np.ndarray
    ) -> np.ndarray | None:
        """(n, families) the count column a negative reason compares with converting leads, or -1."""
        if below is None:
            return None
        n = len(matrix)
        result = np.full((n, len(self.families)), -1, dtype=np.int64)
        medians, comparable_families = self._comparable
        if not comparable_families:
            return result
        usable = below & (matrix < medians)  # NaN medians compare False
        rows = np.arange(n)
        for f, columns in comparable_families:
            # The column pulling the lead down most is the one the comparison speaks of.
            strongest = columns[np.argmin(contributions[:, columns], axis=1)]
            result[:, f] = np.where(usable[rows, strongest], strongest, -1)
        return result

    @cached_property
    def _comparable(self) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
        # The converting leads' medians by column, and the families having one: fixed per model, so once.
        medians = np.array(
            [
                np.nan if word is None else (self.reference.typical_of_converting(j) or np.nan)
                for j, word in enumerate(self.comparable)
            ]
        )
        families = []
        for f in range(len(self.families)):
            columns = np.flatnonzero(self.to_families[:, f])
            if not np.isnan(medians[columns]).all():
                families.append((f, columns))
        return medians, families

    def comparison_text(self, column: int) -> str:
        """' — half of the leads that became SQLs had 6 or more page views' from the stored median."""
        median = self.reference.typical_of_converting(column)
        shown = number_text(median)
        words = self.comparable[column]
        # Said as the median it is: the recovery beside it names the count from which no higher one converts
        # below average ("4 or more page views (3 more) lifts this"), another number, and "typically have 3"
        # read to reps as a second, contradicting bar.
        return f" — half of the leads that became SQLs had {shown} or more{' ' + words if words else ''}"

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
        index: int,
        picked: list[tuple[int, float, float, int]],
        negative: bool,
    ) -> list[Reason]:
        """One lead's picked families as Reasons.

        `picked`: (family, contribution rounded, points, comparison column or -1) per pick, as plain Python
        values (Decisions converts them once a batch: reading numpy arrays a value at a time is slow).
        """
        reasons = []
        for family_index, contribution, strength, column in picked:
            text = self.renderers[family_index](derived, matrix, index, negative)
            if negative and column >= 0:
                text += self._comparison_words(column)
            recovery = self.recoveries[family_index](derived, matrix, index) if negative else None
            reasons.append(Reason(self.families[family_index], text, contribution, strength, recovery))
        return reasons

    def _comparison_words(self, column: int) -> str:
        # The same few columns recur lead after lead; the words of each are fixed per model.
        words = self._comparison_texts.get(column)
        if words is None:
            words = self._comparison_texts[column] = self.comparison_text(column)
        return words

    @cached_property
    def _comparison_texts(self) -> dict[int, str]:
        return {}
