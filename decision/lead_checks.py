"""Gate checks of what a lead says about itself: its role, form answers, self-description, message and network.

Registered in gates.CHECKS when leadgate.decision.gates is imported; each returns, per lead, whether it fires
and the lead's own value that made it fire.
"""

from __future__ import annotations

import numpy as np

from leadgate.decision.count_words import company_size
from leadgate.decision.gates import _sparse, _text, _values, check
from leadgate.decision.lead_rules import ConsistencyRules, RoleRules, TechnologyRules
from leadgate.decision.policy import Policy
from leadgate.decision.profile_checks import placeholder_domain
from leadgate.features import claims
from leadgate.features.derived import Derived


@check("government_rfp")
def _government_rfp(d: Derived, policy: Policy):
    excluded = set(policy.firmographics.rfp_excluded_company_types or [])
    by_domain = "government" in excluded
    rfp_form = np.array(d.table.text["inquiry_type"], dtype=object) == "rfp"
    # Only a lead asking for a tender can fire: the kind of organisation is looked up for those alone.
    kind = np.full(d.table.n, "", dtype=object)
    for i in np.flatnonzero(rfp_form | d.mentions_tender).tolist():
        if d.company_type[i] in excluded:
            kind[i] = d.company_type[i]
        elif by_domain and claims.is_government_domain(d.email_domain[i]):
            kind[i] = "government"
    mask = kind != ""
    return _sparse(
        mask, lambda i: f"{kind[i]}, {'inquiry type rfp' if rfp_form[i] else 'a tender in the message'}"
    )


@check("junior_for_high_value", reads=("seniority",))
def _junior_for_high_value(d: Derived, policy: Policy):
    junior = d.seniority == "junior"
    if not junior.any():
        return _values(junior, d.seniority)
    roles = policy.roles or RoleRules()
    products = tuple(claims.normalized(p) for p in roles.high_value_products)
    inquiries = {i.value for i in roles.high_value_inquiries}
    product = _text(d, "product")
    inquiry = _text(d, "inquiry_type")
    # Only junior leads' answers are read: the others cannot fire.
    asked = np.array(
        [
            (p if claims.normalized(p) in products else i if i in inquiries else "") if j else ""
            for j, p, i in zip(junior.tolist(), product, inquiry, strict=True)
        ],
        dtype=object,
    )
    mask = junior & (asked != "")
    title = _text(d, "job_title")
    return _values(mask, [f"{t} asking about {a}" if a else "" for t, a in zip(title, asked, strict=True)])


@check("generic_role", reads=("seniority", "function"))
def _generic_role(d: Derived, policy: Policy):
    return _values(d.is_generic_role, _text(d, "job_title"))


def _with_crm(stack: list[str], crm: str) -> list[str]:
    """The stack and the CRM given with the company, the CRM once ('HubSpot' and 'hubspot' are one system)."""
    named = {claims.normalized(item) for item in stack}
    return stack + ([crm] if crm and claims.normalized(crm) not in named else [])


def _stack_gap(stack: list[str], needs: dict[str, tuple[str, ...]]) -> str:
    for need, systems in needs.items():
        if not any(claims.matches_any(item, systems) for item in stack):
            return f"no {need} we integrate with in {', '.join(stack)}"
    return ""


@check("missing_integration")
def _missing_integration(d: Derived, policy: Policy):
    stacks = _text(d, "stack")
    if not any(stacks):  # the common case: nobody answered the stack question
        return _values(np.zeros(len(stacks), dtype=bool), stacks)
    technology = policy.technology or TechnologyRules()
    needs = {
        need: tuple(claims.normalized(s) for s in systems)
        for need, systems in technology.required_integrations.items()
    }
    gaps = [
        # The CRM given with the company is part of the stack; only a lead that answered the stack question fires.
        _stack_gap(_with_crm(claims.listed(stack), crm), needs) if stack and needs else ""
        for stack, crm in zip(stacks, _text(d, "crm"), strict=True)
    ]
    gaps = np.array(gaps, dtype=object)
    return _values(gaps != "", gaps)


@check("deployment_mismatch")
def _deployment_mismatch(d: Derived, policy: Policy):
    unsupported = {str(x) for x in (policy.technology or TechnologyRules()).unsupported_deployments}
    deployment = _text(d, "deployment")
    return _values(np.array([x in unsupported for x in deployment], dtype=bool), deployment)


@check("unmet_compliance")
def _unmet_compliance(d: Derived, policy: Policy):
    answers = _text(d, "compliance")
    if not any(answers):
        return _values(np.zeros(len(answers), dtype=bool), answers)
    unmet = tuple(claims.normalized(c) for c in (policy.technology or TechnologyRules()).unmet_compliance)
    found = np.array(
        [", ".join(c for c in claims.listed(answer) if claims.matches_any(c, unmet)) for answer in answers],
        dtype=object,
    )
    return _values(found != "", found)


@check("competitor_network")
def _competitor_network(d: Derived, policy: Policy):
    networks = policy.competitor_networks
    ips = d.table.text["ip"]
    hit = claims.networks_of(ips, networks) if networks else [""] * len(ips)
    # Worded only where an address is in a network: most leads' are in none.
    words = [f"{ip} in {n}" if n else "" for ip, n in zip(ips, hit, strict=True)]
    return _values(np.array(hit, dtype=object) != "", words)


def _contradiction(
    title: str, solo: bool, low: float, high: float, revenue: float, rules: ConsistencyRules
) -> str:
    # A size band contradicts only with all of it: its fewest employees, and its fewest for revenue per head.
    if solo and low > rules.solo_max_employees:
        return f"{title} at {company_size(low, high)}"
    # Only the low side: a few people with a large revenue is a reseller or a holding, not a contradiction.
    if low > 0 and revenue > 0 and revenue / low < rules.min_revenue_per_employee:
        return f"USD {revenue:,.0f} annual revenue at {company_size(low, high)}"
    return ""


@check("inconsistent_self_description")
def _inconsistent(d: Derived, policy: Policy):
    rules = policy.consistency or ConsistencyRules()
    numbers = d.table.numbers
    # NaN (not given) compares False everywhere: a missing size or revenue contradicts nothing.
    found = np.array(
        [
            _contradiction(t, s, low, high, r, rules)
            for t, s, low, high, r in zip(
                _text(d, "job_title"),
                d.is_solo_title.tolist(),
                numbers["employees_low"].tolist(),
                numbers["employees_high"].tolist(),
                numbers["annual_revenue"].tolist(),
                strict=True,
            )
        ],
        dtype=object,
    )
    return _values(found != "", found)


@check("threat_or_harassment")
def _threat(d: Derived, policy: Policy):
    return _values(d.message_threat != "", d.message_threat)


@check("phishing_request")
def _phishing(d: Derived, policy: Policy):
    return _values(d.message_phishing != "", d.message_phishing)


@check("rfp_mining")
def _rfp_mining(d: Derived, policy: Policy):
    return _values(d.message_rfp_mining != "", d.message_rfp_mining)


@check("placeholder_email", reads=("email_domain",))
def _placeholder_email(d: Derived, policy: Policy):
    return _values(placeholder_domain(d), d.email_domain)
