"""A whole Salesforce export folder: the object files import, the files that are not accounts,
contacts, deals or deal roles (price books, products, line items) are skipped and listed in the
report and on the page, without blocking "Run import"; a file can also be removed from a draft."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm_app.models import ImportJob
from deals_app.models import Deal
from tests.api_support import api_client
from tests.fixtures.imports.support import acceptance_dir, read_rows

pytestmark = pytest.mark.django_db

OBJECTS = ["Account.csv", "Contact.csv", "Opportunity.csv", "OpportunityContactRole.csv"]
EXTRAS = ["OpportunityLineItem.csv", "Pricebook2.csv", "PricebookEntry.csv", "Product2.csv"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def folder() -> Path:
    path = acceptance_dir() / "salesforce_cpq_demo_export"
    assert sorted(p.name for p in path.glob("*.csv")) == sorted(OBJECTS + EXTRAS)
    return path


def _uploads(folder: Path, names=None) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted(folder.glob("*.csv"))
        if names is None or p.name in names
    ]


@pytest.fixture
def sales(client, member):
    client.force_login(member("sales"))
    return client


def test_the_api_imports_the_folder_and_lists_the_skipped_files(
    workspace, member, folder, django_capture_on_commit_callbacks
):
    client = api_client(member("sales"), workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"files": _uploads(folder)}, format="multipart")
    assert response.status_code == 202, response.content

    detail = client.get(response.json()["url"]).json()
    assert detail["state"] == "succeeded", detail["errors"]
    assert {f["name"] for f in detail["files"] if f["skipped"]} == set(EXTRAS)
    assert [w["file"] for w in detail["warnings"]] == sorted(EXTRAS)
    assert all("skipped, nothing is read from it" in w["message"] for w in detail["warnings"])
    assert detail["counts"]["deal"]["created"] == len(read_rows(folder / "Opportunity.csv"))
    assert Deal.objects.filter(workspace=workspace).count() == len(
        read_rows(folder / "Opportunity.csv")
    )
    job = ImportJob.objects.get()
    assert "Product2.csv: not recognised → skipped" in job.report


def test_the_page_shows_the_skipped_files_and_runs_without_them(
    sales, folder, django_capture_on_commit_callbacks
):
    sales.post("/imports/", {"files": _uploads(folder)})
    job = ImportJob.objects.get()

    draft = sales.get(f"/imports/{job.pk}/")
    page = draft.content.decode()
    assert page.count('data-testid="file-skipped"') == 4
    assert draft.context["problems"] == []
    assert 'data-testid="run-import">' in page  # not disabled

    with django_capture_on_commit_callbacks(execute=True):
        sales.post(f"/imports/{job.pk}/run/")
    report = sales.get(f"/imports/{job.pk}/")
    job.refresh_from_db()
    assert job.state == "succeeded", job.report
    assert [w["file"] for w in report.context["warnings"]] == sorted(EXTRAS)
    assert 'data-testid="import-warnings"' in report.content.decode()
    assert {f["name"]: f["rows"] for f in job.files}["Product2.csv"] == 0


def test_a_file_can_be_removed_from_a_draft(sales, folder):
    sales.post("/imports/", {"files": _uploads(folder, ["Account.csv", "Product2.csv"])})
    job = ImportJob.objects.get()
    product = next(f for f in job.files if f["name"] == "Product2.csv")
    index = job.files.index(product)

    response = sales.post(f"/imports/{job.pk}/files/{index}/remove/", {"name": "Product2.csv"})

    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert [f["name"] for f in job.files] == ["Account.csv"]
    assert not Path(product["path"]).exists()
    assert Path(job.files[0]["path"]).is_file()


def test_a_second_click_removes_nothing_more(sales, folder):
    sales.post("/imports/", {"files": _uploads(folder, ["Account.csv", "Product2.csv"])})
    job = ImportJob.objects.get()
    index = [f["name"] for f in job.files].index("Product2.csv")
    sales.post(f"/imports/{job.pk}/files/{index}/remove/", {"name": "Product2.csv"})

    response = sales.post(
        f"/imports/{job.pk}/files/{index}/remove/", {"name": "Product2.csv"}, follow=True
    )

    assert "Product2.csv is no longer in this import." in response.content.decode()
    job.refresh_from_db()
    assert [f["name"] for f in job.files] == ["Account.csv"]


def test_removing_the_last_file_discards_the_draft(sales, folder, settings):
    sales.post("/imports/", {"files": _uploads(folder, ["Product2.csv"])})
    job = ImportJob.objects.get()

    response = sales.post(f"/imports/{job.pk}/files/0/remove/", {"name": "Product2.csv"})

    assert response["Location"] == "/imports/"
    assert not ImportJob.objects.exists()
    assert not any((Path(settings.MEDIA_ROOT) / "imports").rglob("*.csv"))


def test_a_started_import_keeps_its_files(sales, folder):
    sales.post("/imports/", {"files": _uploads(folder, ["Account.csv", "Product2.csv"])})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)

    response = sales.post(f"/imports/{job.pk}/files/0/remove/", follow=True)

    assert "This import has started already" in response.content.decode()
    assert len(ImportJob.objects.get().files) == 2


def test_a_lone_unrecognised_file_still_asks_for_a_mapping(sales, folder):
    sales.post("/imports/", {"files": _uploads(folder, ["Product2.csv"])})
    job = ImportJob.objects.get()

    page = sales.get(f"/imports/{job.pk}/")

    assert page.context["problems"] == [
        "Product2.csv: Columns not recognised: map them to a kind of record."
    ]
    assert 'data-testid="file-skipped"' not in page.content.decode()
