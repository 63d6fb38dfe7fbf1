"""Starting an import with the task queue (Redis) down: a 503 or a page message, the job back
to draft with its files, nothing written; starting it again once the queue is back works."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu.exceptions import OperationalError

from accounts_app.models import Membership
from crm_app.models import ImportJob
from crm_app.services.import_jobs import import_job_create
from crm_app.tasks import import_execute
from deals_app.models import Deal
from tests.api_support import api_client
from tests.factories import MembershipFactory, UserFactory

# Real commits: the task is sent in an on-commit callback, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

HUBSPOT = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "hubspot"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queue_down(monkeypatch):
    """A broker that refuses every send, as kombu does when Redis is unreachable."""
    sent = []

    def refuse(*args, **kwargs):
        sent.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setitem(import_execute.app.conf, "task_always_eager", False)
    monkeypatch.setattr(import_execute, "apply_async", refuse)
    return sent


def _sales_client(workspace):
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace=workspace, role=Membership.Role.SALES)
    return api_client(user, workspace), user


def _upload():
    return [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted(HUBSPOT.glob("*.csv"))
    ]


def test_the_api_answers_503_and_keeps_the_import_as_a_draft(workspace, queue_down):
    client, _ = _sales_client(workspace)

    response = client.post("/api/v1/imports/", {"files": _upload()}, format="multipart")

    assert response.status_code == 503, response.content
    assert "task queue is unavailable" in response.json()["detail"]
    assert len(queue_down) == 1
    job = ImportJob.objects.get(workspace=workspace)
    assert job.state == ImportJob.State.DRAFT  # not "queued" forever with no task behind it
    assert len(job.files) == 3
    assert not Deal.objects.filter(workspace=workspace).exists()


def test_the_page_says_so_and_the_same_import_starts_once_the_queue_is_back(
    workspace, queue_down, monkeypatch, client
):
    _, user = _sales_client(workspace)
    client.force_login(user)
    job, problems = import_job_create(workspace=workspace, user=user, uploads=_upload())
    assert problems == []

    response = client.post(f"/imports/{job.pk}/run/", follow=True)

    assert response.status_code == 200
    assert "task queue is unavailable" in response.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DRAFT

    monkeypatch.undo()  # the queue is back (eager: the task runs in-process)
    client.post(f"/imports/{job.pk}/run/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED
    assert Deal.objects.filter(workspace=workspace).count() == 4
