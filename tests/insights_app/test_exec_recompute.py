"""Executives, who need the fresh number most, may ask for a recompute: it changes no data
(PRODUCT.md §2: they write nothing but their own saved views)."""

import pytest

from accounts_app.models import Membership
from insights_app.models import InsightTask
from tests.api_support import member_client

pytestmark = pytest.mark.django_db


def test_an_executive_requests_a_recompute_and_follows_it(workspace, figured_world):
    client, user = member_client(workspace, role=Membership.Role.EXEC)

    response = client.post("/api/v1/insights/recompute/")

    assert response.status_code == 202
    task = client.get(f"/api/v1/tasks/{response.json()['task_id']}/").json()
    assert task["state"] == "succeeded"
    assert InsightTask.objects.get(pk=task["id"]).requested_by == user
    assert client.get("/api/v1/insights/segments/?dimension=industry").json()["stale"] is False


def test_an_executive_sees_the_recompute_button_on_the_dashboard(client, member, figured_world):
    client.force_login(member("exec"))

    page = client.get("/dashboard/").content.decode()

    assert 'data-testid="recompute"' in page and "Recompute now" in page


def test_an_executive_still_writes_no_data(workspace, figured_world):
    client, _ = member_client(workspace, role=Membership.Role.EXEC)
    deal = figured_world["deals"]["D4"]

    response = client.patch(f"/api/v1/deals/{deal.pk}/", {"amount": "1"}, format="json")

    assert response.status_code == 403
