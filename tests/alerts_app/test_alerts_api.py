"""/api/v1/notifications/ and /api/v1/subscriptions/: a member's own rows (PRODUCT.md §12)."""

import pytest

from accounts_app.models import Membership
from alerts_app.models import Notification, Subscription
from alerts_app.services.subscriptions import ROLE_DEFAULTS
from common.encryption import decrypt
from tests.api_support import member_client
from tests.factories import DealFactory, SegmentFactory

from .support import deal_event

pytestmark = pytest.mark.django_db

SLACK = "https://hooks.slack.com/services/T1/B1/topSECRETqrst"


def test_notifications_list_filter_read_and_read_all(workspace):
    client, user = member_client(workspace, Membership.Role.SALES)
    deals = [DealFactory.create(account__workspace=workspace, owner=user) for _ in range(3)]
    events = [deal_event(workspace, deal) for deal in deals]
    body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 3
    first = body["results"][0]
    assert set(first) == {"id", "event", "message", "url", "read_at", "created_at"}
    assert first["event"]["id"] == events[-1].public_id
    assert first["event"]["type"] == "deal.risk_raised"
    assert first["event"]["object"] == {
        "type": "deal",
        "id": str(deals[-1].pk),
        "url": f"/deals/{deals[-1].pk}/",
    }
    assert first["event"]["data"]["code"] == "no_champion"
    assert first["event"]["actor"] is None and first["read_at"] is None

    response = client.post(f"/api/v1/notifications/{first['id']}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 2
    assert client.get("/api/v1/notifications/", {"unread": "false"}).json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert client.get(f"/api/v1/notifications/{first['id']}/").status_code == 200


def test_a_system_notice_reads_with_its_message(workspace):
    client, user = member_client(workspace, Membership.Role.ADMIN)
    Notification.objects.create(
        workspace=workspace, user=user, message="Webhook off", url="https://evil.example/"
    )
    row = client.get("/api/v1/notifications/").json()["results"][0]
    assert row["event"] is None and row["message"] == "Webhook off" and row["url"] == ""


def test_subscriptions_crud_with_a_write_only_slack_url(workspace):
    client, user = member_client(workspace, Membership.Role.EXEC)
    segment = SegmentFactory.create(workspace=workspace)
    listed = client.get("/api/v1/subscriptions/").json()
    assert listed["count"] == len(ROLE_DEFAULTS["exec"])  # the role's defaults, first read
    response = client.post(
        "/api/v1/subscriptions/",
        {
            "event_types": ["deal.won", "deal.lost"],
            "channel": "slack",
            "scope": "all",
            "min_amount": "10000",
            "segment": segment.pk,
            "slack_url": SLACK,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "slack_url" not in body and body["slack_url_hint"] == "hooks.slack.com/…qrst"
    assert body["segment"] == segment.pk and body["min_amount"] == "10000.00"
    subscription = Subscription.objects.get(pk=body["id"])
    assert decrypt(subscription.slack_url_encrypted) == SLACK

    response = client.patch(
        f"/api/v1/subscriptions/{body['id']}/", {"scope": "mine"}, format="json"
    )
    assert response.status_code == 200 and response.json()["scope"] == "mine"
    assert response.json()["slack_url_hint"] == "hooks.slack.com/…qrst"  # kept
    assert client.delete(f"/api/v1/subscriptions/{body['id']}/").status_code == 204
    assert not Subscription.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"event_types": []}, "event_types", "This list may not be empty."),
        ({"event_types": ["deal.exploded"]}, "event_types", "is not a valid choice"),
        ({"event_types": ["deal.won"], "min_amount": "-1"}, "min_amount", "greater than or"),
        ({"event_types": ["deal.won"], "channel": "pigeon"}, "channel", "not a valid choice"),
        (
            {"event_types": ["deal.won"], "channel": "slack", "slack_url": "http://x.example/"},
            "slack_url",
            "Enter a Slack incoming-webhook URL",
        ),
        ({"event_types": ["deal.won"], "channel": "slack"}, "slack_url", "Give a Slack"),
        ({"event_types": ["deal.won"], "segment": 999999}, "segment", "does not exist"),
    ],
)
def test_bad_subscriptions_get_field_messages(workspace, data, field, message):
    client, _user = member_client(workspace, Membership.Role.PM)
    response = client.post("/api/v1/subscriptions/", data, format="json")
    assert response.status_code == 400, response.content
    assert message in str(response.json()[field])


def test_another_workspaces_segment_is_refused(workspace, other_workspace):
    client, _user = member_client(workspace, Membership.Role.PM)
    theirs = SegmentFactory.create(workspace=other_workspace)
    response = client.post(
        "/api/v1/subscriptions/", {"event_types": ["deal.won"], "segment": theirs.pk}, format="json"
    )
    assert response.status_code == 400 and "segment" in response.json()


def test_preferences_read_and_change(workspace):
    client, _user = member_client(workspace, Membership.Role.EXEC)
    assert client.get("/api/v1/subscriptions/preferences/").json() == {
        "digest_hour": 8,
        "digest_weekday": 0,
    }
    response = client.patch(
        "/api/v1/subscriptions/preferences/", {"digest_hour": 18}, format="json"
    )
    assert response.json() == {"digest_hour": 18, "digest_weekday": 0}
    response = client.patch(
        "/api/v1/subscriptions/preferences/", {"digest_weekday": 9}, format="json"
    )
    assert response.status_code == 400 and "digest_weekday" in response.json()
