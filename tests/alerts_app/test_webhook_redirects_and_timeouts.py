"""A redirect is not followed (a failure); a hanging receiver times out; the sending happens
in the task, so whatever records the event does not wait for the receiver."""

import time

import pytest
from django.db import transaction

from alerts_app import tasks
from alerts_app.models import WebhookDelivery
from alerts_app.services.webhooks import webhook_delivery_attempt, webhook_endpoint_create
from events_app.services import event_record, events_dispatch_pending
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import delivery_of, emit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True


def test_a_redirect_is_not_followed_and_counts_as_a_failure(workspace):
    with running_receiver(script=[("redirect", "/elsewhere")]) as receiver:
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        delivery = delivery_of(endpoint, emit(workspace))
        webhook_delivery_attempt(delivery_id=delivery.pk)
    assert [r.path for r in receiver.requests] == ["/hooks"], "/elsewhere was never asked"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.response_status) == ("retrying", 302)
    assert "not followed" in delivery.error


def test_a_hanging_receiver_times_out(workspace, settings):
    settings.DEALLENS_WEBHOOK_TIMEOUT_SECONDS = 0.5
    with running_receiver(script=[("hang", 3)]) as receiver:
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        delivery = delivery_of(endpoint, emit(workspace))
        started = time.monotonic()
        webhook_delivery_attempt(delivery_id=delivery.pk)
        took = time.monotonic() - started
    assert took < 2, took
    delivery.refresh_from_db()
    assert delivery.state == "retrying" and delivery.response_status is None
    assert delivery.error == "Timed out after 0.5 s"
    assert 400 <= delivery.duration_ms < 2000


def test_recording_an_event_does_not_wait_for_a_hanging_receiver(
    workspace, monkeypatch, django_capture_on_commit_callbacks
):
    """The write path (event, commit, fan-out, kick) only queues the task: with the receiver
    hanging 5 s it is done in well under 2 s and nothing was sent yet; the task sends."""
    queued = []
    monkeypatch.setattr(
        tasks.webhook_deliver, "apply_async", lambda args, **kw: queued.append(args[0])
    )
    with running_receiver(script=[("hang", 5)]) as receiver:
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            event = event_record(
                workspace=workspace,
                type="deal.won",
                object_type="deal",
                object_id=1,
                summary="Won",
            )
        with django_capture_on_commit_callbacks(execute=True):
            events_dispatch_pending()
        took = time.monotonic() - started
        assert took < 2, took
        assert receiver.requests == []
        delivery = WebhookDelivery.objects.get(event=event)
        assert queued == [delivery.pk], "the kick queued the delivery's task"
