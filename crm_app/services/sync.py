"""Live CRM sync runs: request one, run it (resumably), finish it, and the schedule.

``sync_run_request`` answers a second request while a run is queued or running with that run.
``sync_run_execute`` — the task body — holds a lock for the connection while it runs (on
PostgreSQL a session advisory lock, released by the server if the worker dies), then reads each
object type's changes page by page: every page is written, its mark moved and the run's cursor
and counts saved in one transaction, so a killed worker or a lost network resumes at the last
committed page and a window read twice changes nothing. Deletions follow each object's changes.
"""

import functools
import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts_app.models import Workspace
from common.exceptions import ServiceUnavailable
from common.services import check_owned
from common.taskqueue import BROKER_ERRORS, PUBLISH_RETRY
from crm_app.connectors.base import Connector, ConnectorError, ObjectSpec
from crm_app.events import sync_failed_event, sync_page_watch
from crm_app.ingest import vocabulary
from crm_app.models import CrmConnection, SyncMark, SyncRun
from crm_app.selectors import stage_alias_map
from crm_app.services.connections import connector_for
from crm_app.services.stages import stage_map_refresh
from crm_app.services.sync_pages import PageWriter, records_delete, wanted_fields
from crm_app.tasks import crm_sync_execute as crm_sync_execute_task
from deals_app.signals import workspace_data_changed

logger = logging.getLogger(__name__)
MAX_ERRORS = 1000
EDGE_MAX = 2000  # records remembered per object type at the mark (SyncMark.edge)
COUNT_KEYS = ("created", "updated", "unchanged", "deleted", "skipped")
INTERNAL_ERROR = "The sync stopped on an unexpected error (logged); the next run resumes."


def sync_run_request(
    *,
    connection: CrmConnection,
    workspace: Workspace,
    user: User | AnonymousUser | None = None,
    full: bool = False,
    trigger: str = SyncRun.Trigger.MANUAL,
    send: bool = True,
) -> tuple[SyncRun, bool]:
    """(the run, whether it is new). A queued or running run is returned as it is; a new one
    is sent to a worker after commit (``send=False``: the caller runs it, as the command does).
    With the task queue down the new run is failed and ServiceUnavailable raised."""
    check_owned(connection, workspace)
    with transaction.atomic():
        CrmConnection.objects.select_for_update().filter(pk=connection.pk).first()
        active = SyncRun.objects.filter(connection=connection, state__in=SyncRun.ACTIVE).first()
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                run = SyncRun.objects.create(
                    workspace_id=connection.workspace_id,
                    connection=connection,
                    full=full,
                    trigger=trigger,
                    requested_by=user if isinstance(user, User) else None,
                    progress_message="Waiting for a worker",
                )
        except IntegrityError:  # another request created one first (SQLite has no row locks)
            return SyncRun.objects.get(connection=connection, state__in=SyncRun.ACTIVE), False
        if send:
            transaction.on_commit(functools.partial(_send, run.pk))
    run.refresh_from_db()
    if run.state == SyncRun.State.FAILED:
        raise ServiceUnavailable(
            "The task queue is unavailable right now; nothing was synced. Try again in a minute."
        )
    return run, True


def _send(run_id: int) -> None:
    try:
        crm_sync_execute_task.apply_async(args=(run_id,), retry_policy=PUBLISH_RETRY)
    except BROKER_ERRORS:
        if crm_sync_execute_task.app.conf.task_always_eager:
            raise
        logger.warning("Sync run %s not queued: the task queue is unavailable", run_id)
        SyncRun.objects.filter(pk=run_id, state=SyncRun.State.QUEUED).update(
            state=SyncRun.State.FAILED,
            message="The task queue was unavailable; nothing was synced.",
            finished_at=timezone.now(),
        )


@contextmanager
def _run_lock(run: SyncRun) -> Iterator[bool]:
    """True while this process alone runs the connection. PostgreSQL frees a session lock when
    its connection ends, so a killed worker's lock goes with it; SQLite (make run, one
    process) needs none."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = (7311 << 32) | zlib.crc32(f"crm-sync:{run.connection_id}".encode())  # one bigint
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s::bigint)", [key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::bigint)", [key])


def sync_run_execute(*, run_id: int, connector: Connector | None = None) -> SyncRun | None:
    """Run (or resume) a sync run; a finished one, or one another worker holds, is returned
    unchanged. ``connector`` replaces the connection's own (benchmarks)."""
    run = SyncRun.objects.select_related("connection").filter(pk=run_id).first()
    if run is None or run.is_finished:
        return run
    with _run_lock(run) as held:
        if not held:
            return run
        run.refresh_from_db()
        if run.is_finished:
            return run
        now = timezone.now()
        run.state, run.attempts, run.heartbeat_at = SyncRun.State.RUNNING, run.attempts + 1, now
        run.started_at = run.started_at or now
        run.progress_message = "Signing in" if run.attempts == 1 else "Resuming"
        run.save()
        try:
            _Engine(run, connector or connector_for(run.connection, on_retry=_retry_note(run))).go()
        except ConnectorError as exc:
            return _finish(run, failed=str(exc))
        except Exception:
            logger.exception("Sync run %s failed", run.pk)
            return _finish(run, failed=INTERNAL_ERROR)
        return _finish(run)


