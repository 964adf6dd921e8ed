"""Behaviour of the trained pipeline: invariance, direction and minimum functionality (Made-With-ML style)."""

from datetime import timedelta

import numpy as np
import pytest

from leadgate.features.schema import Lead
from tests.factories import events, make_lead


def _shift(lead: Lead, days: float) -> Lead:
    """The same lead with creation and every event moved `days` earlier; the decision time unchanged."""
    delta = timedelta(days=days)
    # Only activity known at the decision time moves; later events must not slide into the window.
    moved = [e.model_copy(update={"at": e.at - delta}) for e in lead.events if e.at <= lead.scored_at]
    return lead.model_copy(update={"created_at": lead.created_at - delta, "events": moved})


def _with_demo_requests(lead: Lead, count: int) -> Lead:
    at = lead.scored_at - timedelta(hours=1)
    extra = [{"type": "demo_request", "at": at.isoformat()} for _ in range(count)]
    return Lead.model_validate(
        {**lead.model_dump(mode="json"), "events": [*lead.model_dump(mode="json")["events"], *extra]}
    )


def _test_leads(history, trained, n=300):
    rows = np.flatnonzero(trained.split.test)[:n]
    return [history.leads[i] for i in rows]


def test_a_competitor_never_reaches_sales_whatever_its_activity(pipeline):
    burst = [("demo_request", "2026-11-02T10:00:00Z")] * 5 + [("meeting_booked", "2026-11-02T11:00:00Z")] * 3
    burst += [("email_reply", "2026-11-02T12:00:00Z")] * 5 + [("pricing_page", "2026-11-02T13:00:00Z")] * 10
    for email in ("cto@pipelineiq.com", "ceo@rivalscore.io"):
        record = pipeline.decide_one(
            make_lead(contact={"email": email, "job_title": "CEO"}, events=events(*burst))
        )
        assert record.route == "silent_reject"
        assert record.gates[0].code == "competitor_domain"


def test_more_demo_requests_never_lower_the_score(pipeline, history, trained):
    leads = _test_leads(history, trained, n=150)
    previous = pipeline.decide(leads).p_sql
    for count in (1, 2, 3, 5):
        current = pipeline.decide([_with_demo_requests(lead, count) for lead in leads]).p_sql
        assert np.all(current >= previous - 1e-12)
        previous = current


def test_the_same_lead_stale_scores_below_itself_fresh(pipeline, history, trained):
    leads = _test_leads(history, trained, n=200)
    fresh = pipeline.decide(leads).p_sql
    stale = pipeline.decide([_shift(lead, 150) for lead in leads]).p_sql
    assert np.all(stale <= fresh + 1e-12)
    assert stale.mean() < fresh.mean()
    active = make_lead(
        events=events(("demo_request", "2026-11-02T09:00:00Z"), ("pricing_page", "2026-11-02T09:05:00Z"))
    )
    assert pipeline.decide_one(_shift(active, 150)).p_sql < pipeline.decide_one(active).p_sql


def test_a_founder_on_gmail_who_visited_pricing_and_replied_goes_to_verify(pipeline):
    founder = make_lead(
        contact={
            "first_name": "Dana",
            "last_name": "Ruiz",
            "email": "dana.ruiz@gmail.com",
            "job_title": "Founder",
        },
        company={
            "name": "Ruiz Analytics",
            "website": "https://ruizanalytics.com",
            "employees": 60,
            "industry": None,
        },
        events=events(("pricing_page", "2026-11-01T10:00:00Z"), ("email_reply", "2026-11-02T10:00:00Z")),
    )
    record = pipeline.decide_one(founder)
    assert record.route == "verify"
    texts = [r.text for r in record.negative_reasons]
    assert "Personal email address (gmail.com)" in texts or any(
        g.code == "personal_email" for g in record.gates
    )


def test_gated_leads_still_get_model_reasons(pipeline):
    record = pipeline.decide_one(make_lead(company={"employees": 3}))
    assert record.route == "self_service" and record.gates[0].code == "below_size_floor"
    assert record.p_sql is not None and (record.negative_reasons or record.positive_reasons)


@pytest.mark.parametrize("n", [1, 7, 64, 500])
def test_batch_size_does_not_change_a_decision(pipeline, history, trained, n):
    leads = _test_leads(history, trained, n=n)
    batch = pipeline.decide(leads)
    one = pipeline.decide([leads[-1]])
    assert batch.route[-1] == one.route[0]
    assert batch.p_sql[-1] == pytest.approx(one.p_sql[0], abs=1e-12)
