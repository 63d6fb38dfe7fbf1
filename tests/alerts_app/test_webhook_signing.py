"""A delivery is a Standard Webhooks request: it verifies with the endpoint's secret, carries
the event as PRODUCT.md §12 shapes it, and its webhook-id is the event's id."""

import re

import pytest
from django.utils import timezone

from alerts_app.models import DeliveryState, WebhookEndpoint
from alerts_app.services.webhooks import webhook_delivery_attempt, webhook_endpoint_create
from common import encryption
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import delivery_of, emit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True
    settings.DEALLENS_BASE_URL = "https://deallens.example.com"


def test_a_delivery_verifies_with_the_secret_and_carries_the_event(workspace):
    actor = UserFactory.create(first_name="Ines", last_name="Moreau")
    with running_receiver() as receiver:
        endpoint, secret = webhook_endpoint_create(
            workspace=workspace, url=receiver.url, event_types=["deal.won"], description="CRM"
        )
        receiver.secret = secret
        event = emit(workspace, actor=actor)
        assert webhook_delivery_attempt(delivery_id=delivery_of(endpoint, event).pk)

    [request] = receiver.requests
    assert request.verified, "standardwebhooks.Webhook(secret).verify() accepted it"
    assert request.webhook_id == event.public_id
    assert re.fullmatch(r"evt_[0-9a-f]{32}", request.webhook_id)
    assert abs(int(request.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 30
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["content-type"] == "application/json"
    assert request.payload == {
        "id": event.public_id,
        "type": "deal.won",
        "workspace": "acme",
        "occurred_at": request.payload["occurred_at"],
        "actor": {"id": actor.pk, "name": "Ines Moreau"},
        "object": {"type": "deal", "id": "42", "url": "https://deallens.example.com/deals/42/"},
        "data": {"deal_id": 42, "amount": "120000.00", "stage": "closed_won"},
    }
    assert request.payload["occurred_at"].endswith("Z")
    delivery = delivery_of(endpoint, event)
    assert (delivery.state, delivery.attempts, delivery.response_status) == (
        DeliveryState.SUCCEEDED,
        1,
        200,
    )
    assert delivery.response_excerpt == "ok" and delivery.duration_ms is not None


def test_a_wrong_secret_does_not_verify(workspace):
    """The receiver's check is real: another endpoint's secret refuses the same request."""
    with running_receiver() as receiver:
        endpoint, _secret = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        _other, other_secret = webhook_endpoint_create(
            workspace=workspace, url=receiver.url + "/other", event_types=["sync.failed"]
        )
        receiver.secret = other_secret
        event = emit(workspace)
        webhook_delivery_attempt(delivery_id=delivery_of(endpoint, event).pk)
    assert [r.verified for r in receiver.requests] == [False]


def test_the_secret_is_a_whsec_secret_stored_encrypted_with_a_hint(workspace):
    endpoint, secret = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/x")
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret)  # base64 of 32 bytes
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert secret not in stored.secret_encrypted
    assert encryption.decrypt(stored.secret_encrypted) == secret
    assert stored.secret_hint == f"whsec_…{secret[-4:]}"


def test_an_endpoint_only_gets_the_types_it_takes_and_none_means_all(workspace):
    picky, _ = webhook_endpoint_create(
        workspace=workspace, url="http://127.0.0.1:9/a", event_types=["deal.lost"]
    )
    everything, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/b")
    event = emit(workspace, type="deal.won")
    assert not picky.deliveries.exists()
    assert everything.deliveries.get().event == event


def test_an_unknown_event_type_is_refused(workspace):
    from common.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        webhook_endpoint_create(
            workspace=workspace, url="http://127.0.0.1:9/a", event_types=["deal.exploded"]
        )
    assert "deal.exploded" in exc.value.extra["event_types"][0]


def test_secrets_are_re_encrypted_with_the_newest_key(workspace, settings):
    from cryptography.fernet import Fernet

    from alerts_app.services.webhooks import webhook_secrets_rotate

    endpoint, secret = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/x")
    old_keys = list(settings.DEALLENS_ENCRYPTION_KEYS)
    settings.DEALLENS_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    assert webhook_secrets_rotate() == 1
    assert webhook_secrets_rotate() == 0, "already current"
    settings.DEALLENS_ENCRYPTION_KEYS = settings.DEALLENS_ENCRYPTION_KEYS[:1]  # old key dropped
    endpoint.refresh_from_db()
    assert encryption.decrypt(endpoint.secret_encrypted) == secret
