"""Schemathesis against the public API's own OpenAPI schema: generated requests (valid and
invalid parameters) must never get a server error.

Schemathesis's pytest plugin does not run under pytest 9, so the operations are walked here
and each one's strategy is driven by Hypothesis directly (same generation, same checks).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12


@override_settings(STATS_API_MAX_CALLS=1_000_000)
def test_no_generated_request_gets_a_server_error(anshan: Any) -> None:
    from gongkai.wsgi import application

    # Schemathesis calls the WSGI app directly, so Django's end-of-request hook would close
    # the test's connection (it is inside the test transaction); the test client detaches
    # that hook the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _walk(application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _walk(application: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
                  database=None, suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query} → "
                                f"{response.status_code}: {response.text[:300]}")

        run()
    assert operations >= 5  # the schema was read: search, catalog, agencies, stats …
    assert failures == []