def _retry_note(run: SyncRun) -> Any:
    def note(message: str) -> None:
        SyncRun.objects.filter(pk=run.pk).update(
            progress_message=f"Waiting to retry: {message}"[:300], heartbeat_at=timezone.now()
        )

    return note


class _Engine:
    def __init__(self, run: SyncRun, connector: Connector):
        self.run, self.connector = run, connector
        self.connection = run.connection
        self.ws = run.workspace_id
        self.overlap = timedelta(seconds=settings.CRM_SYNC_OVERLAP_SECONDS)
        self.requests_before = run.requests  # earlier attempts' requests (a resumed run)
        self.stage_map: dict[str, str] = {}  # HubSpot stage id → DealLens stage

    def go(self) -> None:
        marks = {m.object_type: m for m in SyncMark.objects.filter(connection=self.connection)}
        stages = self.connector.stages()
        self.stage_map = stage_map_refresh(self.connection, stages) if stages else {}
        for spec in self.connector.objects:
            mark = marks.get(spec.name) or SyncMark.objects.create(
                workspace_id=self.ws, connection=self.connection, object_type=spec.name
            )
            if self.run.cursor.get(spec.name) == "done":
                continue
            self._changes(spec, mark)
            self._deletions(spec, mark)
            self._save_run(cursor={spec.name: "done"})

    def _fields(self, spec: ObjectSpec, mark: SyncMark) -> list[str]:
        wanted = wanted_fields(spec, self.connection.segment_fields)
        if self.run.full or not mark.fields:
            mark.fields = self.connector.describe(spec)
            mark.save(update_fields=["fields", "updated_at"])
        known = {name.lower(): name for name in mark.fields}
        return [known[name.lower()] for name in wanted if name.lower() in known]

    def _changes(self, spec: ObjectSpec, mark: SyncMark) -> None:
        resume = self.run.cursor.get(spec.name)
        if resume:
            since: datetime | None = datetime.fromisoformat(resume)
        elif self.run.full or mark.modified_at is None:
            since = None
        else:
            since = mark.modified_at - self.overlap
        fields = self._fields(spec, mark)
        writer = PageWriter(
            self.ws,
            spec,
            fields,
            self.connection.segment_fields,
            lambda crm_id, column, message: self._error(spec, crm_id, column, message),
            source=f"{self.connection.get_kind_display()} API",
            stage_aliases=self._stage_aliases(),
            list_unknown_stages=not self.stage_map,
        )
        self._progress(f"Reading {spec.name} records")
        seen = 0
        edge = mark.edge if since is not None else None
        for page in self.connector.changed(spec, fields, since, edge):
            with (
                transaction.atomic(),
                sync_page_watch(
                    workspace_id=self.ws,
                    kind=spec.kind,
                    records=page.records,
                    complete_deals=page.complete_deals,
                    incremental=since is not None,
                ),
            ):
                counts = writer.write(page.records, timezone.now(), page.complete_deals)
                if _later(page.last_stamp, mark.modified_at) or page.stamps:
                    if _later(page.last_stamp, mark.modified_at):
                        mark.modified_at = page.last_stamp
                    mark.edge = _edge(mark.edge, page.stamps or {}, mark.modified_at, self.overlap)
                    mark.save(update_fields=["modified_at", "edge", "updated_at"])
                seen += len(page.records)
                cursor = page.last_stamp.isoformat() if page.last_stamp else None
                self._save_run(
                    counts={spec.name: counts},
                    cursor={spec.name: cursor} if cursor else {},
                    progress=f"{spec.name}: {seen:,} record(s) read",
                    notes={spec.name: writer.notes()},
                )

    def _stage_aliases(self) -> dict[str, str]:
        """What the parser reads a stage value as first: a CRM with pipelines (HubSpot) its
        stage ids through the connection's stage map, else the admin's workspace aliases."""
        if self.stage_map:
            return {vocabulary.normalise(k): v for k, v in self.stage_map.items()}
        return stage_alias_map(workspace=self.ws)

    def _deletions(self, spec: ObjectSpec, mark: SyncMark) -> None:
        since = None if mark.deleted_at is None else mark.deleted_at - self.overlap
        for page in self.connector.deleted(spec, since):
            with (
                transaction.atomic(),
                sync_page_watch(
                    workspace_id=self.ws,
                    kind=spec.kind,
                    records=[],
                    deleted=page.ids,  # a deletion is a change even on a first read
                ),
            ):
                deleted = records_delete(self.ws, spec, page.ids, timezone.now())
                if _later(page.last_stamp, mark.deleted_at):
                    mark.deleted_at = page.last_stamp
                    mark.save(update_fields=["deleted_at", "updated_at"])
                self._save_run(counts={spec.name: {"deleted": deleted}})

    def _error(self, spec: ObjectSpec, crm_id: str, column: str, message: str) -> None:
        self.run.error_count += 1
        if len(self.run.errors) < MAX_ERRORS:
            self.run.errors.append(
                {"object": spec.name, "id": crm_id, "field": column, "message": message}
            )

    def _progress(self, message: str) -> None:
        self._save_run(progress=message)

    def _save_run(
        self,
        counts: dict[str, dict[str, int]] | None = None,
        cursor: dict[str, str] | None = None,
        progress: str | None = None,
        notes: dict[str, list[str]] | None = None,
    ) -> None:
        run = self.run
        for name, said in (notes or {}).items():
            if said:
                run.notes[name] = said[:20]
        for name, found in (counts or {}).items():
            total = run.counts.setdefault(name, dict.fromkeys(COUNT_KEYS, 0))
            for key, value in found.items():
                total[key] = total.get(key, 0) + value
            if found.get("created") or found.get("updated") or found.get("deleted"):
                run.changed_data = True
        run.cursor.update(cursor or {})
        if progress is not None:
            run.progress_message = progress[:300]
        run.requests = self.requests_before + self.connector.counter.count
        run.heartbeat_at = timezone.now()
        run.save()


