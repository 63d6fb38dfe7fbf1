"""What a webhook request carries: the event as receivers see it (PRODUCT.md §12), and its
Standard Webhooks signature (``webhook-id`` = the event's id, on every attempt and replay)."""

import base64
import json
import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from standardwebhooks import Webhook

from events_app.models import Event


def secret_generate() -> str:
    """A Standard Webhooks secret: ``whsec_`` and the base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_payload(event: Event) -> dict:
    """The event as receivers get it (PRODUCT.md §12)."""
    actor = event.actor
    url = event.object_url
    if url.startswith("/"):
        url = settings.DEALLENS_BASE_URL + url
    return {
        "id": event.public_id,
        "type": event.type,
        "workspace": event.workspace.slug,
        "occurred_at": iso_utc(event.occurred_at),
        "actor": (
            {"id": actor.pk, "name": actor.get_full_name() or actor.get_username()}
            if actor is not None
            else None
        ),
        "object": {"type": event.object_type, "id": event.object_id, "url": url or None},
        "data": event.data,
    }


def signed_request(*, event: Event, secret: str, at: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and the Standard Webhooks headers of one attempt."""
    body = json.dumps(event_payload(event), cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    msg_id = event.public_id
    return body, {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
        "content-type": "application/json",
    }
