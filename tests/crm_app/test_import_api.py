"""POST /api/v1/imports/ → 202 and an import id; GET it for state, counts and row errors."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts_app.models import Membership
from crm_app.models import ImportJob
from deals_app.models import Deal
from tests.api_support import api_client
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HUBSPOT = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "hubspot"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files are stored under MEDIA_ROOT: keep this run's in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(workspace, role=Membership.Role.SALES):
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace=workspace, role=role)
    return api_client(user, workspace), user


def _upload(*paths):
    return [SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv") for p in paths]


def _post(client, files, **data):
    return client.post("/api/v1/imports/", {"files": files, **data}, format="multipart")


def test_an_upload_answers_202_and_the_import_reports_its_counts(
    workspace, django_capture_on_commit_callbacks
):
    client, user = _client(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _upload(*HUBSPOT.glob("*.csv")))

    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert response["Location"] == f"/api/v1/imports/{job_id}/"

    detail = client.get(f"/api/v1/imports/{job_id}/").json()
    assert detail["state"] == "succeeded"
    assert detail["progress"] == 100
    assert detail["counts"]["deal"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    assert detail["counts"]["deal_role"]["created"] == 7
    assert detail["errors"] == []
    assert {f["name"]: f["kind"] for f in detail["files"]} == {
        "companies.csv": "account",
        "contacts.csv": "contact",
        "deals.csv": "deal",
    }
    assert detail["created_by"] == user.username
    assert Deal.objects.filter(workspace=workspace).count() == 4

    listing = client.get("/api/v1/imports/").json()
    assert listing["count"] == 1
    assert listing["results"][0]["id"] == job_id


def test_row_errors_are_listed_with_file_line_and_column(
    workspace, tmp_path, django_capture_on_commit_callbacks
):
    bad = tmp_path / "deals.csv"
    bad.write_text(
        "Record ID,Deal Name,Deal Stage,Amount,Associated Company IDs\n"
        "1,Ok,Closed Won,10,404\n2,Negative,Closed Won,-5,404\n"
    )
    client, _ = _client(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _upload(bad))
    detail = client.get(response.json()["url"]).json()
    assert detail["state"] == "failed"
    assert detail["error_count"] == 2
    assert [(e["file"], e["line"], e["column"], e["value"]) for e in detail["errors"]] == [
        ("deals.csv", 2, "Associated Company IDs", "404"),
        ("deals.csv", 3, "Amount", "-5"),
    ]
    assert "No account with id 404" in detail["errors"][0]["message"]
    assert Deal.objects.count() == 0


def test_a_generic_file_imports_with_a_mapping(
    workspace, tmp_path, django_capture_on_commit_callbacks
):
    accounts = tmp_path / "customers.csv"
    accounts.write_text("code,company,employees\nC1,Acme,120\nC2,Globex,8\n")
    mapping = {
        "customers.csv": {
            "kind": "account",
            "columns": {"external_id": "code", "name": "company", "employee_count": "employees"},
        }
    }
    client, _ = _client(workspace, Membership.Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _upload(accounts), mapping=json.dumps(mapping))
    assert response.status_code == 202, response.content
    detail = client.get(response.json()["url"]).json()
    assert detail["counts"]["account"]["created"] == 2


@pytest.mark.parametrize(
    ("files", "data", "field"),
    [
        ([], {}, "files"),
        ("unrecognised", {}, "files"),
        ("empty", {}, "files"),
        ("unrecognised", {"mapping": "{not json"}, "mapping"),
        ("unrecognised", {"mapping": "[1, 2]"}, "mapping"),
        ("unrecognised", {"mapping": '{"products.csv": {"kind": "a\\u0000"}}'}, "mapping"),
    ],
)
def test_a_bad_upload_is_a_400_with_field_messages(workspace, tmp_path, files, data, field):
    if files == "unrecognised":
        path = tmp_path / "products.csv"
        path.write_text("sku,price\nX,1\n")
        files = _upload(path)
    elif files == "empty":
        files = [SimpleUploadedFile("empty.csv", b"", content_type="text/csv")]
    client, _ = _client(workspace)
    response = _post(client, files, **data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("role", [Membership.Role.PM, Membership.Role.EXEC])
def test_only_admins_and_sales_may_import(workspace, role):
    client, _ = _client(workspace, role)
    response = _post(client, _upload(HUBSPOT / "companies.csv"))
    assert response.status_code == 403
    assert client.get("/api/v1/imports/").status_code == 200


def test_another_workspaces_import_is_not_found(
    workspace, other_workspace, django_capture_on_commit_callbacks
):
    theirs, _ = _client(other_workspace)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = _post(theirs, _upload(HUBSPOT / "companies.csv")).json()["id"]
    mine, _ = _client(workspace)
    assert mine.get(f"/api/v1/imports/{job_id}/").status_code == 404
    assert mine.get("/api/v1/imports/").json()["count"] == 0


def test_anonymous_requests_are_401():
    response = api_client().post("/api/v1/imports/", {}, format="multipart")
    assert response.status_code == 401
