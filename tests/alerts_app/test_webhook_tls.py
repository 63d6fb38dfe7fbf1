"""https endpoints: the request goes to the checked address, yet TLS speaks to the URL's host
name — it is the SNI name and the name the certificate must carry; a certificate for another
name is a failed attempt (recorded), not a crash."""

import socket
import ssl

import pytest
import trustme

from alerts_app.services import webhook_http
from alerts_app.services.webhooks import webhook_delivery_attempt, webhook_endpoint_create
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import delivery_of, emit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ca(tmp_path, monkeypatch, settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on loopback
    authority = trustme.CA()
    path = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    monkeypatch.setattr(webhook_http.certifi, "where", lambda: str(path))
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host.endswith(".example.com"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(webhook_http.socket, "getaddrinfo", getaddrinfo)
    return authority


def _server_context(ca, name: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(name).configure_cert(context)
    return context


def _port(receiver) -> int:
    return int(receiver.url.rsplit(":", 1)[1].split("/")[0])


def test_tls_uses_the_urls_host_name_for_sni_and_the_certificate(workspace, ca):
    with running_receiver(tls=_server_context(ca, "hooks.example.com")) as receiver:
        url = f"https://hooks.example.com:{_port(receiver)}/hooks"
        endpoint, receiver.secret = webhook_endpoint_create(workspace=workspace, url=url)
        delivery = delivery_of(endpoint, emit(workspace))
        webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "succeeded", delivery.error
    assert receiver.sni == ["hooks.example.com"]
    [request] = receiver.requests
    assert request.verified and request.headers["host"] == f"hooks.example.com:{_port(receiver)}"


def test_a_certificate_for_another_name_fails_the_attempt(workspace, ca):
    with running_receiver(tls=_server_context(ca, "elsewhere.example.com")) as receiver:
        url = f"https://hooks.example.com:{_port(receiver)}/hooks"
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=url)
        delivery = delivery_of(endpoint, emit(workspace))
        webhook_delivery_attempt(delivery_id=delivery.pk)
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.state == "retrying" and delivery.response_status is None
    assert "Connection failed" in delivery.error
    assert "hostname" in delivery.error.lower() or "certificate" in delivery.error.lower()
