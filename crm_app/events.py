"""The events crm_app writes (PRODUCT.md §12), in the transaction that records the outcome:
``import.finished`` when an import ends (either way) and ``sync.failed`` when a connection's
run fails — the first failure after a success, then every ``SYNC_FAILED_REPEAT``th in a row, so
a connection that keeps failing is heard about without a message every 15 minutes."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.urls import reverse

from deals_app.events import deal_risk_watch, deal_stage_events
from deals_app.models import Deal, DealRole
from events_app.models import EventType
from events_app.services import event_record
from personas_app.models import Contact

from .ingest.recognition import CONTACT, DEAL, DEAL_ROLE
from .models import CrmConnection, ImportJob, SyncRun

SYNC_FAILED_REPEAT = 10


def import_finished_event(job: ImportJob) -> None:
    ok = job.state == ImportJob.State.SUCCEEDED
    totals = {
        kind: sum(c.get(k, 0) for k in ("created", "updated"))
        for kind, c in (job.counts or {}).items()
    }
    written = ", ".join(f"{n:,} {kind.replace('_', ' ')}s" for kind, n in totals.items() if n)
    summary = (
        f"Import #{job.pk} finished: {written or 'nothing new'}"
        if ok
        else f"Import #{job.pk} failed: {job.error_count:,} rows to fix, nothing imported"
    )
    event_record(
        workspace=job.workspace_id,
        type=EventType.IMPORT_FINISHED,
        object_type="import",
        object_id=job.pk,
        object_url=reverse("import-detail", args=[job.pk]),
        summary=summary,
        data={
            "import_id": job.pk,
            "state": job.state,
            "counts": job.counts or {},
            "error_count": job.error_count,
            "created_by_id": job.created_by_id,
        },
        actor=job.created_by,
    )


def sync_failed_event(run: SyncRun, connection: CrmConnection) -> None:
    failures = connection.consecutive_failures
    if failures != 1 and failures % SYNC_FAILED_REPEAT:
        return
    again = "" if failures == 1 else f" ({failures} runs in a row)"
    event_record(
        workspace=run.workspace_id,
        type=EventType.SYNC_FAILED,
        object_type="integration",
        object_id=connection.pk,
        object_url=reverse("integration-detail", args=[connection.pk]),
        summary=f"{connection.name} sync failed{again}: {run.message}"[:300],
        data={
            "connection_id": connection.pk,
            "connection": connection.name,
            "kind": connection.kind,
            "run_id": run.pk,
            "message": run.message,
            "consecutive_failures": failures,
        },
    )


@contextmanager
def sync_page_watch(
    *,
    workspace_id: int,
    kind: str,
    records: list[dict[str, str]],
    complete_deals: list[str] | None = None,
    incremental: bool = True,
    deleted: list[str] | None = None,
) -> Iterator[None]:
    """Around one page an incremental sync writes (in its transaction): the stage events of
    the deals it moves (``deal.won`` from the CRM) and the risk events of the deals whose roles
    or people it changes, or ``deleted`` (CRM ids) removes. A first or full read reports
    nothing: every deal would "change"."""
    if not incremental or kind not in (DEAL, DEAL_ROLE, CONTACT):
        yield
        return
    ids = ({r.get("Id", "") for r in records} | set(deleted or ())) - {""}
    if kind == DEAL_ROLE:
        ids = {r.get("OpportunityId") or r.get("deal_id") or "" for r in records}
        ids = (ids | set(complete_deals or ())) - {""}
        if deleted:
            gone = DealRole.objects.filter(workspace_id=workspace_id, external_id__in=deleted)
            ids |= set(gone.values_list("deal__external_id", flat=True)) - {""}
    if kind == CONTACT:
        contacts = Contact.all_objects.filter(workspace_id=workspace_id, external_id__in=ids)
        with deal_risk_watch(
            workspace_id=workspace_id,
            contact_ids=tuple(contacts.values_list("pk", flat=True)),
        ):
            yield
        return
    deals = Deal.all_objects.filter(workspace_id=workspace_id, external_id__in=ids)
    if kind == DEAL_ROLE:
        with deal_risk_watch(
            workspace_id=workspace_id, deal_ids=tuple(deals.values_list("pk", flat=True))
        ):
            yield
        return
    stages = dict(deals.values_list("pk", "stage"))
    yield
    moved = [
        deal
        for deal in deals.filter(pk__in=stages).select_related("account")
        if deal.stage != stages[deal.pk]
    ]
    for deal in moved:
        deal_stage_events(deal, old_stage=stages[deal.pk])
