"""Server-side request forgery: with DEALLENS_WEBHOOKS_ALLOW_PRIVATE off, a URL whose host
resolves to a loopback, private, link-local or other internal address is refused — when it is
saved (a field error, never a 500) and again when a delivery is sent, which connects to the
very address it checked (so a name re-pointed in between is not asked again)."""

import ipaddress
import socket

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from alerts_app.models import WebhookDelivery
from alerts_app.services import webhook_http
from alerts_app.services.webhook_http import address_is_internal, target_resolve
from alerts_app.services.webhooks import webhook_delivery_attempt, webhook_endpoint_create
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import delivery_of, emit

pytestmark = pytest.mark.django_db

REFUSED = [
    "http://127.0.0.1/hook",
    "http://127.9.9.9/hook",
    "http://10.0.0.5/hook",
    "http://172.16.3.4/hook",
    "http://192.168.1.10/hook",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://100.64.0.1/hook",  # shared address space (carrier NAT)
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",  # multicast
    "http://240.0.0.1/hook",  # reserved
    "http://[::1]/hook",
    "http://[::]/hook",
    "http://[fe80::1]/hook",
    "http://[fc00::1]/hook",  # unique local
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "http://[::ffff:10.1.2.3]/hook",
    "http://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
    "http://[ff02::1]/hook",
    "http://localhost:8000/hook",
]


def _fake_dns(monkeypatch, answers: dict[str, list[str]]):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(webhook_http.socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def _private_refused(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize("url", REFUSED)
def test_an_internal_address_is_refused_at_create(workspace, url):
    with pytest.raises(ValidationError) as exc:
        webhook_endpoint_create(workspace=workspace, url=url)
    assert "private" in exc.value.message_dict["url"][0]


def test_public_addresses_pass_the_check():
    for text in ("93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"):
        assert not address_is_internal(ipaddress.ip_address(text)), text


def test_a_name_with_one_private_address_among_public_ones_is_refused(workspace, monkeypatch):
    _fake_dns(monkeypatch, {"hooks.example.com": ["93.184.216.34", "127.0.0.1"]})
    with pytest.raises(ValidationError, match="127.0.0.1"):
        webhook_endpoint_create(workspace=workspace, url="https://hooks.example.com/in")
    _fake_dns(monkeypatch, {"hooks.example.com": ["93.184.216.34"]})
    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="https://hooks.example.com/in")
    assert endpoint.pk


def test_other_schemes_and_unresolvable_hosts_are_field_errors(workspace):
    for url, words in (
        ("ftp://example.com/x", "http"),
        ("file:///etc/passwd", "http"),
        ("http://user:pw@example.com/", "user name"),
        ("http://nonexistent.invalid/x", "could not be resolved"),
        ("http://example.com:99999/x", "valid URL"),
    ):
        with pytest.raises(ValidationError) as exc:
            webhook_endpoint_create(workspace=workspace, url=url)
        assert words in exc.value.message_dict["url"][0], url


def test_the_api_answers_400_with_the_url_field(workspace, member):
    client = APIClient()
    client.force_authenticate(member("admin"))
    response = client.post(
        "/api/v1/webhooks/", {"url": "http://[::ffff:127.0.0.1]:8080/x"}, format="json"
    )
    assert response.status_code == 400
    assert "private" in response.json()["url"][0]


def test_a_name_re_pointed_to_loopback_after_saving_is_refused_at_delivery(
    workspace, monkeypatch, settings
):
    """DNS rebinding: saved while it resolved to a public address; at delivery it resolves to
    127.0.0.1, where a receiver listens. Nothing reaches it."""
    with running_receiver() as receiver:
        port = int(receiver.url.split(":")[2].split("/")[0])
        _fake_dns(monkeypatch, {"rebind.example.com": ["93.184.216.34"]})
        endpoint, _ = webhook_endpoint_create(
            workspace=workspace, url=f"http://rebind.example.com:{port}/hooks"
        )
        _fake_dns(monkeypatch, {"rebind.example.com": ["93.184.216.34", "127.0.0.1"]})
        delivery = delivery_of(endpoint, emit(workspace))
        webhook_delivery_attempt(delivery_id=delivery.pk)
        assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.state == "retrying"
    assert delivery.error.startswith("Not sent:") and "127.0.0.1" in delivery.error


def test_the_request_goes_to_the_checked_address_with_the_urls_host_header(
    workspace, monkeypatch, settings
):
    """Resolved once and pinned: the connection goes to the address that was checked, and the
    receiver sees the URL's host name; a second lookup (to another address) never happens."""
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on loopback
    with running_receiver() as receiver:
        port = int(receiver.url.split(":")[2].split("/")[0])
        lookups = []

        real = socket.getaddrinfo

        def getaddrinfo(host, p, *args, **kwargs):
            try:
                ipaddress.ip_address(host)
            except ValueError:
                pass
            else:  # an address literal (urllib3 connecting): no DNS involved
                return real(host, p, *args, **kwargs)
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) % 2 else "10.99.99.99"  # rebinding DNS
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, p))]

        monkeypatch.setattr(webhook_http.socket, "getaddrinfo", getaddrinfo)
        target = target_resolve(f"http://pinned.example.com:{port}/hooks")
        assert target.address == "127.0.0.1"
        endpoint, _ = webhook_endpoint_create(
            workspace=workspace, url=f"http://pinned.example.com:{port}/hooks"
        )
        lookups.clear()
        delivery = delivery_of(endpoint, emit(workspace))
        webhook_delivery_attempt(delivery_id=delivery.pk)
        assert lookups == ["pinned.example.com"], "one lookup per attempt, then pinned"
        [request] = receiver.requests
        assert request.headers["host"] == f"pinned.example.com:{port}"
    assert WebhookDelivery.objects.get(pk=delivery.pk).state == "succeeded"
