"""What would change a gate's decision, for sales: the policy's recovery text with its numbers, and lift words."""

from __future__ import annotations

from collections.abc import Callable

from leadgate.decision.count_words import headcount, listed
from leadgate.decision.history_facts import HistoryRules
from leadgate.decision.policy import Lift, Policy
from leadgate.decision.policy_gates import GateSpec

_EVENT_WORDS = {
    "demo_request": "demo request",
    "meeting_booked": "booked meeting",
    "email_reply": "reply to our emails",
    "pricing_page": "pricing page visit",
    "content_download": "content download",
    "webinar_attended": "webinar attendance",
}


def lift_words(lift: Lift) -> str:
    """'a new demo request, booked meeting or reply to our emails (within 14 days) lifts this to verify'."""
    events = [_EVENT_WORDS.get(event.value, event.value.replace("_", " ")) for event in lift.events]
    days = f"{lift.within_days:g} day{'' if lift.within_days == 1 else 's'}"
    return f"a new {listed(events)} (within {days}) lifts this to {lift.route.value}"


def _months(months: float) -> str:
    return f"{months:g} month{'' if months == 1 else 's'}"


# The policy's own numbers a gate's recovery may name, by check: "{floor}" reads "10 employees". Filled from
# the policy in force, so a recovery never quotes a threshold the policy no longer has.
POLICY_WORDS: dict[str, dict[str, Callable[[Policy], str]]] = {
    "below_size_floor": {"floor": lambda policy: headcount(policy.firmographics.employees_floor)},
    "recently_rejected_account": {
        "window": lambda policy: _months((policy.history or HistoryRules()).bad_fit_months)
    },
}
# The lead's own facts a gate's recovery may name, by check: its check gives them per lead (decision.gates).
LEAD_WORDS: dict[str, tuple[str, ...]] = {"recently_rejected_account": ("until",)}


# Every placeholder some check fills, for the policy check's warning about one its gate's check does not.
FILLED = frozenset(name for words in POLICY_WORDS.values() for name in words) | frozenset(
    name for names in LEAD_WORDS.values() for name in names
)


def recovery_fields(check: str) -> tuple[str, ...]:
    """The placeholders a gate running this check may use in its recovery."""
    return tuple(POLICY_WORDS.get(check, ())) + LEAD_WORDS.get(check, ())


class _Kept(dict):
    # Formatting in two steps (the policy's words once per batch, the lead's per lead) keeps later fields.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def gate_recovery(gate: GateSpec, policy: Policy) -> str | None:
    """The gate's own recovery with the policy's numbers, then for a liftable gate what lifts it; None: nothing does.

    Placeholders of the lead's own facts ({until}) are left for `lead_recovery`.
    """
    parts = []
    if gate.recovery:
        words = {name: word(policy) for name, word in POLICY_WORDS.get(gate.check, {}).items()}
        parts.append(gate.recovery.format_map(_Kept(words)) if words else gate.recovery)
    if gate.liftable:
        parts.append(lift_words(policy.lift))
    return "; ".join(parts) or None


def lead_recovery(recovery: str, words: dict[str, str] | None) -> str:
    """A gate's recovery with the lead's own facts filled in (`words` from its check)."""
    return recovery.format_map(_Kept(words)) if words else recovery


def still_held(codes: list[str]) -> str:
    """' (competitor_domain still holds this lead)': what a lift cannot change, after a lift's promise."""
    return f" ({listed(codes, 'and')} still {'holds' if len(codes) == 1 else 'hold'} this lead)"
