"""Abuse limits on a real store (SQLite and PostgreSQL): 429 with Retry-After, nothing stored, counted."""

import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from tests.factories import lead_dict
from tests.serving.conftest import auth

# Only the limit a test is about is on; the others are off so they cannot be what answered.
ALL_OFF = {
    "rate_limit_per_key": "off",
    "rate_limit_per_ip": "off",
    "rate_limit_failed_auth": "off",
    "rate_limit_events_per_lead": "off",
}
WRONG = {"Authorization": "Bearer not-a-key"}


@pytest.fixture
def limited(service_settings, store):
    """`with limited(**settings) as client`: the service on the test store, called from 198.51.100.1."""
    from leadgate.serving.app import create_app

    @contextmanager
    def start(**limits):
        settings = service_settings.model_copy(update={**ALL_OFF, **limits})
        with client_at(create_app(settings, store=store, poll=False), "198.51.100.1") as client:
            clear_of_window_edges(settings)  # start-up ran, the model is loaded
            yield client

    return start


def clear_of_window_edges(settings) -> None:
    """Wait out the end of a counting window when it is close, so a test's burst falls in one window.

    Rates are sliding-window counters: a burst split by a window's end counts the earlier part weighted,
    which lets one request more through than a test of the exact limit expects.
    """
    from limits import parse

    for value in (settings.rate_limit_per_key, settings.rate_limit_per_ip, settings.rate_limit_failed_auth):
        if value != "off":
            window = parse(value).get_expiry()
            left = window - time.time() % window
            if left < min(5, window / 2):
                time.sleep(left + 0.01)


def client_at(app, address: str):
    """A test client whose requests come from `address` (not entered: the app is started once)."""
    from fastapi.testclient import TestClient

    return TestClient(app, client=(address, 50000))


def post_lead(client, lead_id: str, role: str = "intake", **headers):
    return client.post("/v1/leads", json=lead_dict(lead_id=lead_id), headers={**auth(role), **headers})


def post_events(client, lead_id: str, minute: int):
    at = (datetime.now(UTC) - timedelta(hours=1) + timedelta(minutes=minute)).isoformat()
    body = {"events": [{"type": "page_view", "at": at}]}
    return client.post(f"/v1/leads/{lead_id}/events", json=body, headers=auth("intake"))


def limited_count(client, kind: str, key: str = "-") -> float:
    """The leadgate_rate_limited_total sample of one kind (0 when absent)."""
    text = client.get("/metrics").text
    prefix = f'leadgate_rate_limited_total{{key="{key}",kind="{kind}"}} '
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    return float(lines[0].removeprefix(prefix)) if lines else 0.0


def assert_refused(response, *words: str, most: int = 60):
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["Retry-After"]) <= most
    detail = response.json()["detail"]
    for word in words:
        assert word in detail, detail


def test_a_key_past_its_limit_gets_429_and_nothing_is_stored_while_other_keys_go_on(limited, store):
    with limited(rate_limit_per_key="3/minute") as client:
        assert [post_lead(client, f"k-{i}").status_code for i in range(3)] == [201] * 3
        refused = post_lead(client, "k-3")
        assert_refused(refused, "3 per minute", "'test-intake'")
        assert store.lead("k-3") is None and store.history("k-3") == []
        assert post_lead(client, "k-4", role="admin").status_code == 201  # another key: its own count
        # Events are intake too: the same key's budget is spent.
        assert_refused(post_events(client, "k-0", 0), "'test-intake'")
        assert len(store.history("k-0")) == 1
        assert limited_count(client, "key", "test-intake") == 2


def test_retry_after_is_honest_the_key_passes_again_once_it_is_waited(limited):
    with limited(rate_limit_per_key="2/second") as client:
        assert [post_lead(client, f"wait-{i}").status_code for i in range(2)] == [201, 201]
        refused = post_lead(client, "wait-2")
        assert_refused(refused, "2 per second", most=1)
        time.sleep(int(refused.headers["Retry-After"]) + 0.05)
        assert post_lead(client, "wait-2").status_code == 201


def test_an_address_past_its_limit_gets_429_and_other_addresses_go_on(limited, store):
    with limited(rate_limit_per_ip="2/minute") as client:
        first, second = client, client_at(client.app, "203.0.113.9")
        assert [post_lead(first, f"ip-{i}").status_code for i in range(2)] == [201] * 2
        # Counted before the key is looked at: a flood is refused whichever key it carries.
        assert_refused(post_lead(first, "ip-2", role="admin"), "2 per minute", "client address")
        assert store.lead("ip-2") is None
        assert post_lead(second, "ip-3").status_code == 201
        # Reads are not intake: sales is never limited by its address's intake.
        assert first.get("/v1/leads", headers=auth("sales")).status_code == 200
        assert limited_count(first, "ip") == 1


