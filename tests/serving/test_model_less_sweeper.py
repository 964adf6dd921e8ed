"""The service decides again, by itself and once, the leads it stored without a model when its champion loads
after an outage; on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import time

from tests.serving.conftest import sales_view
from tests.serving.test_champion_unloaded import closed_registry
from tests.serving.test_model_less import _stored_during_an_outage


def _until(done, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_once_the_registry_answers_again_the_model_less_leads_are_decided_again_once(client, caplog):
    from leadgate.serving.model_holder import ModelHolder
    from leadgate.serving.model_less_sweeper import ModelLessSweeper

    _stored_during_an_outage(client)
    state = client.app.state
    working = state.settings
    holder = ModelHolder(working.model_copy(update={"mlflow_tracking_uri": closed_registry()}))
    holder.refresh()
    assert holder.current().load_failed
    sweeper = ModelLessSweeper(
        0.05, holder=holder, store=state.store, screening=state.screening, metrics=state.metrics
    )
    with caplog.at_level(logging.INFO, logger="leadgate.serving.model_less_sweeper"):
        sweeper.start()
        try:
            time.sleep(0.5)  # ten looks while the champion does not load: nothing is decided
            assert (sweeper.decided, sweeper.done) == (0, False)
            assert [h["trigger"] for h in sales_view(client, "ceo-0")["history"]] == ["created"]
            holder.settings = working  # the registry answers again: the next poll loads the champion
            holder.refresh()
            assert holder.current().loaded is not None
            _until(lambda: sweeper.done, 60)
        finally:
            sweeper.stop()
    assert (sweeper.done, sweeper.decided, sweeper.failures) == (True, 5, 0)
    assert "5 stored leads decided without a model decided again, by champion" in caplog.text
    assert "verify → sales_ready 3" in caplog.text
    rep = sales_view(client, "ceo-0")
    assert (rep["route"], [h["trigger"] for h in rep["history"]]) == (
        "sales_ready",
        ["created", "model_loaded"],
    )
    counted = state.metrics.registry.get_sample_value(
        "leadgate_decisions_total", {"route": "sales_ready", "trigger": "model_loaded"}
    )
    assert counted == 3  # the automatic routes (rival-1's override is applied after)
    assert sweeper.run_once() is None  # once per process: its champion, once loaded, stays loaded


def test_a_service_whose_champion_serves_at_start_finds_what_an_earlier_one_stored_without_it(client):
    from leadgate.serving.model_less import model_less_routes

    _stored_during_an_outage(client)
    sweeper = client.app.state.model_less  # built by the service, not started (poll=False)
    assert sweeper.run_once() == 5 and sweeper.done
    assert model_less_routes(client.app.state.store.engine) == {}
