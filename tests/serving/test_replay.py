"""Replaying leads as live traffic, on both stores: stored as the API stores them, once, with shadow scores."""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select


def test_replayed_leads_are_stored_once_as_of_their_arrival(registered_settings, store, history):
    from leadgate.serving.replay import replay
    from leadgate.serving.store_models import ShadowDecisionRow

    settings, _ = registered_settings
    leads = [history.leads[i] for i in np.flatnonzero(history.sql)[:30]] + history.leads[-30:]
    done = replay(settings, store.engine, leads)
    assert (done.stored, done.repeats) == (60, 0) and done.champion.startswith("leadgate/")
    rows = store.history(leads[0].lead_id)
    assert len(rows) == 1 and rows[0].route
    with store.sessions() as session:
        shadow = session.scalar(select(func.count()).select_from(ShadowDecisionRow))
    assert shadow == done.shadow == (60 if done.challenger else 0)
    again = replay(settings, store.engine, leads)
    assert (again.stored, again.repeats) == (0, 60)
    assert len(store.history(leads[0].lead_id)) == 1


def test_replayed_leads_go_through_the_service_s_intake_so_their_suppressions_are_stored(
    registered_settings, store, history
):
    # Walk X: the demo's month of live leads stored decisions but none of the suppressions their own
    # unsubscribes make, which the API stores; `suppressions show` then found nothing.
    from leadgate.serving.replay import replay
    from leadgate.serving.suppression_store import for_subjects

    settings, _ = registered_settings
    unsubscribed = [
        lead
        for lead in history.leads
        if lead.contact.email and any(event.type == "unsubscribe" for event in lead.events)
    ][:5]
    assert unsubscribed
    replay(settings, store.engine, unsubscribed)
    found = for_subjects(store.engine, [lead.contact.email.lower() for lead in unsubscribed])
    assert {s.contact for s in found} == {"marketing_email"} and len(found) >= 1