def test_forwarded_for_counts_only_behind_a_trusted_proxy(limited):
    with limited(rate_limit_per_ip="1/minute", forwarded_allow_ips="10.0.0.0/8") as client:
        proxy, direct = client_at(client.app, "10.1.2.3"), client_at(client.app, "192.0.2.50")
        # Behind the proxy each client is its own address; a forged left part is not believed.
        forged = {"X-Forwarded-For": "1.1.1.1, 198.51.100.20"}
        assert post_lead(proxy, "xff-1", **forged).status_code == 201
        assert post_lead(proxy, "xff-2", **{"X-Forwarded-For": "198.51.100.21"}).status_code == 201
        assert_refused(post_lead(proxy, "xff-3", **{"X-Forwarded-For": "2.2.2.2, 198.51.100.20"}))
        # From an untrusted peer the header is ignored: the peer itself is counted.
        assert post_lead(direct, "xff-4", **{"X-Forwarded-For": "198.51.100.30"}).status_code == 201
        assert_refused(post_lead(direct, "xff-5", **{"X-Forwarded-For": "198.51.100.31"}))


def test_without_proxy_headers_a_trusted_peer_is_counted_itself(limited):
    with limited(
        rate_limit_per_ip="1/minute", forwarded_allow_ips="10.0.0.0/8", proxy_headers=False
    ) as client:
        proxy = client_at(client.app, "10.1.2.3")
        assert post_lead(proxy, "nph-1", **{"X-Forwarded-For": "198.51.100.40"}).status_code == 201
        assert_refused(post_lead(proxy, "nph-2", **{"X-Forwarded-For": "198.51.100.41"}))


def test_an_ipv6_client_counts_as_its_64(limited):
    with limited(rate_limit_per_ip="1/minute") as client:
        one, same_64 = client_at(client.app, "2001:db8:1:2::a"), client_at(client.app, "2001:db8:1:2:ffff::b")
        assert post_lead(one, "v6-1").status_code == 201
        assert_refused(post_lead(same_64, "v6-2"))
        assert post_lead(client_at(client.app, "2001:db8:1:3::a"), "v6-3").status_code == 201


def test_failed_authentications_past_the_limit_get_429_but_a_valid_key_still_passes(limited, store):
    with limited(rate_limit_failed_auth="3/minute") as client:
        guesser, other = client, client_at(client.app, "203.0.113.5")
        codes = [guesser.post("/v1/leads", json=lead_dict(lead_id="fa"), headers=WRONG).status_code]
        codes.append(guesser.get("/v1/leads").status_code)  # no key at all is a failure too
        codes.append(guesser.get("/v1/leads/fa/decision", headers=WRONG).status_code)
        assert codes == [401, 401, 401]
        assert_refused(guesser.get("/v1/leads", headers=WRONG), "failed authentications")
        assert_refused(guesser.post("/v1/leads", json=lead_dict(lead_id="fa"), headers=WRONG))
        assert store.lead("fa") is None
        # One broken client behind a shared address does not lock out the working one.
        assert post_lead(guesser, "fa-ok").status_code == 201
        assert guesser.get("/v1/leads", headers=auth("sales")).status_code == 200
        assert other.get("/v1/leads", headers=WRONG).status_code == 401
        assert limited_count(guesser, "failed_auth") == 2


def test_event_posts_past_the_lead_cap_get_429_and_nothing_is_stored(limited, store):
    with limited(rate_limit_events_per_lead="2/day") as client:
        assert post_lead(client, "cap-1").status_code == 201
        assert post_lead(client, "cap-2").status_code == 201
        assert [post_events(client, "cap-1", m).status_code for m in (1, 2)] == [200, 200]
        before = store.lead("cap-1")
        refused = post_events(client, "cap-1", 3)
        assert_refused(refused, "'cap-1'", "2 per day", "not stored", most=86400)
        assert int(refused.headers["Retry-After"]) > 86000  # until the first post is a day old
        assert store.lead("cap-1") == before and len(store.history("cap-1")) == 3
        assert post_events(client, "cap-2", 1).status_code == 200  # another lead: its own cap
        assert limited_count(client, "events_per_lead") == 1
        # The window rolls: once the earlier posts are a day old, the lead takes events again.
        _age_decisions(store, "cap-1", timedelta(hours=25))
        assert post_events(client, "cap-1", 3).status_code == 200


