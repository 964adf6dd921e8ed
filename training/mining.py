"""Candidate signals mined from 'not a fit' rejections: lead attributes over-represented among them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from leadgate.decision.custom_words import level_shown
from leadgate.decision.size_words import size_bands
from leadgate.features.custom import CustomField
from leadgate.features.derived import Derived
from leadgate.training.history import History, local


@dataclass(frozen=True)
class MiningParams:
    """Which rejections count as 'not a fit' and how strongly a value must stand out among them."""

    fit_reason_pattern: str = r"not.?a.?fit|unsupported|no.?authority|student|job.?seeker"
    mine_fraction: float = 0.5  # oldest share of leads the signals are mined on; evidence uses the rest
    min_count: int = 20  # fit-rejected leads with the value, at least
    min_over_representation: float = 2.0  # share among fit rejections / share among SQLs, at least
    max_signals: int = 15

    def matches(self, reason: str) -> bool:
        """Is a standardized rejection reason a 'not a fit' kind of reason."""
        return bool(reason) and re.search(self.fit_reason_pattern, reason, re.IGNORECASE) is not None


# Custom fields whose values are levels a person can name; numbers would need bands to be one.
MINED_CUSTOM_TYPES = ("category", "flag")


def lead_attributes(derived: Derived, custom_fields: tuple[CustomField, ...] = ()) -> dict[str, np.ndarray]:
    """Categorical attributes of each lead, as the signals and features already parse them, then the CRM's own
    category and flag fields by their labels (a CRM's own picklists are often where 'not a fit' shows)."""
    text = derived.table.text

    def column(values) -> np.ndarray:
        return np.array([v or "(missing)" for v in values], dtype=object)

    def custom(field: CustomField) -> np.ndarray:
        values = (lead.get(field.name) for lead in derived.table.custom)
        if field.type == "flag":
            return column({True: "yes", False: "no"}.get(v) for v in values)
        # A category read by its prefix is mined as the model reads it: '80…', the postal codes starting 80.
        return column(None if v is None else level_shown(field, field.level(v)) for v in values)

    own = {field.label: custom(field) for field in custom_fields if field.type in MINED_CUSTOM_TYPES}
    built_in = {
        "industry": column(derived.industry),
        "country": column(derived.country),
        "company type": column(derived.company_type),
        "crm": column(derived.crm),
        "seniority": column(derived.seniority),
        "function": column(derived.function),
        "email domain": column(derived.domain_class),
        # As the reasons word a size: a band as the lead gave it ('1–10 employees'), not its middle's bin.
        "company size": size_bands(
            derived.table.numbers["employees_low"], derived.table.numbers["employees_high"]
        ),
        "channel": column(v.strip().lower() for v in text["channel"]),
        "inquiry": column(text["inquiry_type"]),
    }
    # A label that is also a built-in attribute's name ("industry") is told apart, not written over.
    return built_in | {label if label not in built_in else f"{label} (custom)": v for label, v in own.items()}


def mine_fit_signals(
    history: History, derived: Derived, among: np.ndarray, params: MiningParams
) -> tuple[dict[str, np.ndarray], np.ndarray, str]:
    """Signals mined among the `among` leads (masks over all), the newer leads to judge them on, a note."""
    n = len(history.leads)
    # Mining and judging on the same leads would pick the flukes that look strongest: judge on newer leads.
    cut = int(n * params.mine_fraction)
    mine, holdout = np.arange(n) < cut, np.arange(n) >= cut
    sql = history.sql.astype(bool)
    fit_rejected = np.array([params.matches(r) for r in history.rejection_reason], dtype=bool) & ~sql
    rejected, converted = fit_rejected & mine & among, sql & mine & among
    n_rejected, n_converted = int(rejected.sum()), int(converted.sum())
    if n_rejected == 0 or n_converted == 0 or not holdout.any():
        return (
            {},
            holdout,
            (
                f"Nothing mined: the oldest {params.mine_fraction:.0%} of leads hold {n_rejected} rejections "
                f"matching /{params.fit_reason_pattern}/ and {n_converted} SQLs."
            ),
        )
    found = []
    attributes = lead_attributes(derived, history.custom_fields)
    for attribute, values in attributes.items():
        among_rejected, among_converted = Counter(values[rejected]), Counter(values[converted])
        for value, k in among_rejected.items():
            # Half a lead added to each side keeps a value never seen among SQLs from an infinite ratio.
            over = ((k + 0.5) / (n_rejected + 1)) / ((among_converted[value] + 0.5) / (n_converted + 1))
            if k >= params.min_count and over >= params.min_over_representation:
                found.append((over, k, attribute, value))
    found.sort(key=lambda item: (-item[0], -item[1]))
    mined = {
        f"{attribute} = {value}": attributes[attribute] == value
        for _, _, attribute, value in found[: params.max_signals]
    }
    # Without dates creation times are the row order's stand-ins (2000-01-01 on): the order is all to name.
    if history.ordered:
        start = local(history.leads[cut].created_at, history.zone).date() if cut < n else None
        where = f"the oldest {params.mine_fraction:.0%} of leads", f"leads from {start} on"
    else:
        where = (
            f"the first {params.mine_fraction:.0%} of rows (the export has no dates)",
            "leads of the later rows",
        )
    note = (
        f"Not-a-fit signals: attribute values at least {params.min_over_representation:g}x as common among "
        f"{n_rejected:,} ungated rejections matching /{params.fit_reason_pattern}/ as among {n_converted:,} SQLs "
        f"(min {params.min_count} rejections), mined on {where[0]} and measured only on the "
        f"{int(holdout.sum()):,} {where[1]}."
    )
    return mined, holdout, note
