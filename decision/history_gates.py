"""Gate checks that read what the decision store counted (HistoryFacts): they never fire without it."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np

from leadgate.decision.gates import _values, fact_check
from leadgate.decision.history_facts import HistoryFacts, HistoryRules
from leadgate.decision.policy import Policy
from leadgate.decision.profile_checks import _do_not_engage
from leadgate.features.derived import Derived


@fact_check("do_not_engage")
def _do_not_engage_in_store(d: Derived, facts: HistoryFacts, policy: Policy):
    # The policy's list, or the account marked do-not-engage in the store: either holds every contact.
    listed, value = _do_not_engage(d, policy)
    marked = facts.account_do_not_engage & ~listed
    return listed | marked, np.where(marked, facts.account_domain, value)


def _span(seconds: float) -> str:
    for unit, length in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= length and seconds % length == 0:
            count = int(seconds // length)
            return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
    return f"{seconds:g} seconds"


def _history(policy: Policy) -> HistoryRules:
    return policy.history or HistoryRules()


@fact_check("rapid_submissions")
def _rapid_submissions(d: Derived, facts: HistoryFacts, policy: Policy):
    rules = _history(policy)
    by_ip = facts.ip_submissions >= rules.submissions_per_ip
    by_email = facts.email_submissions >= rules.submissions_per_email
    ip_words = [
        f"{n} from IP {ip} within {_span(rules.ip_window_seconds)}"
        for n, ip in zip(facts.ip_submissions.tolist(), d.table.text["ip"], strict=True)
    ]
    email_words = [
        f"{n} from this email within {_span(rules.email_window_seconds)}"
        for n in facts.email_submissions.tolist()
    ]
    return _values(by_ip | by_email, np.where(by_ip, ip_words, email_words))


@fact_check("recently_rejected_account")
def _recently_rejected(d: Derived, facts: HistoryFacts, policy: Policy):
    window = _history(policy).bad_fit_days
    with np.errstate(invalid="ignore"):
        age = d.table.numbers["scored_days"] - facts.bad_fit_rejected_days
        mask = (age >= 0) & (age <= window)
    words = np.full(len(mask), "", dtype=object)
    until = np.full(len(mask), None, dtype=object)
    for i in np.flatnonzero(mask).tolist():
        days = float(facts.bad_fit_rejected_days[i])
        # A rejection sent without its time holds from when leadgate recorded it: never said to be that day's.
        when = "on" if facts.bad_fit_dated[i] else "recorded"
        words[i] = f"{facts.account_domain[i]}, {facts.bad_fit_reason[i]} {when} {_day(days)}"
        # The first whole day past the window: the gate no longer fires on a decision from then on.
        until[i] = {"until": f"from {_day(math.floor(days + window) + 1)} on"}
    return mask, words, until


def _day(epoch_days: float) -> str:
    return f"{datetime.fromtimestamp(epoch_days * 86_400, UTC):%Y-%m-%d}"


@fact_check("churned_non_payment")
def _churned(d: Derived, facts: HistoryFacts, policy: Policy):
    return _values(facts.churned_non_payment, facts.account_domain)


@fact_check("open_escalation")
def _open_escalation(d: Derived, facts: HistoryFacts, policy: Policy):
    return _values(facts.open_escalation, facts.account_domain)
