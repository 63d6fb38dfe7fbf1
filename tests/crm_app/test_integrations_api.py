"""/api/v1/integrations/: connect, change, test, sync and delete a CRM connection, read its
runs; admins only, another workspace's connection is not found, and no answer holds a
credential."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from accounts_app.models import Membership
from crm_app.models import CrmConnection, SyncRun
from tests.api_support import api_client
from tests.factories import (
    FACTORY_CRM_SECRET,
    CrmConnectionFactory,
    MembershipFactory,
    SyncRunFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/integrations/"
SECRET = "sf-secret-that-must-never-be-returned-7b1c"  # noqa: S105 - a test's fake secret


def _client(workspace, role=Membership.Role.ADMIN):
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace=workspace, role=role)
    return api_client(user, workspace)


@pytest.fixture
def admin(workspace):
    return _client(workspace)


def _body(**fields):
    return {
        "kind": "salesforce",
        "name": "Production org",
        "instance_url": "https://acme.my.salesforce.com",
        "credentials": {"client_id": "client-id-0001", "client_secret": SECRET},
        **fields,
    }


def _no_secret(response, *secrets):
    text = response.content.decode()
    for secret in (SECRET, FACTORY_CRM_SECRET, *secrets):
        assert secret not in text, response.request["PATH_INFO"]
    assert "credentials_encrypted" not in text
    if response.status_code < 400:  # an error may name the field, never its value
        assert '"credentials"' not in text


def test_create_answers_201_with_a_hint_and_never_the_credentials(admin, workspace):
    response = admin.post(URL, _body(segment_fields={"region": "ShippingCountry"}), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    connection = CrmConnection.objects.get(workspace=workspace)
    assert data["id"] == connection.pk
    assert data["url"] == f"{URL}{connection.pk}/"
    assert data["credentials_hint"] == "…7b1c"
    assert data["segment_fields"] == {
        "industry": "Industry",
        "size": "NumberOfEmployees",
        "region": "ShippingCountry",
        "infrastructure": "",
    }
    assert data["schedule_minutes"] == 15 and data["enabled"] is True
    assert data["last_run"] is None
    assert data["is_failing"] is False and data["consecutive_failures"] == 0
    assert connection.created_by is not None
    _no_secret(response)
    _no_secret(admin.get(URL))
    _no_secret(admin.get(f"{URL}{connection.pk}/"))


def test_hubspot_defaults_to_its_api_host(admin):
    response = admin.post(
        URL,
        {"kind": "hubspot", "name": "HubSpot", "credentials": {"access_token": SECRET}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["instance_url"] == "https://api.hubapi.com"
    assert response.json()["segment_fields"]["industry"] == "industry"
    _no_secret(response)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (_body(kind="pipedrive"), "kind", "is not a valid choice"),
        (_body(instance_url="http://acme.my.salesforce.com"), "instance_url", "https://"),
        (_body(credentials=None), "credentials", "may not be null"),
        ({k: v for k, v in _body().items() if k != "credentials"}, "credentials", "client_id"),
        (
            _body(credentials={"client_id": "abc", "client_secret": ""}),
            "credentials",
            "client_secret is required.",
        ),
        (_body(segment_fields={"colour": "Colour__c"}), "segment_fields", "not a segment"),
        (_body(name=""), "name", "may not be blank"),
        (_body(schedule_minutes=-1), "schedule_minutes", "greater than or equal to 0"),
    ],
)
def test_bad_input_is_a_400_with_the_fields_message(admin, workspace, body, field, message):
    response = admin.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert message in str(response.json()[field])
    _no_secret(response)
    assert not CrmConnection.objects.filter(workspace=workspace).exists()


def test_a_duplicate_name_is_a_400_on_the_name(admin, workspace):
    CrmConnectionFactory.create(workspace=workspace, name="Production org")
    response = admin.post(URL, _body(), format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    _no_secret(response)


def test_patch_changes_what_is_given_and_empty_credentials_keep_the_stored_ones(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace, consecutive_failures=2)
    stored = connection.credentials_encrypted
    response = admin.patch(
        f"{URL}{connection.pk}/",
        {"name": "Renamed", "credentials": {}, "schedule_minutes": 0, "kind": "salesforce"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Renamed" and response.json()["schedule_minutes"] == 0
    connection.refresh_from_db()
    assert connection.credentials_encrypted == stored
    assert connection.consecutive_failures == 2

    response = admin.patch(
        f"{URL}{connection.pk}/",
        {"credentials": {"client_id": "new-id", "client_secret": SECRET}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["credentials_hint"] == "…7b1c"
    assert response.json()["is_failing"] is False
    _no_secret(response)

    refused = admin.patch(f"{URL}{connection.pk}/", {"kind": "hubspot"}, format="json")
    assert refused.status_code == 400 and "kind" in refused.json()
    bad_url = admin.patch(f"{URL}{connection.pk}/", {"instance_url": "http://x.io"}, format="json")
    assert bad_url.status_code == 400 and "instance_url" in bad_url.json()


def test_put_is_not_offered(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    assert admin.put(f"{URL}{connection.pk}/", _body(), format="json").status_code == 405


def test_the_test_endpoint_answers_ok_against_the_crm(admin, sf_connection):
    response = admin.post(f"{URL}{sf_connection.pk}/test/")
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["message"]


def test_the_test_endpoint_says_what_is_wrong_with_a_bad_secret(admin, sf_connection):
    admin.patch(
        f"{URL}{sf_connection.pk}/",
        {"credentials": {"client_id": "x", "client_secret": "wrong-secret-0000"}},
        format="json",
    )
    response = admin.post(f"{URL}{sf_connection.pk}/test/")
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["message"]
    _no_secret(response, "wrong-secret-0000")


def test_sync_answers_202_with_the_run_and_the_same_run_while_it_is_active(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    first = admin.post(f"{URL}{connection.pk}/sync/", {"full": True}, format="json")
    assert first.status_code == 202, first.content
    run = SyncRun.objects.get(connection=connection)
    assert first.json()["id"] == run.pk
    assert first.json()["state"] == "queued" and first.json()["full"] is True

    again = admin.post(f"{URL}{connection.pk}/sync/", {"full": False}, format="json")
    assert again.status_code == 202
    assert again.json()["id"] == run.pk
    assert SyncRun.objects.filter(connection=connection).count() == 1


def test_sync_returns_a_running_run_made_elsewhere(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    running = SyncRunFactory.create(connection=connection, state="running", finished_at=None)
    for _ in range(2):
        response = admin.post(f"{URL}{connection.pk}/sync/", {}, format="json")
        assert response.status_code == 202
        assert response.json()["id"] == running.pk
        assert response.json()["state"] == "running"


def test_sync_now_runs_against_the_crm(admin, sf_connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"{URL}{sf_connection.pk}/sync/", {"full": False}, format="json")
    assert response.status_code == 202
    run = admin.get(f"{URL}{sf_connection.pk}/runs/{response.json()['id']}/").json()
    assert run["state"] == "succeeded", run["message"]
    assert run["counts"]["Opportunity"]["created"] == 741
    assert run["errors"] == []
    detail = admin.get(f"{URL}{sf_connection.pk}/").json()
    assert detail["last_run"]["id"] == run["id"]
    assert detail["last_run"]["state"] == "succeeded"


def test_runs_are_listed_newest_first_and_paginated_with_errors_on_the_run(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    older = SyncRunFactory.create(connection=connection)
    newer = SyncRunFactory.create(
        connection=connection,
        state="partial",
        error_count=1,
        errors=[{"object": "Contact", "id": "003X", "field": "Email", "message": "Bad email"}],
    )
    listing = admin.get(f"{URL}{connection.pk}/runs/").json()
    assert listing["count"] == 2
    assert [r["id"] for r in listing["results"]] == [newer.pk, older.pk]
    assert "errors" not in listing["results"][0]
    assert listing["results"][0]["counts"]["Opportunity"]["deleted"] == 1
    run = admin.get(f"{URL}{connection.pk}/runs/{newer.pk}/").json()
    assert run["errors"] == [
        {"object": "Contact", "id": "003X", "field": "Email", "message": "Bad email"}
    ]
    other = CrmConnectionFactory.create(workspace=workspace)
    assert admin.get(f"{URL}{other.pk}/runs/{newer.pk}/").status_code == 404
    assert admin.get(f"{URL}{connection.pk}/runs/nope/").status_code == 404


def test_delete_answers_204(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    SyncRunFactory.create(connection=connection)
    assert admin.delete(f"{URL}{connection.pk}/").status_code == 204
    assert not CrmConnection.objects.filter(pk=connection.pk).exists()
    assert not SyncRun.objects.filter(connection_id=connection.pk).exists()


def _calls(connection, run):
    base = f"{URL}{connection.pk}/"
    return [
        ("get", URL, None),
        ("post", URL, _body()),
        ("get", base, None),
        ("patch", base, {"name": "Taken over"}),
        ("post", f"{base}test/", None),
        ("post", f"{base}sync/", {"full": False}),
        ("get", f"{base}runs/", None),
        ("get", f"{base}runs/{run.pk}/", None),
        ("delete", base, None),
    ]


@pytest.mark.parametrize("role", ["pm", "sales", "exec"])
def test_other_roles_get_403_on_every_route(workspace, role):
    client = _client(workspace, role)
    run = SyncRunFactory.create(connection__workspace=workspace, workspace=workspace)
    for method, url, body in _calls(run.connection, run):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (role, method, url)
        _no_secret(response)
    assert CrmConnection.objects.filter(workspace=workspace).count() == 1
    assert SyncRun.objects.count() == 1


def test_another_workspaces_connection_is_not_found_on_any_route(admin, other_workspace):
    run = SyncRunFactory.create(connection__workspace=other_workspace, workspace=other_workspace)
    for method, url, body in _calls(run.connection, run)[2:]:
        response = getattr(admin, method)(url, body, format="json")
        assert response.status_code == 404, (method, url)
        assert run.connection.name not in response.content.decode()
    assert run.connection.pk not in {c["id"] for c in admin.get(URL).json()["results"]}
    assert CrmConnection.objects.filter(pk=run.connection_id).exclude(name="Taken over").exists()
    assert SyncRun.objects.count() == 1


def test_the_list_costs_the_same_with_1_or_5_connections(
    admin, workspace, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            connection = CrmConnectionFactory.create(workspace=workspace)
            connection.last_run = SyncRunFactory.create(connection=connection)
            connection.save()

    add(1)
    with CaptureQueriesContext(db) as one:
        assert admin.get(URL).status_code == 200
    add(4)
    with django_assert_max_num_queries(len(one)):
        response = admin.get(URL)
    assert response.json()["count"] == 5
    assert all(c["last_run"]["state"] == "succeeded" for c in response.json()["results"])


def test_a_malformed_run_id_is_a_json_404(admin, sf_connection):
    for run_id in ("-1.6e-244", "abc", "1.5"):
        response = admin.get(f"{URL}{sf_connection.pk}/runs/{run_id}/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
