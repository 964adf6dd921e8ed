"""A registry whose database does not answer: the service opens at once on the gates alone, and says why."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.cli.test_registry_errors import unreachable_registry
from tests.factories import lead_dict
from tests.serving.conftest import KEYS, auth


def test_the_service_starts_at_once_on_the_gates_alone_and_readyz_says_why(tmp_path):
    from leadgate.serving.app import create_app
    from leadgate.serving.auth import hash_key
    from leadgate.settings import ApiKey, Settings

    settings = Settings(
        data_dir=tmp_path,
        database_url=None,
        mlflow_tracking_uri=unreachable_registry(),
        api_keys=[ApiKey(name="t", role="intake", sha256=hash_key(KEYS["intake"]))],
        model_poll_seconds=3600,
    )
    started = time.monotonic()
    with TestClient(create_app(settings, poll=True)) as client:  # champion and challenger both asked
        took = time.monotonic() - started
        ready = client.get("/readyz")
        answered = client.post("/v1/leads", json=lead_dict(lead_id="r-1"), headers=auth("intake"))
    assert took < 15, f"{took:.0f} s before the service answered: MLflow's retries ran"  # they take ~200 s
    assert ready.status_code == 200 and ready.json()["model"] == "missing"
    problem = ready.json()["model_problem"]
    assert "MLflow registry" in problem and 'database "fixf_no_such_registry" does not exist' in problem
    assert "s3cret" not in problem
    assert answered.status_code == 201 and answered.json()["next_step"] == "verify"
