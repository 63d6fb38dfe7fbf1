"""import.finished and sync.failed (PRODUCT.md §12), written with the outcome they report."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts_app.models import Membership
from crm_app.services.connections import connection_update
from events_app.models import Event
from tests.api_support import api_client
from tests.crm_app.sync_support import sync
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HUBSPOT = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "hubspot"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_finished_import_writes_import_finished_with_its_counts(
    workspace, django_capture_on_commit_callbacks
):
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace=workspace, role=Membership.Role.SALES)
    client = api_client(user, workspace)
    files = [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in HUBSPOT.glob("*.csv")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"files": files}, format="multipart")
    assert response.status_code == 202, response.content
    event = Event.objects.get(type="import.finished")
    job_id = response.json()["id"]
    assert event.object_url == f"/imports/{job_id}/"
    assert event.data["state"] == "succeeded"
    assert event.data["counts"]["deal"]["created"] == 4
    assert event.actor == user
    assert "4 deals" in event.summary


def test_a_failing_connection_writes_sync_failed_once_not_every_run(sf_connection, workspace):
    connection_update(
        connection=sf_connection,
        workspace=workspace,
        credentials={"client_id": "deallens-test-client", "client_secret": "wrong-secret-9f3a"},
    )
    sync(sf_connection)
    failed = Event.objects.get(type="sync.failed")
    assert failed.object_url == f"/settings/integrations/{sf_connection.pk}/"
    assert "rejected the client id and secret" in failed.summary
    assert "wrong-secret-9f3a" not in str(failed.data) + failed.summary
    sync(sf_connection)
    sync(sf_connection)
    assert Event.objects.filter(type="sync.failed").count() == 1  # still failing: no repeat yet


def test_a_successful_sync_writes_no_failure(sf_connection):
    run = sync(sf_connection)
    assert run.state == "succeeded", run.message
    assert not Event.objects.filter(type="sync.failed").exists()
