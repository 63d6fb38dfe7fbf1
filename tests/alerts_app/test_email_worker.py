"""E-mail now through a real Celery worker and Redis: the task sent twice (the kick and the
sweep) delivers one e-mail over SMTP. Needs PostgreSQL and Redis (skipped without, failed in
CI), like tests/insights_app/test_celery_worker.py."""

import time

import pytest
from celery.result import EagerResult
from django.utils import timezone

from alerts_app.models import Channel, ChannelDelivery, DeliveryState
from alerts_app.tasks import channel_deliver
from config import celery_app
from events_app.models import Event, EventType
from tests.alerts_support.rows import member_with, subscribe

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TIMEOUT = 90  # worker start-up plus the sends


def test_a_real_worker_sends_the_email_once_when_the_task_is_sent_twice(
    smtp_server, celery_workers, workspace
):
    user = member_with(workspace, username="rita", email="rita@vendor.example")
    subscription = subscribe(user, workspace, types=[EventType.DEAL_WON])
    event = Event.objects.create(
        workspace=workspace,
        type=EventType.DEAL_WON,
        occurred_at=timezone.now(),
        object_type="deal",
        object_id="7",
        object_url="/deals/7/",
        summary="Umbrella – platform was won",
        data={"deal": "Umbrella – platform", "amount": "120000"},
        dispatched_at=timezone.now(),
    )
    delivery = ChannelDelivery.objects.create(
        workspace=workspace, subscription=subscription, event=event, channel=Channel.EMAIL
    )
    worker = celery_workers.start(
        "email",
        app="config",
        settings="config.settings",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        DEALLENS_BASE_URL="https://deallens.example",
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        results = [
            channel_deliver.apply_async((delivery.pk,), queue=celery_workers.queue)
            for _ in range(2)
        ]
        assert not any(isinstance(r, EagerResult) for r in results)
        deadline = time.monotonic() + TIMEOUT
        while not all(r.ready() for r in results):
            assert worker.alive(), worker.log.read_text()
            assert time.monotonic() < deadline, worker.log.read_text()
            time.sleep(0.2)
        for result in results:
            result.forget()
    finally:
        celery_app.conf.task_always_eager = eager

    [mail] = smtp_server.received
    assert mail.recipients == ["rita@vendor.example"]
    assert "https://deallens.example/deals/7/" in mail.part("text/plain")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED and delivery.attempts == 1
