"""A bounded schemathesis run over the OpenAPI schema on both stores: no generated input causes a 5xx.

Valid and invalid inputs both; each answer's status must also be one the operation declares. Bounded so
`make test` stays fast: LEADGATE_FUZZ_EXAMPLES raises the number of examples per operation and mode for a
longer hunt (the README gives the last long run's numbers).
"""

import os
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error, status_code_conformance
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

from tests.serving.conftest import auth

EXAMPLES_PER_OPERATION = int(os.environ.get("LEADGATE_FUZZ_EXAMPLES", "15"))


def test_no_generated_input_causes_a_server_error_or_an_undeclared_status(service_settings, store):
    # Driven by hand rather than schemathesis' pytest plugin, which does not run under pytest 9.
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    app = create_app(service_settings, store=store, poll=False)
    with TestClient(app):  # runs start-up once: model loaded, store migrated
        api_schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in api_schema.get_all_operations()]
        assert {op.label for op in operations} >= {
            "POST /v1/leads",
            "GET /v1/leads",
            "POST /v1/leads/{lead_id}/events",
            "PUT /v1/leads/{lead_id}/outcome",
            "POST /v1/review/{token}",
            "GET /v1/reviews",
            "POST /v1/leads/{lead_id}/override",
            "DELETE /v1/leads/{lead_id}/override",
            "POST /v1/leads/{lead_id}/feedback",
        }
        failures: dict[tuple, str] = {}
        statuses: Counter = Counter()
        for operation in operations:
            for mode in GenerationMode:

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(
                    max_examples=EXAMPLES_PER_OPERATION,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                def exercise(case):
                    response = case.call(headers=auth("admin"))
                    statuses[response.status_code] += 1
                    # FailureGroup is a BaseExceptionGroup; caught so every failing operation and status is listed.
                    try:
                        case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
                    except (FailureGroup, Exception) as failure:
                        key = (case.operation.label, response.status_code)
                        failures.setdefault(key, f"{type(failure).__name__}: {response.text[:200]}")

                try:
                    exercise()
                except Unsatisfiable:
                    assert mode is GenerationMode.NEGATIVE  # no parameter and no body: nothing to get wrong
    cases = sum(statuses.values())
    print(
        f"schemathesis on {store.engine.dialect.name}: {cases} cases, statuses {dict(sorted(statuses.items()))}"
    )
    assert not failures, failures
    assert not [code for code in statuses if code >= 500]
    assert cases >= 2 * len(operations) * min(EXAMPLES_PER_OPERATION, 5), (cases, len(operations))
    assert any(code < 300 for code in statuses), statuses
    assert any(400 <= code < 500 for code in statuses), statuses
