"""Helpers of the webhook tests: an event fanned out to the workspace's endpoints."""

from django.db import transaction

from alerts_app.models import WebhookDelivery
from events_app.models import Event
from events_app.services import event_record, events_dispatch_pending


def emit(workspace, *, type="deal.won", actor=None, **fields) -> Event:
    """Record an event and fan it out (its deliveries are written; in a ``django_db`` test
    nothing is sent, since on-commit kicks never run: the test sends with the service)."""
    with transaction.atomic():
        event = event_record(
            workspace=workspace,
            type=type,
            object_type=fields.pop("object_type", "deal"),
            object_id=fields.pop("object_id", 42),
            object_url=fields.pop("object_url", "/deals/42/"),
            summary=fields.pop("summary", "Umbrella renewal was won"),
            data=fields.pop("data", {"deal_id": 42, "amount": "120000.00", "stage": "closed_won"}),
            actor=actor,
        )
    events_dispatch_pending()
    return event


def delivery_of(endpoint, event) -> WebhookDelivery:
    return WebhookDelivery.objects.get(endpoint=endpoint, event=event)


def webhook_with_delivery(workspace, *, label: str = "") -> tuple:
    """An endpoint and one delivery of an event, written directly (no fan-out, no URL check):
    the rows the page-isolation and CSRF walks name."""
    from django.utils import timezone

    from alerts_app.models import WebhookEndpoint
    from alerts_app.services.webhooks import secret_generate
    from common import encryption

    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace,
        url="https://hooks.example.com/in",
        description=label,
        secret_encrypted=encryption.encrypt(secret_generate()),
        secret_hint="whsec_…test",
    )
    event = Event.objects.create(
        workspace=workspace,
        type="deal.won",
        occurred_at=timezone.now(),
        object_type="deal",
        summary=f"{label} deal won".strip(),
    )
    delivery = WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event=event)
    return endpoint, delivery
