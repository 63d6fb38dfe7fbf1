"""/api/v1/webhooks/: admins only (reads too); the secret once; the delivery log; replays
keep the webhook-id; another workspace's endpoints and deliveries are 404 and never get this
workspace's events."""

import pytest
from rest_framework.test import APIClient

from alerts_app.models import WebhookDelivery, WebhookEndpoint
from alerts_app.services.webhooks import webhook_delivery_attempt, webhook_endpoint_create
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import delivery_of, emit

pytestmark = pytest.mark.django_db

API = "/api/v1/webhooks/"


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True


def _client(user, workspace=None):
    client = APIClient()
    client.force_authenticate(user)
    if workspace is not None:
        client.credentials(HTTP_X_WORKSPACE=workspace.slug)
    return client


@pytest.fixture
def admin(member):
    return _client(member("admin"))


def test_an_admin_adds_an_endpoint_and_sees_the_secret_once(admin, workspace):
    response = admin.post(
        API,
        {"url": "http://127.0.0.1:9/in", "event_types": ["deal.won", "deal.lost"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and body["secret_hint"].endswith(secret[-4:])
    assert body["event_types"] == ["deal.won", "deal.lost"] and body["enabled"] is True

    listed = admin.get(API)
    detail = admin.get(f"{API}{body['id']}/")
    assert listed.status_code == detail.status_code == 200
    assert listed.json()["results"][0]["id"] == body["id"]
    for answer in (listed, detail):
        assert secret not in answer.content.decode()
        assert secret[6:] not in answer.content.decode()
    assert "secret" not in detail.json()


def test_rotating_answers_a_new_secret_once(admin, workspace):
    endpoint, old = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/in")
    response = admin.post(f"{API}{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200
    new = response.json()["secret"]
    assert new != old and new.startswith("whsec_")
    assert new not in admin.get(f"{API}{endpoint.pk}/").content.decode()


def test_update_and_partial_update(admin, workspace):
    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/in")
    response = admin.patch(
        f"{API}{endpoint.pk}/", {"description": "Ops", "enabled": False}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["disabled_reason"] == "Switched off by an admin."
    response = admin.put(
        f"{API}{endpoint.pk}/",
        {"url": "http://127.0.0.1:9/v2", "event_types": ["sync.failed"], "enabled": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["url"] == "http://127.0.0.1:9/v2"
    assert response.json()["disabled_reason"] == ""
    bad = admin.patch(f"{API}{endpoint.pk}/", {"event_types": ["nope"]}, format="json")
    assert bad.status_code == 400 and "event_types" in bad.json()
    assert admin.delete(f"{API}{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("role", ["pm", "sales", "exec"])
def test_other_roles_get_403_on_reads_and_writes(member, workspace, role):
    endpoint, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/in")
    delivery = delivery_of(endpoint, emit(workspace))
    client = _client(member(role))
    for method, url in (
        ("get", API),
        ("post", API),
        ("get", f"{API}{endpoint.pk}/"),
        ("patch", f"{API}{endpoint.pk}/"),
        ("delete", f"{API}{endpoint.pk}/"),
        ("post", f"{API}{endpoint.pk}/rotate-secret/"),
        ("get", f"{API}{endpoint.pk}/deliveries/"),
        ("post", f"{API}{endpoint.pk}/deliveries/{delivery.pk}/replay/"),
    ):
        response = getattr(client, method)(url, {"url": "http://127.0.0.1:9/x"}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
    assert WebhookEndpoint.objects.count() == 1


def test_the_delivery_log_and_a_replay_with_the_same_id(
    admin, workspace, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with running_receiver(script=[500, 200]) as receiver:
        endpoint, receiver.secret = webhook_endpoint_create(workspace=workspace, url=receiver.url)
        event = emit(workspace)
        delivery = delivery_of(endpoint, event)
        webhook_delivery_attempt(delivery_id=delivery.pk)
        for n in range(3):
            emit(workspace, summary=f"More {n}")

        with django_assert_max_num_queries(8):
            log = admin.get(f"{API}{endpoint.pk}/deliveries/")
        assert log.status_code == 200
        rows = log.json()["results"]
        assert len(rows) == 4
        row = next(r for r in rows if r["id"] == delivery.pk)
        assert row["state"] == "retrying" and row["attempts"] == 1
        assert row["response_status"] == 500 and row["response_excerpt"] == "receiver says 500"
        assert row["event_id"] == event.public_id and row["event_type"] == "deal.won"
        assert row["next_attempt_at"] and row["last_attempt_at"] and row["duration_ms"] >= 0

        # Replay: queued after commit (eager here: sent at once), same webhook-id.
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(f"{API}{endpoint.pk}/deliveries/{delivery.pk}/replay/")
        assert response.status_code == 202, response.json()
    assert [r.webhook_id for r in receiver.requests] == [event.public_id] * 2
    assert all(r.verified for r in receiver.requests)
    delivery.refresh_from_db()
    assert delivery.state == "succeeded"


def test_a_replay_is_refused_while_the_endpoint_is_off(admin, workspace):
    endpoint, _ = webhook_endpoint_create(
        workspace=workspace, url="http://127.0.0.1:9/in", enabled=False
    )
    event = emit(workspace)
    delivery = WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event=event)
    response = admin.post(f"{API}{endpoint.pk}/deliveries/{delivery.pk}/replay/")
    assert response.status_code == 400
    assert "Switch the endpoint on" in response.json()["detail"][0]


def test_another_workspaces_endpoints_and_deliveries_are_404(admin, workspace, other_workspace):
    theirs, _ = webhook_endpoint_create(workspace=other_workspace, url="http://127.0.0.1:9/b")
    mine, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/a")
    their_delivery = delivery_of(theirs, emit(other_workspace))
    for method, url in (
        ("get", f"{API}{theirs.pk}/"),
        ("patch", f"{API}{theirs.pk}/"),
        ("delete", f"{API}{theirs.pk}/"),
        ("post", f"{API}{theirs.pk}/rotate-secret/"),
        ("get", f"{API}{theirs.pk}/deliveries/"),
        ("post", f"{API}{theirs.pk}/deliveries/{their_delivery.pk}/replay/"),
        # My endpoint with their delivery.
        ("post", f"{API}{mine.pk}/deliveries/{their_delivery.pk}/replay/"),
        ("post", f"{API}{mine.pk}/deliveries/not-a-number/replay/"),
    ):
        response = getattr(admin, method)(url, {"description": "x"}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    assert [e["id"] for e in admin.get(API).json()["results"]] == [mine.pk]
    theirs.refresh_from_db()
    assert theirs.description == ""


def test_an_endpoint_never_receives_another_workspaces_events(workspace, other_workspace):
    mine, _ = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/a")
    emit(other_workspace, summary="Theirs")
    emit(workspace, summary="Mine")
    assert [d.event.summary for d in mine.deliveries.all()] == ["Mine"]
    assert all(d.workspace_id == workspace.pk for d in mine.deliveries.all())


def test_the_list_does_not_grow_in_queries_with_endpoints(
    admin, workspace, django_assert_max_num_queries
):
    for n in range(6):
        endpoint, _ = webhook_endpoint_create(workspace=workspace, url=f"http://127.0.0.1:9/{n}")
        emit(workspace, summary=f"E{n}")
    with django_assert_max_num_queries(7):
        response = admin.get(API)
    assert response.status_code == 200 and response.json()["count"] == 6
    assert all(r["last_delivery_state"] == "pending" for r in response.json()["results"])


def test_the_secret_is_never_logged(admin, workspace, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    with running_receiver() as receiver:
        response = admin.post(API, {"url": receiver.url}, format="json")
        secret = response.json()["secret"]
        endpoint = WebhookEndpoint.objects.get()
        webhook_delivery_attempt(delivery_id=delivery_of(endpoint, emit(workspace)).pk)
        rotated = admin.post(f"{API}{endpoint.pk}/rotate-secret/").json()["secret"]
    assert receiver.requests
    assert secret not in caplog.text and rotated not in caplog.text
    assert secret[6:] not in caplog.text and rotated[6:] not in caplog.text
