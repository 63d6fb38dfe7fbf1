"""A failed delivery is retried on the §12 schedule with the same webhook-id; the log keeps
each outcome; after the last retry it is failed. Claims are compare-and-swap with a lease."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts_app.models import DeliveryState, WebhookDelivery
from alerts_app.services import webhooks
from alerts_app.services.webhooks import (
    MAX_ATTEMPTS,
    RETRY_SCHEDULE,
    lease,
    retry_delay,
    webhook_deliveries_due,
    webhook_delivery_attempt,
    webhook_endpoint_create,
)
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import delivery_of, emit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True


def _due_now(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_the_schedule_is_5s_5min_30min_2h_5h_10h_with_a_little_jitter():
    assert RETRY_SCHEDULE == (5, 300, 1800, 7200, 18000, 36000)
    assert MAX_ATTEMPTS == 7
    for attempt, seconds in enumerate(RETRY_SCHEDULE, start=1):
        delays = {retry_delay(attempt).total_seconds() for _ in range(20)}
        assert all(seconds * 0.9 <= d <= seconds * 1.1 for d in delays), (attempt, delays)
        assert len(delays) > 1, "jittered"
    assert retry_delay(7) is None and retry_delay(0) is None


def test_a_500_then_a_200_is_retried_with_the_same_id_and_logged(workspace):
    with running_receiver(script=[500, 200]) as receiver:
        endpoint, receiver.secret = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        event = emit(workspace)
        delivery = delivery_of(endpoint, event)

        before = timezone.now()
        assert webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.RETRYING
        assert (delivery.attempts, delivery.response_status) == (1, 500)
        assert delivery.response_excerpt == "receiver says 500"
        assert delivery.error == "HTTP 500"
        wait = (delivery.next_attempt_at - before).total_seconds()
        assert 4 <= wait <= 6.5, wait  # ~5 s after the first failure
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None

        # Not due yet: a second kick does nothing.
        assert not webhook_delivery_attempt(delivery_id=delivery.pk)
        _due_now(delivery)
        assert webhook_delivery_attempt(delivery_id=delivery.pk)

    first, second = receiver.requests
    assert first.webhook_id == second.webhook_id == event.public_id
    assert first.verified and second.verified
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("succeeded", 2, 200)
    assert delivery.error == "" and delivery.next_attempt_at is None
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None, "a success clears the failing clock"


def test_after_the_last_retry_the_delivery_is_failed(workspace):
    with running_receiver(script=[503]) as receiver:
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        delivery = delivery_of(endpoint, emit(workspace))
        for attempt in range(1, MAX_ATTEMPTS + 1):
            _due_now(delivery)
            assert webhook_delivery_attempt(delivery_id=delivery.pk)
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
            expected = "retrying" if attempt < MAX_ATTEMPTS else "failed"
            assert delivery.state == expected, attempt
            if attempt < MAX_ATTEMPTS:
                wait = delivery.next_attempt_at - delivery.last_attempt_at
                assert wait >= timedelta(seconds=RETRY_SCHEDULE[attempt - 1] * 0.85)
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert len({r.webhook_id for r in receiver.requests}) == 1
    assert delivery.next_attempt_at is None
    assert not webhook_delivery_attempt(delivery_id=delivery.pk), "failed is final"


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_runs_out(workspace, settings):
    settings.DEALLENS_WEBHOOK_TIMEOUT_SECONDS = 1
    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/x")
    delivery = delivery_of(endpoint, emit(workspace))
    # A worker claimed it and died before writing anything (as if SIGKILLed mid-request).
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        last_attempt_at=now, next_attempt_at=now + lease(), attempts=1, duration_ms=None
    )
    assert not webhook_delivery_attempt(delivery_id=delivery.pk), "held by the lease"
    assert webhook_deliveries_due() == 0, "the sweep leaves it too"
    # The lease runs out: the sweep queues it and an attempt takes it.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=now - timedelta(seconds=1)
    )
    queued = []
    from alerts_app import tasks

    original = tasks.webhook_deliver.apply_async
    tasks.webhook_deliver.apply_async = lambda args, **kw: queued.append(args[0])
    try:
        assert webhook_deliveries_due() == 1
    finally:
        tasks.webhook_deliver.apply_async = original
    assert queued == [delivery.pk]
    assert webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.duration_ms is not None


def test_a_late_worker_does_not_overwrite_a_newer_attempt(workspace, monkeypatch):
    """The outcome is written only while the row holds this attempt's claim."""
    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/x")
    delivery = delivery_of(endpoint, emit(workspace))
    real_post = webhooks.post_signed

    def slow_post(**kwargs):
        # While this attempt is out, its lease runs out and another worker re-claims the row.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            last_attempt_at=timezone.now() + timedelta(seconds=1)
        )
        return real_post(**kwargs)

    monkeypatch.setattr(webhooks, "post_signed", slow_post)
    assert webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.duration_ms is None, "not overwritten"


def test_a_new_delivery_is_swept_only_after_its_kick_had_time(workspace, monkeypatch):
    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/x")
    delivery = delivery_of(endpoint, emit(workspace))
    from alerts_app import tasks

    queued = []
    monkeypatch.setattr(
        tasks.webhook_deliver, "apply_async", lambda args, **kw: queued.append(args[0])
    )
    assert webhook_deliveries_due() == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(seconds=30)
    )
    assert webhook_deliveries_due() == 1 and queued == [delivery.pk]


def test_an_endpoint_deleted_while_its_request_is_out_is_no_error(workspace, monkeypatch):
    from alerts_app.models import WebhookEndpoint
    from alerts_app.services.webhook_http import Answer

    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/x")
    delivery = delivery_of(endpoint, emit(workspace))

    def delete_then_answer(**kwargs):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
        return Answer(200, "ok", 3, "")

    monkeypatch.setattr(webhooks, "post_signed", delete_then_answer)
    assert webhook_delivery_attempt(delivery_id=delivery.pk)
    assert not WebhookDelivery.objects.filter(pk=delivery.pk).exists()
    assert not webhook_delivery_attempt(delivery_id=delivery.pk)
