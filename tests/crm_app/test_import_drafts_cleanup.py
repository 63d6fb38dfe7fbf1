"""Drafts nobody ran are deleted with their stored files after DEALLENS_IMPORT_DRAFT_HOURS, by a
beat task; recent drafts and queued, running and finished imports stay."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm_app.models import ImportJob
from crm_app.services.import_jobs import import_drafts_delete, import_job_create
from crm_app.tasks import import_drafts_delete as import_drafts_delete_task

pytestmark = pytest.mark.django_db

ACCOUNTS = "Id,Name,Industry\n001A,Acme,Software\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEALLENS_IMPORT_DRAFT_HOURS = 24


def _draft(workspace, hours_old: float, state=ImportJob.State.DRAFT) -> ImportJob:
    upload = SimpleUploadedFile("Account.csv", ACCOUNTS.encode(), content_type="text/csv")
    job, _ = import_job_create(workspace=workspace, uploads=[upload])
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, updated_at=timezone.now() - dt.timedelta(hours=hours_old)
    )
    return job


def _stored(job: ImportJob) -> bool:
    return Path(job.files[0]["path"]).is_file()


def test_drafts_older_than_the_setting_go_with_their_files(workspace, other_workspace):
    old = _draft(workspace, hours_old=25)
    theirs = _draft(other_workspace, hours_old=30)
    recent = _draft(workspace, hours_old=2)
    assert _stored(old) and _stored(theirs)

    assert import_drafts_delete() == 2

    assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not _stored(old) and not _stored(theirs)
    assert _stored(recent)


def test_queued_running_and_finished_imports_are_left_alone(workspace):
    kept = [
        _draft(workspace, hours_old=48, state=state)
        for state in (
            ImportJob.State.QUEUED,
            ImportJob.State.RUNNING,
            ImportJob.State.SUCCEEDED,
            ImportJob.State.FAILED,
        )
    ]

    assert import_drafts_delete() == 0

    assert ImportJob.objects.count() == 4
    # A queued or running import still needs its files.
    assert _stored(kept[0]) and _stored(kept[1])


def test_folders_no_waiting_import_owns_are_removed_once_old(workspace, settings):
    imports = Path(settings.MEDIA_ROOT) / "imports"
    orphan = imports / str(workspace.pk) / "999999"
    orphan.mkdir(parents=True)
    (orphan / "00-Opportunity.csv").write_text("Id,Name\n")
    fresh = imports / str(workspace.pk) / "999998"
    fresh.mkdir(parents=True)
    day_ago = (timezone.now() - dt.timedelta(hours=25)).timestamp()
    os.utime(orphan, (day_ago, day_ago))

    import_drafts_delete()

    assert not orphan.exists()
    assert fresh.exists()  # an upload being stored right now


def test_the_beat_task_runs_the_cleanup_hourly(workspace):
    _draft(workspace, hours_old=25)

    assert import_drafts_delete_task.delay().get() == 1
    assert ImportJob.objects.count() == 0
    entry = django_settings.CELERY_BEAT_SCHEDULE["crm-import-drafts-delete"]
    assert entry["task"] == "crm_app.tasks.import_drafts_delete"
