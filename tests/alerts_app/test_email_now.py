"""E-mail now (PRODUCT.md §12) over a real SMTP server: what arrives, once, and again after the
mail server was down."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts_app.models import Channel, ChannelDelivery, DeliveryState
from alerts_app.services.channels import (
    RETRY_DELAYS,
    SENDING_LEASE,
    channel_deliveries_due,
    channel_delivery_send,
)
from alerts_app.services.wording import unsubscribe_read
from events_app.models import EventType
from tests.alerts_support.rows import deal_event, deliveries, member_with, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(workspace):
    user = member_with(workspace, username="rita", email="rita@vendor.example")
    subscription = subscribe(user, workspace, types=[EventType.DEAL_RISK_RAISED])
    return user, subscription


def _due_now(delivery_id: int) -> None:
    """Time passes: the delivery's next attempt (a retry, a lease) is now."""
    ChannelDelivery.objects.filter(pk=delivery_id).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_risk_email_arrives_with_text_html_the_link_and_one_click_unsubscribe(
    smtp_server, workspace, rep
):
    user, subscription = rep
    event = deal_event(
        workspace,
        summary="New risk on Umbrella – platform: no champion",
        message="Nobody on the buyer's side argues for the deal.",
    )
    [delivery] = deliveries(subscription)
    assert delivery.channel == Channel.EMAIL and delivery.state == DeliveryState.PENDING

    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.SUCCEEDED

    [mail] = smtp_server.received
    assert mail.recipients == ["rita@vendor.example"]
    message = mail.message
    assert "Umbrella – platform" in message["Subject"]
    assert "no champion" in message["Subject"]
    assert message["Subject"].count("Umbrella") == 1  # the summary names the deal already
    text, html = mail.part("text/plain"), mail.part("text/html")
    link = f"https://deallens.example/deals/{event.data['deal_id']}/"
    for body in (text, html):
        assert "Umbrella – platform" in body
        assert "no champion" in body
        assert "Nobody on the buyer" in body
        assert link in body
        assert "deal risk raised" in body  # why they get it
        assert "Acme Observability" in body
    assert f'href="{link}"' in html
    # RFC 8058: an https link to the signed unsubscribe page, and one-click by POST.
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # folded after the colon
    assert unsubscribe.startswith("<https://deallens.example/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe.removeprefix("<https://deallens.example/unsubscribe/")[:-2]
    assert unsubscribe_read(token) == (user.pk, [subscription.pk])
    assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html
    assert message["Message-ID"].startswith(f"<alert-{delivery.pk}.")

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED
    assert delivery.attempts == 1 and delivery.sent_at is not None


def test_the_task_run_twice_sends_one_email(smtp_server, workspace, rep):
    from alerts_app.tasks import channel_deliver

    _user, subscription = rep
    deal_event(workspace)
    [delivery] = deliveries(subscription)
    channel_deliver.delay(delivery.pk)
    channel_deliver.delay(delivery.pk)
    _due_now(delivery.pk)
    channel_deliveries_due()  # the sweep, much later
    assert len(smtp_server.received) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED and delivery.attempts == 1


def test_a_delivery_being_sent_is_not_claimed_again_until_its_lease_runs_out(
    smtp_server, workspace, rep
):
    """A worker killed mid-send: nothing is sent while its lease holds, once after."""
    _user, subscription = rep
    deal_event(workspace)
    [delivery] = deliveries(subscription)
    leased = timezone.now() + SENDING_LEASE
    ChannelDelivery.objects.filter(pk=delivery.pk).update(attempts=1, next_attempt_at=leased)

    assert channel_delivery_send(delivery_id=delivery.pk) == "not-claimed"
    assert channel_deliveries_due() == 0
    assert smtp_server.received == []

    _due_now(delivery.pk)  # the lease ran out
    assert channel_deliveries_due() == 1  # queued (and, eager in tests, sent)
    assert len(smtp_server.received) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED and delivery.attempts == 2


def test_with_the_mail_server_down_it_retries_and_is_delivered_when_it_is_back(
    smtp_server, workspace, rep
):
    _user, subscription = rep
    deal_event(workspace)
    [delivery] = deliveries(subscription)
    smtp_server.stop()

    before = timezone.now()
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.RETRYING
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.RETRYING
    assert "Mail server" in delivery.last_error and "Attempt 1" in delivery.last_error
    assert before + RETRY_DELAYS[0] <= delivery.next_attempt_at <= timezone.now() + RETRY_DELAYS[0]
    assert channel_deliveries_due() == 0  # not yet due

    smtp_server.start()
    _due_now(delivery.pk)
    assert channel_deliveries_due() == 1
    assert len(smtp_server.received) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED
    assert delivery.attempts == 2 and delivery.last_error == ""


def test_after_four_failed_attempts_the_delivery_is_failed(smtp_server, workspace, rep):
    _user, subscription = rep
    deal_event(workspace)
    [delivery] = deliveries(subscription)
    smtp_server.stop()
    states = []
    for _ in range(4):
        _due_now(delivery.pk)
        states.append(channel_delivery_send(delivery_id=delivery.pk))
    assert states == ["retrying", "retrying", "retrying", "failed"]
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.next_attempt_at is None
    assert "Attempt 4" in delivery.last_error
    assert channel_delivery_send(delivery_id=delivery.pk) == "not-claimed"


def test_a_lost_kick_is_made_up_by_the_sweep(smtp_server, workspace, rep):
    _user, subscription = rep
    deal_event(workspace)
    [delivery] = deliveries(subscription)
    assert channel_deliveries_due() == 0  # just created: its kick is on its way
    ChannelDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    assert channel_deliveries_due() == 1
    assert len(smtp_server.received) == 1


def test_a_member_without_an_email_address_is_skipped_with_the_reason(smtp_server, workspace):
    user = member_with(workspace, username="noemail", email="")
    subscription = subscribe(user, workspace, types=[EventType.DEAL_RISK_RAISED])
    deal_event(workspace)
    [delivery] = deliveries(subscription)
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.SKIPPED
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SKIPPED
    assert "no e-mail address" in delivery.last_error
    assert smtp_server.received == []


def test_a_subscription_turned_off_before_sending_sends_nothing(smtp_server, workspace, rep):
    _user, subscription = rep
    deal_event(workspace)
    [delivery] = deliveries(subscription)
    subscription.enabled = False
    subscription.save(update_fields=["enabled"])
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.SKIPPED
    assert smtp_server.received == []


def test_a_member_of_another_workspace_never_gets_this_workspaces_emails(
    smtp_server, workspace, other_workspace, rep
):
    outsider = member_with(other_workspace, username="otto", email="otto@globex.example")
    theirs = subscribe(outsider, other_workspace, types=[EventType.DEAL_RISK_RAISED])
    deal_event(workspace)
    assert deliveries(theirs) == []
    for delivery in ChannelDelivery.objects.all():
        channel_delivery_send(delivery_id=delivery.pk)
    assert [m.recipients for m in smtp_server.received] == [["rita@vendor.example"]]


def test_an_unexpected_error_is_retried_then_failed_not_looped(
    smtp_server, workspace, rep, monkeypatch
):
    from alerts_app.services import channels

    def broken(*args, **kwargs):
        raise ValueError("a template bug")

    monkeypatch.setattr(channels, "render_to_string", broken)
    _user, subscription = rep
    deal_event(workspace)
    [delivery] = deliveries(subscription)
    assert channel_delivery_send(delivery_id=delivery.pk) == DeliveryState.RETRYING
    delivery.refresh_from_db()
    assert delivery.last_error == "Attempt 1: Unexpected error: ValueError"
    assert smtp_server.received == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_reaches_the_inbox_through_the_outbox_and_the_fanout(
    smtp_server, workspace, rep
):
    """No test shortcuts: the event commits, the kick after commit sweeps the outbox (tasks
    run in-process in tests), the fan-out queues the e-mail after its own commit."""
    from django.db import transaction

    from events_app.services import event_record

    _user, subscription = rep
    with transaction.atomic():
        event_record(
            workspace=workspace,
            type=EventType.DEAL_RISK_RAISED,
            object_type="deal",
            object_id=5,
            object_url="/deals/5/",
            summary="New risk on Initech – renewal: single-threaded",
            data={"deal": "Initech – renewal", "amount": "50000"},
        )
    [mail] = smtp_server.received
    assert "Initech – renewal" in mail.message["Subject"]
    [delivery] = deliveries(subscription)
    assert delivery.state == DeliveryState.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(smtp_server, workspace, rep):
    from django.db import transaction

    from events_app.services import event_record

    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(
            workspace=workspace,
            type=EventType.DEAL_RISK_RAISED,
            object_type="deal",
            summary="A risk that never was",
        )
        raise RuntimeError("the change failed")
    assert smtp_server.received == []
    assert not ChannelDelivery.objects.exists()
