"""A migrated org's export: deals whose CreatedDate is the migration's load date, after they
closed. They are imported with the opening date unknown (left out of cycle times), and each one
is a warning in the report, on the import page and in the API, instead of refusing the import."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm_app.models import ImportJob
from deals_app.models import Deal
from tests.api_support import api_client

pytestmark = pytest.mark.django_db

ACCOUNTS = "Id,Name,Industry\n001A,Acme Observability,Software\n"
OPPORTUNITIES = (
    "Id,AccountId,Name,StageName,Amount,CloseDate,CreatedDate\n"
    "006A,001A,Renewal 2019,Closed Won,12000,2019-03-31,2023-06-01T09:12:00.000Z\n"
    "006B,001A,Expansion,Prospecting,5000,2024-11-30,2024-02-01T10:00:00.000Z\n"
    "006C,001A,Pilot 2020,Closed Lost,800,2020-07-15,2023-06-01T09:12:00.000Z\n"
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _files():
    return [
        SimpleUploadedFile("Account.csv", ACCOUNTS.encode(), content_type="text/csv"),
        SimpleUploadedFile("Opportunity.csv", OPPORTUNITIES.encode(), content_type="text/csv"),
    ]


def test_deals_closed_before_they_were_created_are_kept_and_listed_as_warnings(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member("sales"))
    client.post("/imports/", {"files": _files()})
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job.pk}/run/")

    job.refresh_from_db()
    assert job.state == "succeeded", job.report
    deals = {d.external_id: d for d in Deal.objects.all()}
    assert (deals["006A"].created_on, deals["006A"].close_date) == (None, dt.date(2019, 3, 31))
    assert deals["006C"].created_on is None
    assert deals["006B"].created_on == dt.date(2024, 2, 1)  # a normal row keeps its date

    page = client.get(f"/imports/{job.pk}/")
    warnings = page.context["warnings"]
    assert [(w["file"], w["line"], w["column"], w["value"]) for w in warnings] == [
        ("Opportunity.csv", 2, "CreatedDate", "2023-06-01"),
        ("Opportunity.csv", 4, "CreatedDate", "2023-06-01"),
    ]
    assert warnings[0]["message"] == (
        "Opened 2023-06-01, after its close date 2019-03-31 (a data migration's load date?): "
        "imported with the opening date unknown, so it is left out of cycle times."
    )
    html = page.content.decode()
    assert html.count('data-testid="import-warning"') == 2
    assert "after its close date 2020-07-15" in html
    assert "Warnings: 2" in job.report
    assert "Opportunity.csv line 4, column CreatedDate, value '2023-06-01'" in job.report


def test_the_api_lists_them_too(workspace, member, django_capture_on_commit_callbacks):
    client = api_client(member("sales"), workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"files": _files()}, format="multipart")

    detail = client.get(response.json()["url"]).json()
    assert detail["state"] == "succeeded"
    assert [(w["line"], w["column"]) for w in detail["warnings"]] == [
        (2, "CreatedDate"),
        (4, "CreatedDate"),
    ]
    assert detail["counts"]["deal"]["created"] == 3


def test_a_refused_import_lists_no_row_warnings(
    workspace, member, django_capture_on_commit_callbacks
):
    """Nothing was imported: a "kept with its opening date unknown" would be untrue."""
    client = api_client(member("sales"), workspace)
    bad = OPPORTUNITIES + "006D,001Z,Orphan,Prospecting,1,2024-11-30,2024-02-01\n"
    files = [
        SimpleUploadedFile("Account.csv", ACCOUNTS.encode(), content_type="text/csv"),
        SimpleUploadedFile("Opportunity.csv", bad.encode(), content_type="text/csv"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"files": files}, format="multipart")

    detail = client.get(response.json()["url"]).json()
    assert (detail["state"], detail["error_count"], detail["warnings"]) == ("failed", 1, [])
    assert Deal.objects.count() == 0
