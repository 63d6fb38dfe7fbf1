"""/imports/: upload, recognition, the mapping screen, run, status, report, history."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts_app.models import Account
from crm_app.models import ImportJob
from tests.factories import ImportJobFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

HUBSPOT = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "hubspot"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files are stored under MEDIA_ROOT: keep this run's in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sales(client, member):
    user = member("sales")
    client.force_login(user)
    return client


def _upload(client, *files):
    return client.post("/imports/", {"files": list(files)})


def _csv(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_upload_shows_what_each_file_was_recognised_as(sales):
    files = [_csv(p.name, p.read_text()) for p in sorted(HUBSPOT.glob("*.csv"))]
    response = _upload(sales, *files)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"

    page = sales.get(f"/imports/{job.pk}/").content.decode()
    assert "HubSpot companies export" in page and "HubSpot deals export" in page
    assert "Run import" in page
    assert job.state == "draft"
    assert Account.objects.count() == 0  # nothing is written before the run


def test_run_imports_and_shows_the_report(sales, django_capture_on_commit_callbacks):
    _upload(sales, *[_csv(p.name, p.read_text()) for p in HUBSPOT.glob("*.csv")])
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = sales.post(f"/imports/{job.pk}/run/")
    assert response.status_code == 302
    page = sales.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="import-succeeded"' in page
    assert 'value="100"' in page
    assert Account.objects.count() == 3
    assert sales.get(f"/imports/{job.pk}/status/").json() == {
        "state": "succeeded",
        "state_label": "Imported",
        "progress": 100,
        "message": "",
        "finished": True,
    }
    history = sales.get("/imports/").content.decode()
    assert f"#{job.pk}" in history and "Imported" in history


def test_a_refused_import_lists_its_bad_rows(sales, django_capture_on_commit_callbacks):
    _upload(
        sales,
        _csv(
            "deals.csv",
            "Record ID,Deal Name,Deal Stage,Associated Company IDs\n1,Lost cause,Closed Lost,404\n",
        ),
    )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        sales.post(f"/imports/{job.pk}/run/")
    page = sales.get(f"/imports/{job.pk}/").content.decode()
    assert "Nothing was imported: 1 problem" in page
    assert "No account with id 404 in these files or in the workspace." in page


def test_an_unrecognised_file_gets_a_mapping_screen_with_guesses(
    sales, django_capture_on_commit_callbacks
):
    _upload(
        sales,
        _csv(
            "customers.csv",
            "customer_id,account_name_text,industry_sector,staff\nC1,Acme,Software,120\n",
        ),
    )
    job = ImportJob.objects.get()
    detail = sales.get(f"/imports/{job.pk}/").content.decode()
    assert "Columns not recognised" in detail and "Map columns" in detail

    screen = sales.get(f"/imports/{job.pk}/files/0/map/?kind=account")
    form = screen.context["form"]
    assert form["col_name"].initial == "account_name_text"
    assert form["col_industry"].initial == "industry_sector"

    response = sales.post(
        f"/imports/{job.pk}/files/0/map/",
        {
            "shown_kind": "account",
            "kind": "account",
            "col_external_id": "customer_id",
            "col_name": "account_name_text",
            "col_industry": "industry_sector",
            "col_employee_count": "staff",
        },
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.files[0]["kind"] == "account"
    with django_capture_on_commit_callbacks(execute=True):
        sales.post(f"/imports/{job.pk}/run/")
    account = Account.objects.get(external_id="C1")
    assert (account.name, account.employee_count) == ("Acme", 120)


def test_the_mapping_screen_requires_the_required_fields(sales):
    _upload(sales, _csv("customers.csv", "customer_id,company_name\nC1,Acme\n"))
    job = ImportJob.objects.get()
    response = sales.post(
        f"/imports/{job.pk}/files/0/map/",
        {"shown_kind": "account", "kind": "account", "col_name": "company_name"},
    )
    assert response.status_code == 200
    assert "Choose a column for Record id" in response.content.decode()


def test_changing_the_kind_shows_that_kinds_fields(sales):
    _upload(sales, _csv("x.csv", "a,b\n1,2\n"))
    job = ImportJob.objects.get()
    response = sales.post(
        f"/imports/{job.pk}/files/0/map/",
        {"shown_kind": "account", "kind": "deal", "change_kind": "1"},
    )
    assert response["Location"] == f"/imports/{job.pk}/files/0/map/?kind=deal"
    assert "col_stage" in sales.get(response["Location"]).context["form"].fields


@pytest.mark.parametrize("role", ["pm", "exec"])
def test_readers_see_imports_but_cannot_upload_or_run(client, member, role):
    client.force_login(member(role))
    page = client.get("/imports/")
    assert page.status_code == 200
    assert 'data-testid="upload-form"' not in page.content.decode()
    assert _upload(client, _csv("a.csv", "Id,Name,Industry\n1,A,x\n")).status_code == 403


def test_another_workspaces_import_is_not_found(client, member, workspace):
    other = WorkspaceFactory.create(slug="elsewhere")
    job = ImportJob.objects.create(workspace=other)
    client.force_login(member("admin"))
    for url in (
        f"/imports/{job.pk}/",
        f"/imports/{job.pk}/status/",
        f"/imports/{job.pk}/files/0/map/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/imports/{job.pk}/run/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/imports/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_history_query_count_does_not_grow(sales, workspace, assert_query_baseline):
    ImportJobFactory.create_batch(3, workspace=workspace)
    with assert_query_baseline("page /imports/"):
        page = sales.get("/imports/")
    assert page.content.decode().count("1 created") == 3
    ImportJobFactory.create_batch(20, workspace=workspace)
    with assert_query_baseline("page /imports/"):
        sales.get("/imports/")
