"""Fuzz the API from its own OpenAPI schema with schemathesis (PRODUCT.md §10).

Every operation of /api/schema/ gets schema-valid and schema-invalid requests, authenticated
as an admin of a seeded workspace, some aimed at real rows. Not one answer may be a server
error, and every answer must match the schema: a documented status code, content type,
headers and body. A fixed seed makes the run repeatable; FUZZ_EXAMPLES scales it.
Marked slow (minutes): `-m "not slow"` skips it locally; CI (.ci/run) runs it.
"""

import logging
import os
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts_app.models import Membership
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.world import build_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEED = 20260301
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))  # per operation and mode
# With the default EXAMPLES the run must reach this many cases (issue 9: at least 3,000).
MIN_CASES = 3000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}


@pytest.fixture
def app():
    """The WSGI app in-process, sharing the test's database connection and transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_fuzzing_the_api_finds_no_server_error_and_no_schema_violation(app, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")  # 4xx answers are expected
    workspace = WorkspaceFactory.create(slug="fuzz")
    worlds = [build_world(workspace, related=3) for _ in range(2)]
    user = UserFactory.create(username="fuzzer")
    MembershipFactory.create(user=user, workspace=workspace, role=Membership.Role.ADMIN)
    token = Token.objects.create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    real_ids = sorted(
        {obj.pk for world in worlds for obj in world.by_resource().values()} | {workspace.pk}
    )

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 90
    operations.sort(key=lambda op: (METHOD_ORDER[op.method.lower()], op.path))  # deletes last

    stats = {"cases": 0, "server_errors": 0}
    failures: list[str] = []

    def fuzz(operation) -> None:
        has_id = "{id}" in operation.path
        strategies = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies.append(
                operation.as_strategy(generation_mode=mode, headers={"X-Workspace": "fuzz"})
            )
            if has_id:  # aim some cases at real rows, so updates and deletes get past 404
                strategies.append(
                    st.sampled_from(real_ids).flatmap(
                        lambda pk, mode=mode: operation.as_strategy(
                            generation_mode=mode,
                            headers={"X-Workspace": "fuzz"},
                            path_parameters={"id": pk},
                        )
                    )
                )

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES * 2,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def run(case):
            stats["cases"] += 1
            response = case.call(app=app, headers=headers)
            if response.status_code >= 500:
                stats["server_errors"] += 1
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except BaseException as exc:  # every operation is fuzzed; all failures are reported
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])

    started = time.monotonic()
    for operation in operations:
        fuzz(operation)
    seconds = time.monotonic() - started

    print(
        f"schemathesis: {stats['cases']} cases over {len(operations)} operations "
        f"in {seconds:.0f} s (seed {SEED})"
    )
    assert stats["server_errors"] == 0
    if "FUZZ_EXAMPLES" not in os.environ:
        assert stats["cases"] >= MIN_CASES, stats
    assert failures == [], "\n\n".join(failures[:10])
