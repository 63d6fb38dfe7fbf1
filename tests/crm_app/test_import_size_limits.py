"""An import upload past DEALLENS_IMPORT_MAX_FILE_MB (one file) or DEALLENS_IMPORT_MAX_TOTAL_MB
(all files) is refused on the page, the API and the command, with a message naming the file and
the limit; it is stopped while it streams in, and nothing is kept under MEDIA_ROOT/imports."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from crm_app.models import ImportJob
from tests.api_support import api_client

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
HEADER = b"Id,Name,Industry\n"


@pytest.fixture(autouse=True)
def _limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEALLENS_IMPORT_MAX_FILE_MB = 1
    settings.DEALLENS_IMPORT_MAX_TOTAL_MB = 2


def _account_csv(name: str, size: int) -> SimpleUploadedFile:
    """A real Salesforce-looking Account file of about ``size`` bytes."""
    row = b"0015g00000XyZ01AAA,Acme Observability,Software\n"
    body = HEADER + row * max(1, (size - len(HEADER)) // len(row))
    return SimpleUploadedFile(name, body, content_type="text/csv")


def _nothing_kept(settings) -> bool:
    imports = Path(settings.MEDIA_ROOT) / "imports"
    return ImportJob.objects.count() == 0 and not any(imports.rglob("*.csv"))


@pytest.fixture
def sales(client, member):
    client.force_login(member("sales"))
    return client


def test_the_page_refuses_a_file_past_the_limit_and_keeps_nothing(sales, settings):
    response = sales.post("/imports/", {"files": [_account_csv("Account.csv", 3 * MB // 2)]})

    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert errors == [
        "Account.csv is larger than 1 MB; one import file may be at most 1 MB. Nothing was "
        "kept: split the file, or export fewer columns."
    ]
    assert "Account.csv is larger than 1 MB" in response.content.decode()
    assert _nothing_kept(settings)


def test_the_page_refuses_files_past_the_total_and_names_the_file_that_passed_it(sales, settings):
    files = [_account_csv(f"Account{i}.csv", 900 * 1024) for i in range(1, 4)]
    response = sales.post("/imports/", {"files": files})

    assert response.context["form"].errors["files"] == [
        "With Account3.csv these files pass 2 MB, the most one import may hold. Nothing was "
        "kept: import them in several parts."
    ]
    assert _nothing_kept(settings)


def test_the_upload_stops_while_streaming(sales, settings, monkeypatch):
    """Django's own handlers (memory, then a temporary file) never see more than the limit and
    a chunk, however large the file."""
    seen = []
    receive = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        seen.append(len(raw_data))
        return receive(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    response = sales.post("/imports/", {"files": [_account_csv("Opportunity.csv", 12 * MB)]})

    assert "Opportunity.csv is larger than 1 MB" in response.content.decode()
    assert sum(seen) <= 1 * MB + TemporaryFileUploadHandler.chunk_size
    assert _nothing_kept(settings)


def test_files_within_the_limits_are_kept_as_a_draft(sales, settings):
    response = sales.post("/imports/", {"files": [_account_csv("Account.csv", MB - 4096)]})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == "draft"
    assert len(list((Path(settings.MEDIA_ROOT) / "imports").rglob("*.csv"))) == 1


def test_the_api_refuses_a_file_past_the_limit_with_a_400(workspace, member, settings):
    client = api_client(member("sales"), workspace)
    response = client.post(
        "/api/v1/imports/",
        {"files": [_account_csv("Account.csv", 3 * MB // 2)]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["files"] == [
        "Account.csv is larger than 1 MB; one import file may be at most 1 MB. Nothing was "
        "kept: split the file, or export fewer columns."
    ]
    assert _nothing_kept(settings)


def test_the_api_with_a_session_refuses_it_too(workspace, member, settings):
    """A signed-in browser's API call: the CSRF check reads the body, after the limit."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member("sales"))
    client.get("/imports/")  # sets the CSRF cookie
    response = client.post(
        "/api/v1/imports/",
        {"files": [_account_csv("Account.csv", 3 * MB // 2)]},
        format="multipart",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
        HTTP_X_WORKSPACE=workspace.slug,
    )

    assert response.status_code == 400, response.content
    assert "Account.csv is larger than 1 MB" in response.json()["files"][0]
    assert _nothing_kept(settings)


def test_the_command_refuses_a_file_past_the_limit(workspace, tmp_path, settings):
    path = tmp_path / "Contact.csv"
    path.write_bytes(_account_csv("Contact.csv", 3 * MB // 2).read())

    limit = r"Contact.csv is 1.5 MB; one import file may be at most 1 MB"
    with pytest.raises(CommandError, match=limit):
        call_command("import_crm", "--workspace", workspace.slug, str(path))
    assert ImportJob.objects.count() == 0
