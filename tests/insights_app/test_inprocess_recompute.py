"""The embedded mode (`make run`: no broker, no beat) recomputes by itself: a change reaches the
figures within seconds, after the response, and a burst of changes costs one recompute."""

import time

import pytest

from accounts_app.models import Membership
from insights_app.models import InsightState
from insights_app.services import inprocess_recompute_wait, insights_recompute
from tests.api_support import member_client

# The recompute runs on a timer thread with its own database connection: it must see committed
# rows, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def embedded(settings, workspace, figured_world):
    """The in-process recompute on (as `make run` has it), with a short debounce; the world's
    snapshot computed once. Waits for the timer thread before the database is emptied."""
    settings.DEALLENS_INPROCESS_RECOMPUTE = True
    settings.DEALLENS_INPROCESS_RECOMPUTE_DELAY = 1.0
    insights_recompute(workspace_id=workspace.pk, force=True)
    yield figured_world
    assert inprocess_recompute_wait(timeout=60)


def segments(client) -> dict:
    return client.get("/api/v1/insights/segments/?dimension=industry").json()


def pipeline(payload: dict) -> float:
    return sum(float(row["pipeline"] or 0) for row in payload["results"])


def wait_until_fresh(client, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        payload = segments(client)
        if not payload["stale"]:
            return payload
        time.sleep(0.2)
    raise AssertionError(f"The figures were still stale after {timeout} s")


def test_a_change_reaches_the_figures_within_seconds_without_a_request_waiting(workspace, embedded):
    client, _ = member_client(workspace, role=Membership.Role.SALES)
    deal = embedded["deals"]["D4"]  # open: its amount is pipeline
    before = pipeline(segments(client))

    started = time.monotonic()
    response = client.patch(
        f"/api/v1/deals/{deal.pk}/", {"amount": str(deal.amount + 1000)}, format="json"
    )
    answered_in = time.monotonic() - started

    assert response.status_code == 200
    assert answered_in < 1.0  # the request did not wait for the recompute (debounce: 1 s)
    assert segments(client)["stale"] is True  # right after the change, nothing recomputed yet
    fresh = wait_until_fresh(client)
    assert pipeline(fresh) == before + 1000


def test_a_burst_of_edits_costs_one_recompute(workspace, embedded, settings):
    settings.DEALLENS_INPROCESS_RECOMPUTE_DELAY = 3.0
    client, _ = member_client(workspace, role=Membership.Role.SALES)
    deal = embedded["deals"]["D4"]
    versions_before = InsightState.objects.get(workspace=workspace).last_version

    for step in range(1, 11):  # ten edits, each its own transaction
        response = client.patch(
            f"/api/v1/deals/{deal.pk}/", {"amount": str(deal.amount + step)}, format="json"
        )
        assert response.status_code == 200
    fresh = wait_until_fresh(client)

    state = InsightState.objects.get(workspace=workspace)
    assert state.last_version == versions_before + 1  # one recompute for the ten edits
    assert state.published_version == state.last_version and not state.dirty
    assert fresh["computed_at"] is not None


def test_it_is_off_unless_turned_on(workspace, figured_world):
    """Tests, and servers with a broker, leave the recompute to the worker and beat."""
    insights_recompute(workspace_id=workspace.pk, force=True)
    client, _ = member_client(workspace, role=Membership.Role.SALES)
    deal = figured_world["deals"]["D4"]

    client.patch(f"/api/v1/deals/{deal.pk}/", {"amount": "1"}, format="json")
    time.sleep(2.5)

    assert segments(client)["stale"] is True
