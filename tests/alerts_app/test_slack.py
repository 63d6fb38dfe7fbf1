"""Slack messages (PRODUCT.md §12) to a local incoming-webhook stand-in: the deal, the change
and a link; retried on a 500; skipped without a URL; the URL validated and kept secret."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts_app.models import Channel, ChannelDelivery, DeliveryState, WorkspaceAlertSettings
from alerts_app.services.channels import (
    channel_deliveries_due,
    channel_delivery_send,
    slack_escape,
    slack_url_validate,
    subscription_slack_url_set,
)
from alerts_app.services.subscriptions import workspace_slack_url_set
from common import encryption
from common.exceptions import ApplicationError
from events_app.models import EventType
from tests.alerts_support.rows import deal_event, deliveries, member_with, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_on_slack(workspace):
    user = member_with(workspace, username="rita")
    return subscribe(user, workspace, types=[EventType.DEAL_RISK_RAISED], channel=Channel.SLACK)


def test_a_message_names_the_deal_the_change_and_links_to_it(
    slack_receiver, workspace, rep_on_slack
):
    workspace_slack_url_set(workspace=workspace, url=slack_receiver.url())
    event = deal_event(
        workspace,
        summary="New risk on Umbrella – platform: no champion",
        message="Nobody argues for <the deal> & its budget",
    )
    [delivery] = deliveries(rep_on_slack)
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.SUCCEEDED

    [body] = slack_receiver.bodies
    assert slack_receiver.paths == ["/services/T000/B000/XXXXSECRET"]
    link = f"https://deallens.example/deals/{event.data['deal_id']}/"
    section, context = body["blocks"]
    assert section["type"] == "section" and context["type"] == "context"
    assert f"*<{link}|Umbrella – platform>*" in section["text"]["text"]
    assert "no champion" in section["text"]["text"]
    # Slack's control characters are escaped in the text it renders.
    assert "Nobody argues for &lt;the deal&gt; &amp; its budget" in section["text"]["text"]
    assert f"<{link}|Open in DealLens>" in context["elements"][0]["text"]
    assert "Acme Observability" in context["elements"][0]["text"]
    assert "Umbrella – platform" in body["text"] and link in body["text"]  # notification text
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED and delivery.sent_at is not None


def test_a_subscriptions_own_url_wins_over_the_workspaces(slack_receiver, workspace, rep_on_slack):
    workspace_slack_url_set(workspace=workspace, url=slack_receiver.url("/services/WORKSPACE"))
    subscription_slack_url_set(subscription=rep_on_slack, url=slack_receiver.url("/services/MINE"))
    deal_event(workspace)
    [delivery] = deliveries(rep_on_slack)
    channel_delivery_send(delivery_id=delivery.pk)
    assert slack_receiver.paths == ["/services/MINE"]


def test_a_500_is_retried_without_recording_the_secret_url(slack_receiver, workspace, rep_on_slack):
    url = slack_receiver.url()
    workspace_slack_url_set(workspace=workspace, url=url)
    deal_event(workspace)
    [delivery] = deliveries(rep_on_slack)
    slack_receiver.status = 500
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.RETRYING
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.RETRYING
    assert "Slack answered 500" in delivery.last_error
    assert "XXXXSECRET" not in delivery.last_error and "127.0.0.1" not in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    slack_receiver.status = 200
    ChannelDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert channel_deliveries_due() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED and delivery.attempts == 2
    assert len(slack_receiver.bodies) == 2


def test_an_unreachable_slack_is_retried_without_the_url_in_the_error(
    workspace, rep_on_slack, settings
):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True
    from tests.alerts_support.smtp import free_port

    workspace_slack_url_set(
        workspace=workspace, url=f"http://127.0.0.1:{free_port()}/services/XXXXSECRET"
    )
    deal_event(workspace)
    [delivery] = deliveries(rep_on_slack)
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.RETRYING
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Attempt 1: Slack:")
    assert "XXXXSECRET" not in delivery.last_error


def test_without_a_slack_url_the_delivery_is_skipped(slack_receiver, workspace, rep_on_slack):
    deal_event(workspace)
    [delivery] = deliveries(rep_on_slack)
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.SKIPPED
    delivery.refresh_from_db()
    assert "No Slack incoming webhook" in delivery.last_error
    assert slack_receiver.bodies == []


def test_another_workspaces_slack_url_is_never_used(
    slack_receiver, workspace, other_workspace, rep_on_slack
):
    workspace_slack_url_set(workspace=other_workspace, url=slack_receiver.url())
    deal_event(workspace)
    [delivery] = deliveries(rep_on_slack)
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.SKIPPED
    assert slack_receiver.bodies == []


def test_only_slack_incoming_webhook_urls_are_accepted(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = False
    good = "https://hooks.slack.com/services/T000/B000/abcdef"
    assert slack_url_validate(f"  {good} ") == good
    workflow = "https://hooks.slack.com/triggers/T000/123/abc"
    assert slack_url_validate(workflow) == workflow
    for bad in (
        "http://hooks.slack.com/services/T000/B000/abcdef",
        "https://hooks.slack.com.evil.example/services/T0/B0/x",
        "https://example.com/services/T0/B0/x",
        "https://hooks.slack.com/",
        "https://hooks.slack.com/services/",
        "https://hooks.slack.com:8443/services/T0/B0/x",
        "hooks.slack.com/services/T0/B0/x",
        "javascript:alert(1)",
    ):
        with pytest.raises(ApplicationError) as caught:
            slack_url_validate(bad)
        assert "slack_url" in caught.value.extra
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True  # tests, closed networks
    assert slack_url_validate("http://127.0.0.1:9/hook") == "http://127.0.0.1:9/hook"
    with pytest.raises(ApplicationError):
        slack_url_validate("ftp://127.0.0.1/hook")


def test_the_workspace_url_is_stored_encrypted_with_a_hint_and_an_empty_one_clears_it(
    workspace, settings
):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = False
    url = "https://hooks.slack.com/services/T000/B000/abcdWXYZ"
    row = workspace_slack_url_set(workspace=workspace, url=url)
    stored = WorkspaceAlertSettings.objects.get(workspace=workspace)
    assert url not in stored.slack_url_encrypted
    assert encryption.decrypt(stored.slack_url_encrypted) == url
    assert stored.slack_url_hint == row.slack_url_hint == "hooks.slack.com/…WXYZ"
    workspace_slack_url_set(workspace=workspace, url="")
    stored.refresh_from_db()
    assert stored.slack_url_encrypted == "" and stored.slack_url_hint == ""


def test_slack_escaping():
    assert slack_escape("<b> & <i>") == "&lt;b&gt; &amp; &lt;i&gt;"


def test_a_url_no_key_can_read_is_skipped_with_the_reason(
    slack_receiver, workspace, rep_on_slack, settings
):
    workspace_slack_url_set(workspace=workspace, url=slack_receiver.url())
    settings.DEALLENS_ENCRYPTION_KEYS = ["Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg="]
    deal_event(workspace)
    [delivery] = deliveries(rep_on_slack)
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.SKIPPED
    delivery.refresh_from_db()
    assert "cannot be decrypted" in delivery.last_error
    assert slack_receiver.bodies == []
