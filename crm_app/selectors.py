"""Reads of crm_app: import jobs of a workspace and what their stored files hold."""

from django.db.models import QuerySet

from accounts_app.models import Workspace
from crm_app.ingest.sources import SourceFile
from crm_app.models import ImportJob


def import_job_list(*, workspace: Workspace | int) -> QuerySet[ImportJob]:
    """The workspace's imports, newest first."""
    return ImportJob.objects.for_workspace(workspace).select_related("created_by")


def import_job_get(*, workspace: Workspace | int, pk: int | str) -> ImportJob:
    return import_job_list(workspace=workspace).get(pk=pk)


def import_job_sources(job: ImportJob) -> list[SourceFile]:
    return [SourceFile.from_json(data) for data in job.files]


def import_job_problems(job: ImportJob) -> list[str]:
    return [f"{s.name}: {s.status}" for s in import_job_sources(job) if not s.ready]
