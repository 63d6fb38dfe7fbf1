"""Real Celery workers (Redis, PostgreSQL): an event goes out end to end through a worker,
without the write that caused it waiting; and a worker SIGKILLed in the middle of a delivery
leaves it to be sent again, with the same webhook-id, once its lease runs out.

The beat's sweep (``alerts-deliveries-due``, every 5 s) is played by the test calling
``webhook_deliveries_due()`` in a loop, so no beat sends to queues nobody here listens on.
"""

import time

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from alerts_app import tasks as alerts_tasks
from alerts_app.models import WebhookDelivery
from alerts_app.services.webhooks import webhook_deliveries_due, webhook_endpoint_create
from config import celery_app
from events_app import tasks as events_tasks
from events_app.services import event_record, events_dispatch_pending
from tests.alerts_support.webhook_receiver import running_receiver
from tests.factories import WorkspaceFactory
from tests.insights_app.faults_support import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def to_test_queue(celery_workers, monkeypatch, settings):
    """This process sends through Redis to the test's queue; the event outbox is swept here."""
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True
    conf = celery_app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False
    sent: list[str] = []
    send = alerts_tasks.webhook_deliver.apply_async

    def to_queue(*args, **options):
        result = send(*args, **{**options, "queue": celery_workers.queue})
        sent.append(result.id)
        return result

    monkeypatch.setattr(alerts_tasks.webhook_deliver, "apply_async", to_queue)
    monkeypatch.setattr(events_tasks.events_dispatch, "apply_async", lambda *a, **k: None)
    celery_workers.env.update(
        DEALLENS_WEBHOOKS_ALLOW_PRIVATE="true",
        DEALLENS_ENCRYPTION_KEYS=",".join(django_settings.DEALLENS_ENCRYPTION_KEYS),
        DEALLENS_FAULT_VISIBILITY="3",
    )
    yield sent
    conf.task_always_eager = eager


def _record_event(workspace, summary="Umbrella renewal was won"):
    with transaction.atomic():
        return event_record(
            workspace=workspace,
            type="deal.won",
            object_type="deal",
            object_id=7,
            object_url="/deals/7/",
            summary=summary,
        )


def test_a_worker_delivers_an_event_and_the_write_does_not_wait(celery_workers, to_test_queue):
    celery_workers.start("a", DEALLENS_WEBHOOK_TIMEOUT_SECONDS="10")
    workspace = WorkspaceFactory.create()
    with running_receiver(script=[("hang", 4), 200]) as receiver:
        endpoint, receiver.secret = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        started = time.monotonic()
        event = _record_event(workspace)
        events_dispatch_pending()  # the fan-out; its commit queues the delivery
        took = time.monotonic() - started
        assert took < 2, f"the write path waited {took:.1f} s for a receiver hanging 4 s"
        assert to_test_queue, "the delivery was queued"

        [request] = receiver.wait_for(1, timeout=90)
        assert request.verified and request.webhook_id == event.public_id
        delivery = WebhookDelivery.objects.get(endpoint=endpoint, event=event)
        wait_until(
            lambda: WebhookDelivery.objects.get(pk=delivery.pk).state == "succeeded",
            "the delivery is recorded as delivered",
            celery_workers,
        )
    assert "webhook_deliver" in celery_workers.logs()


def test_a_worker_killed_mid_delivery_sends_it_again_with_the_same_id(
    celery_workers, to_test_queue
):
    """The first request hangs; the worker holding it is SIGKILLed. The broker hands the task
    to the restarted worker, which finds the delivery still leased and leaves it; once the
    lease (2 × 3 s + 5 s) runs out, the sweep queues it and it is delivered, same id."""
    worker = celery_workers.start(
        "a", app="tests.insights_app.faults_app", DEALLENS_WEBHOOK_TIMEOUT_SECONDS="3"
    )
    workspace = WorkspaceFactory.create()
    with running_receiver(script=[("hang", 20), 200]) as receiver:
        endpoint, receiver.secret = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        event = _record_event(workspace)
        events_dispatch_pending()
        receiver.wait_for(1, timeout=90)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint, event=event)
        claimed = WebhookDelivery.objects.get(pk=delivery.pk)
        assert claimed.state == "pending" and claimed.attempts == 1
        assert claimed.duration_ms is None, "the attempt is under way"
        worker.kill()
        celery_workers.restart(
            worker, app="tests.insights_app.faults_app", DEALLENS_WEBHOOK_TIMEOUT_SECONDS="3"
        )

        def swept_and_delivered():
            webhook_deliveries_due()  # the beat's sweep
            return len(receiver.requests) >= 2

        wait_until(swept_and_delivered, "the delivery after the lease", celery_workers, 90)
        wait_until(
            lambda: WebhookDelivery.objects.get(pk=delivery.pk).state == "succeeded",
            "the delivery is recorded as delivered",
            celery_workers,
        )
    first, second = receiver.requests[:2]
    assert first.webhook_id == second.webhook_id == event.public_id
    assert second.verified
    done = WebhookDelivery.objects.get(pk=delivery.pk)
    assert done.attempts >= 2 and done.response_status == 200
    # A late duplicate of the task (the broker's redelivery) changed nothing afterwards.
    time.sleep(1)
    assert len([r for r in receiver.requests if r.webhook_id == event.public_id]) == 2
