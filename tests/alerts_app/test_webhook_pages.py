"""/settings/webhooks/: admins add an endpoint (its secret shown once, in that answer only),
edit, switch off and on, rotate, delete, and replay from the delivery log; other roles 403."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from alerts_app.models import WebhookEndpoint
from alerts_app.services.webhooks import webhook_delivery_attempt, webhook_endpoint_create
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import delivery_of, emit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(member):
    return _client(member("admin"))


def test_adding_an_endpoint_shows_the_secret_once(admin, workspace):
    page = admin.get(reverse("webhook-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Deals" in html and "deal.risk_raised" in html and "Data and insights" in html

    response = admin.post(
        reverse("webhook-list"),
        {
            "url": "http://127.0.0.1:9/in",
            "event_types": ["deal.won", "sync.failed"],
            "enabled": "on",
        },
    )
    assert response.status_code == 201
    html = response.content.decode()
    secret = re.search(r'value="(whsec_[^"]+)"', html).group(1)
    assert "you will not see this secret again" in html
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["deal.won", "sync.failed"]

    for url in (reverse("webhook-list"), reverse("webhook-detail", args=[endpoint.pk])):
        again = admin.get(url).content.decode()
        assert secret not in again and secret[6:] not in again
        assert endpoint.secret_hint in again


def test_a_private_url_is_a_field_error_on_the_form(admin, settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = False
    response = admin.post(reverse("webhook-list"), {"url": "http://10.0.0.1/in"})
    assert response.status_code == 200
    assert "private" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_edit_switch_off_and_on_rotate_and_delete(admin, workspace):
    endpoint, old = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/in")
    url = reverse("webhook-detail", args=[endpoint.pk])
    response = admin.post(url, {"url": "http://127.0.0.1:9/v2", "description": "Ops"})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.enabled, endpoint.description) == (
        "http://127.0.0.1:9/v2",
        False,
        "Ops",
    )
    assert "This endpoint is off" in admin.get(url).content.decode()
    admin.post(url, {"url": endpoint.url, "enabled": "on"})
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == ""

    rotated = admin.post(reverse("webhook-rotate", args=[endpoint.pk]))
    assert rotated.status_code == 200
    new = re.search(r'value="(whsec_[^"]+)"', rotated.content.decode()).group(1)
    assert new != old
    assert new not in admin.get(url).content.decode()

    deleted = admin.post(reverse("webhook-delete", args=[endpoint.pk]))
    assert deleted.status_code == 302 and not WebhookEndpoint.objects.exists()


def test_the_log_shows_each_delivery_and_replays_it(
    admin, workspace, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with running_receiver(script=[500, 200]) as receiver:
        endpoint, receiver.secret = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        event = emit(workspace, summary="Umbrella renewal was won")
        delivery = delivery_of(endpoint, event)
        webhook_delivery_attempt(delivery_id=delivery.pk)
        for n in range(4):
            emit(workspace, summary=f"More {n}")
        url = reverse("webhook-detail", args=[endpoint.pk])
        with django_assert_max_num_queries(12):
            page = admin.get(url)
        html = page.content.decode()
        assert "Umbrella renewal was won" in html and event.public_id in html
        assert "receiver says 500" in html and "Retrying" in html
        assert html.count('data-testid="delivery-row"') == 5

        with django_capture_on_commit_callbacks(execute=True):
            replay = admin.post(reverse("webhook-replay", args=[endpoint.pk, delivery.pk]))
        assert replay.status_code == 302
        assert [r.webhook_id for r in receiver.requests] == [event.public_id] * 2
    assert "Delivered" in admin.get(url).content.decode()


@pytest.mark.parametrize("role", ["pm", "sales", "exec"])
def test_other_roles_get_403(member, workspace, role):
    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/in")
    delivery = delivery_of(endpoint, emit(workspace))
    client = _client(member(role))
    assert client.get(reverse("webhook-list")).status_code == 403
    assert client.post(reverse("webhook-list"), {"url": "http://127.0.0.1:9/x"}).status_code == 403
    for name, args in (
        ("webhook-detail", [endpoint.pk]),
        ("webhook-rotate", [endpoint.pk]),
        ("webhook-delete", [endpoint.pk]),
        ("webhook-replay", [endpoint.pk, delivery.pk]),
    ):
        assert client.post(reverse(name, args=args)).status_code == 403, name
    assert client.get(reverse("webhook-detail", args=[endpoint.pk])).status_code == 403
    assert WebhookEndpoint.objects.count() == 1


def test_the_settings_page_links_to_webhooks(admin):
    html = admin.get(reverse("workspace-settings")).content.decode()
    assert reverse("webhook-list") in html


def test_the_list_page_does_not_grow_in_queries_with_endpoints(
    admin, workspace, django_assert_max_num_queries
):
    from tests.alerts_support.webhooks import webhook_with_delivery

    for n in range(8):
        webhook_with_delivery(workspace, label=f"Endpoint {n}")
    with django_assert_max_num_queries(10):
        page = admin.get(reverse("webhook-list"))
    assert page.content.decode().count('data-testid="endpoint-row"') == 8
