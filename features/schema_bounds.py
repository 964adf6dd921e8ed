"""Upper bounds on a lead's amounts: past any real value, a number is a typo or another unit, refused by name."""

from __future__ import annotations

from pydantic import AfterValidator, ValidationInfo

from leadgate.features.schema_types import from_store, number_shown

# Above any company's revenue (the largest are under 1e12 USD a year): a larger value is a typo or another
# currency's amount, and a reason would print all its digits ("Annual revenue USD 1,000,…").
MAX_ANNUAL_REVENUE = 10**13
# No lead costs a billion dollars to acquire, and no one spends a year on a form: larger values are typos
# or another unit (milliseconds), and the channel and data-quality reasons would print them.
MAX_LEAD_COST = 10**9
MAX_SECONDS_ON_FORM = 365 * 24 * 3600


def at_most(limit: int, unit: str) -> AfterValidator:
    """A number bounded above, refused naming the bound; a lead read back from the store keeps its value."""

    def check(value: float | None, info: ValidationInfo) -> float | None:
        # A lead stored before the bound is still decided again: the rule judges what arrives.
        if value is not None and value > limit and not from_store(info):
            raise ValueError(f"expected 0 to {limit:,} {unit}, got {number_shown(value)}")
        return value

    return AfterValidator(check)


# A company's annual revenue in USD, bounded above as employees are (below: the field's ge=0).
AnnualRevenue = at_most(MAX_ANNUAL_REVENUE, "USD a year")
LeadCost = at_most(MAX_LEAD_COST, "USD")
SecondsOnForm = at_most(MAX_SECONDS_ON_FORM, "seconds")