def _edge(
    edge: dict[str, str], stamps: dict[str, datetime], mark: datetime | None, overlap: timedelta
) -> dict[str, str]:
    """The records read within ``overlap`` before the mark, at most EDGE_MAX of the latest: a
    record missing from it is only read again, so trimming costs requests, never data."""
    if mark is None:
        return {}
    start = mark - overlap
    merged = {**edge, **{crm_id: stamp.isoformat() for crm_id, stamp in stamps.items()}}
    kept = [(datetime.fromisoformat(s), crm_id, s) for crm_id, s in merged.items()]
    kept = sorted((k for k in kept if k[0] >= start), reverse=True)[:EDGE_MAX]
    return {crm_id: stamp for _, crm_id, stamp in kept}


def _later(stamp: datetime | None, mark: datetime | None) -> bool:
    return stamp is not None and (mark is None or stamp > mark)


@transaction.atomic
def _finish(run: SyncRun, failed: str = "") -> SyncRun:
    now = timezone.now()
    if failed:
        state = SyncRun.State.FAILED
    elif run.error_count:
        state = SyncRun.State.PARTIAL
    else:
        state = SyncRun.State.SUCCEEDED
    run.state, run.finished_at, run.heartbeat_at = state, now, now
    run.message = failed[:500] or _summary(run)
    run.progress_message = ""
    run.save()
    conn = CrmConnection.objects.get(pk=run.connection_id)
    conn.last_run = run
    if failed:
        conn.consecutive_failures += 1
        conn.last_error = failed[:500]
    else:
        conn.consecutive_failures, conn.last_error = 0, ""
    if conn.enabled and conn.schedule_minutes:
        conn.next_run_at = now + timedelta(minutes=conn.schedule_minutes)
    conn.save(update_fields=["last_run", "consecutive_failures", "last_error", "next_run_at"])
    if failed:
        sync_failed_event(run, conn)
    if run.changed_data:
        workspace_data_changed.send(sender=SyncRun, workspace_id=run.workspace_id)
    return run


def _summary(run: SyncRun) -> str:
    parts = []
    for name, c in run.counts.items():
        parts.append(
            f"{name}: {c.get('created', 0)} created, {c.get('updated', 0)} updated, "
            f"{c.get('deleted', 0)} deleted"
        )
    text = "; ".join(parts) or "Nothing to sync"
    if run.error_count:
        text += f". {run.error_count} record(s) skipped with errors"
    return text[:500]


def sync_due_request(now: datetime | None = None) -> int:
    """Beat: queue a run for every enabled, scheduled connection whose time has come."""
    now = now or timezone.now()
    sent = 0
    due = CrmConnection.objects.filter(
        enabled=True, schedule_minutes__gt=0, next_run_at__lte=now
    ).select_related("workspace")
    for conn in due:
        CrmConnection.objects.filter(pk=conn.pk).update(
            next_run_at=now + timedelta(minutes=conn.schedule_minutes)
        )
        try:
            _run, created = sync_run_request(
                connection=conn, workspace=conn.workspace, trigger=SyncRun.Trigger.SCHEDULE
            )
        except ServiceUnavailable:
            continue
        sent += created
    return sent


def sync_runs_reap(now: datetime | None = None) -> int:
    """Beat: re-send runs whose worker went away (no heartbeat for CRM_SYNC_STALE_SECONDS);
    the task resumes them from their cursor, or leaves them if a worker still holds them."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.CRM_SYNC_STALE_SECONDS)
    ids = list(
        SyncRun.objects.filter(state__in=SyncRun.ACTIVE, updated_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    for run_id in ids:
        SyncRun.objects.filter(pk=run_id).update(updated_at=now)
        _send(run_id)
    return len(ids)