def test_concurrent_event_posts_cannot_pass_the_cap_together(limited, store):
    with limited(rate_limit_events_per_lead="3/hour") as client:
        assert post_lead(client, "cap-race").status_code == 201
        submitted = len(store.lead("cap-race")["events"])
        with ThreadPoolExecutor(max_workers=6) as pool:
            codes = list(pool.map(lambda m: post_events(client, "cap-race", m).status_code, range(8)))
        assert sorted(codes) == [200] * 3 + [429] * 5
        assert len(store.history("cap-race")) == 4
        assert len(store.lead("cap-race")["events"]) == submitted + 3  # exactly the accepted posts' events


def redis_url() -> str:
    """The test Redis; skipped when none answers, failed when LEADGATE_REQUIRE_REDIS=1 (CI runs one)."""
    import redis

    from tests.postgres import required

    url = os.environ.get("LEADGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if required("LEADGATE_REQUIRE_REDIS"):
            pytest.fail(f"Redis required but unreachable at {url}: {error}")
        pytest.skip(f"Redis not reachable at {url} (set LEADGATE_REQUIRE_REDIS=1 to fail instead): {error}")
    return url


def test_a_required_redis_that_does_not_answer_fails_however_the_requirement_is_spelled(monkeypatch):
    monkeypatch.setenv("LEADGATE_TEST_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    monkeypatch.setenv("LEADGATE_REQUIRE_REDIS", "true")
    with pytest.raises((pytest.fail.Exception, pytest.skip.Exception)) as raised:
        redis_url()
    assert raised.type is pytest.fail.Exception, raised.value


def test_workers_sharing_a_redis_share_the_count(limited, service_settings, store):
    from leadgate.serving.app import create_app

    address = f"198.18.{random.randrange(256)}.{random.randrange(256)}"  # its own count, run after run
    shared = {"rate_limit_per_ip": "2/minute", "rate_limit_storage": redis_url()}
    with limited(**shared) as client:
        first = client_at(client.app, address)
        assert [post_lead(first, f"redis-{i}-{address}").status_code for i in range(2)] == [201, 201]
        # A second worker: its own app and memory, the same Redis.
        worker = create_app(
            service_settings.model_copy(update={**ALL_OFF, **shared}), store=store, poll=False
        )
        assert_refused(post_lead(client_at(worker, address), f"redis-2-{address}"))


def test_a_limiter_storage_outage_lets_intake_through_and_is_counted(limited):
    with limited(rate_limit_per_ip="1/minute", rate_limit_storage="redis://127.0.0.1:1") as client:
        assert [post_lead(client, f"down-{i}").status_code for i in range(3)] == [201] * 3
        assert "leadgate_rate_limit_errors_total 3.0" in client.get("/metrics").text


def test_limits_off_let_everything_through(limited, store):
    tiny = {
        "rate_limit_per_key": "1/minute",
        "rate_limit_per_ip": "1/minute",
        "rate_limit_failed_auth": "1/minute",
        "rate_limit_events_per_lead": "1/day",
    }
    with limited(**tiny, rate_limits_enabled=False) as client:
        assert [post_lead(client, f"off-{i}").status_code for i in range(4)] == [201] * 4
        assert [post_events(client, "off-0", m).status_code for m in range(3)] == [200] * 3
        assert [client.get("/v1/leads", headers=WRONG).status_code for _ in range(3)] == [401] * 3
        assert "leadgate_rate_limited_total{" not in client.get("/metrics").text


def test_settings_refuse_a_rate_that_means_nothing(service_settings):
    from leadgate.settings import Settings

    with pytest.raises(ValidationError, match="rate_limit_per_key"):
        Settings(rate_limit_per_key="lots")
    assert Settings(rate_limit_per_ip="OFF").rate_limit_per_ip == "OFF"


def _age_decisions(store, lead_id: str, by: timedelta) -> None:
    from sqlalchemy import select, update

    from leadgate.serving.store_models import DecisionRow

    with store.engine.begin() as connection:
        rows = connection.execute(
            select(DecisionRow.id, DecisionRow.decided_at).where(DecisionRow.lead_id == lead_id)
        )
        for row_id, decided_at in list(rows):
            connection.execute(
                update(DecisionRow).where(DecisionRow.id == row_id).values(decided_at=decided_at - by)
            )
