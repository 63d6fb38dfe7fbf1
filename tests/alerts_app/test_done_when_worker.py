"""Issue 17's "done when", through a real Celery worker, Redis, a real SMTP server and a local
webhook receiver: a sales lead whose deal loses its champion gets an e-mail and a bell
notification within seconds, and the admin's receiver a signed event it can verify — while
the API call that removed the champion answers at once."""

import time

import pytest
from django.conf import settings as django_settings

from alerts_app.models import Notification
from alerts_app.services.webhooks import webhook_endpoint_create
from config import celery_app
from events_app import tasks as events_tasks
from events_app.models import Event
from tests.alerts_support.rows import member_with, subscribe
from tests.alerts_support.webhook_receiver import running_receiver
from tests.api_support import api_client
from tests.factories import AccountFactory, ContactFactory, DealFactory, DealRoleFactory
from tests.insights_app.faults_support import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
SECONDS = 10  # PRODUCT.md §9: an event to its notification or webhook delivery


@pytest.fixture
def through_the_worker(celery_workers, smtp_server, monkeypatch, settings):
    """This process and the worker send every task to the test's queue, through Redis."""
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True
    celery_workers.start(
        "alerts",
        pool="prefork",
        concurrency=2,
        settings="tests.alerts_support.worker_settings",
        DEALLENS_TEST_QUEUE=celery_workers.queue,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        DEALLENS_WEBHOOKS_ALLOW_PRIVATE="true",
        DEALLENS_ENCRYPTION_KEYS=",".join(django_settings.DEALLENS_ENCRYPTION_KEYS),
        DEALLENS_BASE_URL="https://deallens.example",
    )
    conf = celery_app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    send = events_tasks.events_dispatch.apply_async

    def to_test_queue(*args, **options):
        return send(*args, **{**options, "queue": celery_workers.queue})

    monkeypatch.setattr(events_tasks.events_dispatch, "apply_async", to_test_queue)
    # Warm up: the worker is ready once it has swept the (empty) outbox.
    to_test_queue().get(timeout=90)
    yield celery_workers
    conf.task_always_eager = eager


def test_a_lost_champion_reaches_the_owner_and_the_webhook_within_seconds(
    through_the_worker, smtp_server, workspace
):
    sam = member_with(workspace, username="sam", email="sam@vendor.example")
    subscribe(sam, workspace, types=["deal.risk_raised"], channel="in_app", scope="mine")
    subscribe(sam, workspace, types=["deal.risk_raised"], channel="email", scope="mine")
    admin = member_with(workspace, role="admin", username="ada", email="ada@vendor.example")
    account = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    deal = DealFactory.create(
        workspace=workspace, account=account, owner=sam, stage="proposal", name="Charlotte EHR"
    )
    people = [ContactFactory.create(workspace=workspace, account=account) for _ in range(3)]
    for contact, role in zip(people, ("economic_buyer", "user", "champion"), strict=True):
        champion = DealRoleFactory.create(
            workspace=workspace, deal=deal, contact=contact, role=role
        )

    with running_receiver() as receiver:
        _endpoint, receiver.secret = webhook_endpoint_create(
            workspace=workspace, url=receiver.url, event_types=["deal.risk_raised"]
        )
        started = time.monotonic()
        response = api_client(admin, workspace).delete(f"/api/v1/deal-roles/{champion.pk}/")
        took = time.monotonic() - started
        assert response.status_code == 204, response.content
        assert took < 2, f"the API call waited {took:.1f} s"

        event = Event.objects.get(type="deal.risk_raised", data__code="no_champion")
        notification = wait_until(
            lambda: Notification.objects.filter(user=sam, event=event).first(),
            "sam's bell notification",
            through_the_worker,
            timeout=SECONDS,
        )
        wait_until(lambda: smtp_server.received, "sam's e-mail", through_the_worker, SECONDS)
        [request] = receiver.wait_for(1, timeout=SECONDS)

    assert (notification.created_at - event.occurred_at).total_seconds() < SECONDS
    [mail] = smtp_server.received
    assert mail.recipients == ["sam@vendor.example"]
    assert "Charlotte EHR" in mail.message["Subject"] + mail.part("text/plain")
    assert f"https://deallens.example/deals/{deal.pk}/" in mail.part("text/plain")
    assert request.verified, "the signature verifies with the endpoint's secret"
    payload = request.payload
    assert request.webhook_id == event.public_id == payload["id"]
    assert payload["type"] == "deal.risk_raised"
    assert payload["data"]["code"] == "no_champion"
    assert payload["object"]["url"] == f"https://deallens.example/deals/{deal.pk}/"
    assert not Notification.objects.exclude(user=sam).filter(event=event).exists()
