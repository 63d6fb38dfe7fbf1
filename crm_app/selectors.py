"""Reads of crm_app: import jobs of a workspace and what their stored files hold, the
workspace's CRM connections with their sync runs, and its own stage labels."""

from django.db.models import QuerySet

from accounts_app.models import Account, Workspace
from crm_app.ingest.sources import SourceFile, skipped_sources
from crm_app.models import CrmConnection, ImportJob, StageAlias, SyncRun
from deals_app.models import Deal
from personas_app.models import Contact


def import_job_list(*, workspace: Workspace | int) -> QuerySet[ImportJob]:
    """The workspace's imports, newest first."""
    return ImportJob.objects.for_workspace(workspace).select_related("created_by")


def import_job_get(*, workspace: Workspace | int, pk: int | str) -> ImportJob:
    return import_job_list(workspace=workspace).get(pk=pk)


def import_job_sources(job: ImportJob) -> list[SourceFile]:
    return [SourceFile.from_json(data) for data in job.files]


def import_job_problems(job: ImportJob) -> list[str]:
    """What stops a draft from running: files not ready, except the skipped ones."""
    sources = import_job_sources(job)
    skipped = {id(s) for s in skipped_sources(sources)}
    return [f"{s.name}: {s.status}" for s in sources if not s.ready and id(s) not in skipped]


def import_job_warnings(job: ImportJob) -> list[dict]:
    """The report's warnings, file by file: files skipped, rows kept with a caveat."""
    return [warning for data in job.files for warning in data.get("warnings") or []]


def crm_deleted_counts(*, workspace: Workspace | int) -> dict[str, int]:
    """How many deals, contacts and accounts the CRM deleted and an admin has not purged."""
    return {
        label: model.all_objects.for_workspace(workspace)
        .filter(crm_deleted_at__isnull=False)
        .count()
        for label, model in (("deals", Deal), ("contacts", Contact), ("accounts", Account))
    }


def connection_list(*, workspace: Workspace | int) -> QuerySet[CrmConnection]:
    """The workspace's CRM connections by name, each with its last run (one query)."""
    return CrmConnection.objects.for_workspace(workspace).select_related("last_run")


def connection_get(*, workspace: Workspace | int, pk: int | str) -> CrmConnection:
    """One connection of the workspace; another workspace's is ``DoesNotExist``."""
    return connection_list(workspace=workspace).get(pk=pk)


def sync_run_list(*, connection: CrmConnection) -> QuerySet[SyncRun]:
    """The connection's runs, newest first (scoped to its workspace as well)."""
    return (
        SyncRun.objects.for_workspace(connection.workspace_id)
        .filter(connection=connection)
        .order_by("-created_at", "-id")
    )


def sync_run_get(*, workspace: Workspace | int, pk: int | str) -> SyncRun:
    """One run of the workspace; another workspace's is ``DoesNotExist``."""
    return SyncRun.objects.for_workspace(workspace).select_related("connection").get(pk=pk)


def sync_run_active(*, connection: CrmConnection) -> SyncRun | None:
    """The connection's queued or running run, if any (at most one: a constraint)."""
    return sync_run_list(connection=connection).filter(state__in=SyncRun.ACTIVE).first()


def stage_map_entries(connection: CrmConnection) -> list[dict]:
    """The connection's CRM stages, by pipeline and then in each pipeline's order:
    {"id", "label", "pipeline", "pipeline_id", "order", "closed", "probability", "stage",
    "auto"} (``auto`` false: an admin chose ``stage``)."""
    entries = [
        {"id": stage_id, **entry, "pipeline": entry.get("pipeline") or "Pipeline"}
        for stage_id, entry in (connection.stage_map or {}).items()
    ]
    return sorted(entries, key=lambda s: (s["pipeline"], s.get("order", 0), s["label"]))


def stage_map_pipelines(connection: CrmConnection) -> list[tuple[str, list[dict]]]:
    """The same stages grouped for the page: (pipeline label, [stage, …])."""
    pipelines: dict[str, list[dict]] = {}
    for entry in stage_map_entries(connection):
        pipelines.setdefault(entry["pipeline"], []).append(entry)
    return list(pipelines.items())


def stage_alias_list(*, workspace: Workspace | int) -> QuerySet[StageAlias]:
    """The stage labels the workspace's imports and syncs met that the vocabulary does not
    know: unmapped ones first, then by label."""
    return StageAlias.objects.for_workspace(workspace).order_by("stage", "value", "id")


def stage_alias_map(*, workspace: Workspace | int) -> dict[str, str]:
    """Normalised label → the stage an admin chose, for the parsers of an import or sync."""
    return dict(
        StageAlias.objects.for_workspace(workspace).exclude(stage="").values_list("key", "stage")
    )
