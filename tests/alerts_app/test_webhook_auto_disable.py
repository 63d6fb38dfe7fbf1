"""An endpoint that keeps failing is switched off: every attempt failing for 5 days, or for
24 hours with at least 10 deliveries failing in them. Every admin of the workspace hears of
it in the app and by e-mail; switching it on again clears the record; a success clears the
failing clock."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts_app.models import DeliveryState, Notification, WebhookDelivery, WebhookEndpoint
from alerts_app.services.webhooks import (
    webhook_delivery_attempt,
    webhook_endpoint_create,
    webhook_endpoint_update,
)
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import delivery_of, emit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def admins(member):
    return [
        member("admin", username="ada"),
        member("admin", username="grace"),
    ]


def _fail_once(endpoint, workspace, **event):
    delivery = delivery_of(endpoint, emit(workspace, **event))
    assert webhook_delivery_attempt(delivery_id=delivery.pk)
    return delivery


def test_failing_for_five_days_switches_the_endpoint_off_and_tells_the_admins(
    workspace, admins, member, django_capture_on_commit_callbacks
):
    pm = member("pm")
    with running_receiver(script=[500]) as receiver:
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        _fail_once(endpoint, workspace)
        endpoint.refresh_from_db()
        assert endpoint.enabled and endpoint.failing_since is not None
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - timedelta(days=5, minutes=1)
        )
        waiting = delivery_of(endpoint, emit(workspace, summary="Another"))
        with django_capture_on_commit_callbacks(execute=True):
            _fail_once(endpoint, workspace, summary="The last straw")

    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.disabled_reason.startswith("Switched off automatically")
    waiting.refresh_from_db()
    assert waiting.state == DeliveryState.SKIPPED, "nothing more is sent to it"

    notes = Notification.objects.filter(workspace=workspace, event=None)
    assert sorted(n.user.username for n in notes) == ["ada", "grace"]
    assert not notes.filter(user=pm).exists()
    note = notes.first()
    assert receiver.url in note.message and note.url == reverse(
        "webhook-detail", args=[endpoint.pk]
    )

    [email] = mail.outbox
    assert sorted(email.to) == sorted(a.email for a in admins)
    assert "switched off" in email.subject
    assert reverse("webhook-detail", args=[endpoint.pk]) in email.body

    # Switched on again: the record is cleared.
    webhook_endpoint_update(workspace=workspace, endpoint=endpoint, enabled=True)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == "" and endpoint.failing_since is None


def test_ten_failing_deliveries_over_24_hours_switch_it_off(workspace, admins):
    with running_receiver(script=[500]) as receiver:
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        _fail_once(endpoint, workspace)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - timedelta(hours=25)
        )
        for n in range(8):
            _fail_once(endpoint, workspace, summary=f"Event {n}")
        endpoint.refresh_from_db()
        assert endpoint.enabled, "9 failing deliveries: not yet"
        _fail_once(endpoint, workspace, summary="Tenth")
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert Notification.objects.filter(workspace=workspace, event=None).count() == 2


def test_a_success_clears_the_failing_clock_so_it_is_never_switched_off(workspace, admins):
    with running_receiver(script=[500, 200, 500]) as receiver:
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        _fail_once(endpoint, workspace)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - timedelta(days=4)
        )
        _fail_once(endpoint, workspace, summary="Works again")  # answered 200
        endpoint.refresh_from_db()
        assert endpoint.failing_since is None
        _fail_once(endpoint, workspace, summary="Fails afresh")
    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert timezone.now() - endpoint.failing_since < timedelta(minutes=1)
    assert not Notification.objects.filter(event=None).exists()


def test_a_mail_server_that_is_down_does_not_undo_the_switch(
    workspace, admins, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with running_receiver(script=[500]) as receiver:
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        _fail_once(endpoint, workspace)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - timedelta(days=6)
        )
        with django_capture_on_commit_callbacks(execute=True):
            _fail_once(endpoint, workspace, summary="Again")
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert Notification.objects.filter(event=None).count() == 2


def test_an_admin_switching_it_off_skips_what_waits(workspace):
    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/x")
    delivery = delivery_of(endpoint, emit(workspace))
    webhook_endpoint_update(workspace=workspace, endpoint=endpoint, enabled=False)
    delivery.refresh_from_db()
    assert delivery.state == "skipped"
    assert not webhook_delivery_attempt(delivery_id=delivery.pk)
    assert WebhookDelivery.objects.filter(state="pending").count() == 0
