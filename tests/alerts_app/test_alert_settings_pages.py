"""/settings/alerts/: a member manages their own subscriptions (PRODUCT.md §12): the role's
defaults first, add/edit/delete with messages next to the fields, reset, the digest time and,
for admins, the workspace's write-only Slack URL."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts_app.models import Membership
from alerts_app.models import AlertPreference, Subscription, WorkspaceAlertSettings
from alerts_app.services.subscriptions import ROLE_DEFAULTS
from common.encryption import decrypt
from tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db

SLACK = "https://hooks.slack.com/services/T000/B000/abcdSECRETwxyz"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", Membership.Role.values)
def test_a_new_member_sees_their_roles_defaults(workspace, member, role):
    user = member(role)
    html = _client(user).get(reverse("alert-settings")).content.decode()
    assert html.count('data-testid="subscription"') == len(ROLE_DEFAULTS[role])
    assert Subscription.objects.filter(user=user).count() == len(ROLE_DEFAULTS[role])
    if role == Membership.Role.SALES:
        assert "Deal risk raised" in html and "My deals" in html and "E-mail now" in html
    if role == Membership.Role.EXEC:
        assert "Weekly e-mail digest" in html
    assert ("Workspace Slack" in html) is (role == Membership.Role.ADMIN)


def test_adding_a_subscription_with_filters(workspace, member):
    user = member("pm")
    segment = SegmentFactory.create(workspace=workspace, name="Fintech")
    client = _client(user)
    client.get(reverse("alert-settings"))
    response = client.post(
        reverse("alert-settings"),
        {
            "sub-event_types": ["deal.won", "deal.lost"],
            "sub-scope": "all",
            "sub-min_amount": "25000",
            "sub-segment": segment.pk,
            "sub-channel": "in_app",
            "sub-digest_frequency": "daily",
            "sub-enabled": "on",
        },
    )
    assert response.status_code == 302
    added = Subscription.objects.filter(user=user).order_by("-id").first()
    assert added.event_types == ["deal.won", "deal.lost"]
    assert added.segment == segment and str(added.min_amount) == "25000.00"
    html = client.get(reverse("alert-settings")).content.decode()
    assert "All deals, from 25,000, in “Fintech”" in html


def test_form_errors_keep_the_input(workspace, member, other_workspace):
    user = member("sales")
    theirs = SegmentFactory.create(workspace=other_workspace, name="Theirs")
    client = _client(user)
    client.get(reverse("alert-settings"))  # the role defaults
    before = Subscription.objects.count()
    response = client.post(
        reverse("alert-settings"),
        {
            "sub-event_types": [],
            "sub-scope": "mine",
            "sub-min_amount": "-5",
            "sub-channel": "in_app",
            "sub-digest_frequency": "daily",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one event type." in html
    assert "greater than or equal to 0" in html
    assert 'value="-5"' in html
    response = client.post(
        reverse("alert-settings"),
        {
            "sub-event_types": ["deal.won"],
            "sub-scope": "all",
            "sub-segment": theirs.pk,
            "sub-channel": "slack",
            "sub-digest_frequency": "daily",
            "sub-slack_url": "http://x.example",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice" in html  # another workspace's segment is not offered
    response = client.post(
        reverse("alert-settings"),
        {
            "sub-event_types": ["deal.won"],
            "sub-scope": "all",
            "sub-channel": "slack",
            "sub-digest_frequency": "daily",
            "sub-slack_url": "http://x.example",
        },
    )
    assert response.status_code == 400
    assert "Enter a Slack incoming-webhook URL" in response.content.decode()
    assert Subscription.objects.count() == before


def test_a_slack_url_is_write_only(workspace, member):
    user = member("sales")
    client = _client(user)
    client.post(
        reverse("alert-settings"),
        {
            "sub-event_types": ["deal.won"],
            "sub-scope": "all",
            "sub-channel": "slack",
            "sub-digest_frequency": "daily",
            "sub-slack_url": SLACK,
            "sub-enabled": "on",
        },
    )
    subscription = Subscription.objects.get(user=user, channel="slack")
    assert decrypt(subscription.slack_url_encrypted) == SLACK
    for url in (reverse("alert-settings"), reverse("subscription-edit", args=[subscription.pk])):
        html = client.get(url).content.decode()
        assert "SECRET" not in html and "hooks.slack.com/…wxyz" in html
    # Editing without a URL keeps it.
    client.post(
        reverse("subscription-edit", args=[subscription.pk]),
        {
            "sub-event_types": ["deal.won", "deal.lost"],
            "sub-scope": "all",
            "sub-channel": "slack",
            "sub-digest_frequency": "daily",
            "sub-slack_url": "",
            "sub-enabled": "on",
        },
    )
    subscription.refresh_from_db()
    assert decrypt(subscription.slack_url_encrypted) == SLACK
    assert subscription.event_types == ["deal.won", "deal.lost"]


def test_editing_and_deleting_and_resetting(workspace, member):
    user = member("sales")
    client = _client(user)
    client.get(reverse("alert-settings"))
    first = Subscription.objects.filter(user=user).first()
    response = client.post(
        reverse("subscription-edit", args=[first.pk]),
        {
            "sub-event_types": ["deal.stage_changed"],
            "sub-scope": "mine",
            "sub-channel": "digest",
            "sub-digest_frequency": "weekly",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.channel == "digest" and not first.enabled
    assert client.post(reverse("subscription-delete", args=[first.pk])).status_code == 302
    assert not Subscription.objects.filter(pk=first.pk).exists()
    # Visiting again does not bring the deleted default back.
    client.get(reverse("alert-settings"))
    assert Subscription.objects.filter(user=user).count() == len(ROLE_DEFAULTS["sales"]) - 1
    client.post(reverse("alert-settings-reset"))
    assert Subscription.objects.filter(user=user).count() == len(ROLE_DEFAULTS["sales"])


def test_the_digest_time(workspace, member):
    user = member("exec")
    client = _client(user)
    assert (
        client.post(
            reverse("alert-preference"), {"digest_hour": "7", "digest_weekday": "4"}
        ).status_code
        == 302
    )
    preference = AlertPreference.objects.get(user=user)
    assert (preference.digest_hour, preference.digest_weekday) == (7, 4)
    response = client.post(
        reverse("alert-preference"), {"digest_hour": "24", "digest_weekday": "4"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_only_admins_set_the_workspace_slack_url(workspace, member):
    admin, sales = member("admin"), member("sales")
    assert (
        _client(sales).post(reverse("alert-workspace-slack"), {"slack_url": SLACK}).status_code
        == 403
    )
    client = _client(admin)
    assert client.post(reverse("alert-workspace-slack"), {"slack_url": SLACK}).status_code == 302
    row = WorkspaceAlertSettings.objects.get(workspace=workspace)
    assert (
        decrypt(row.slack_url_encrypted) == SLACK and row.slack_url_hint == "hooks.slack.com/…wxyz"
    )
    html = client.get(reverse("alert-settings")).content.decode()
    assert "SECRET" not in html and "hooks.slack.com/…wxyz" in html
    # With the workspace URL set, a member's Slack subscription needs no URL of its own.
    response = _client(sales).post(
        reverse("alert-settings"),
        {
            "sub-event_types": ["deal.won"],
            "sub-scope": "all",
            "sub-channel": "slack",
            "sub-digest_frequency": "daily",
            "sub-enabled": "on",
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("alert-workspace-slack"), {"remove": "on"}).status_code == 302
    assert WorkspaceAlertSettings.objects.get(workspace=workspace).slack_url_encrypted == ""


def test_the_settings_are_linked_from_the_admin_settings_and_the_notifications(workspace, member):
    admin = member("admin")
    client = _client(admin)
    assert reverse("alert-settings") in client.get(reverse("workspace-settings")).content.decode()
    assert reverse("alert-settings") in client.get(reverse("notification-list")).content.decode()
