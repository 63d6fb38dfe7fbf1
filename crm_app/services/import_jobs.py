"""Import jobs: the uploaded files and their recognition, the run as a task, the report.

A job is created in ``draft`` with its files stored under MEDIA_ROOT/imports/<workspace>/<job>/
and recognised; unrecognised files get a mapping (or are skipped, or removed from the draft);
``import_job_start`` queues it (the task is sent after commit) and ``import_job_execute`` — the
task body — runs the import service and records the outcome. The stored files are deleted once
the job is finished; ``import_drafts_delete`` (beat) deletes drafts nobody ran. Files larger
than the limits (DEALLENS_IMPORT_MAX_FILE_MB, DEALLENS_IMPORT_MAX_TOTAL_MB) are refused.
"""

import functools
import logging
import re
import shutil
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from accounts_app.models import Workspace
from common.exceptions import ApplicationError, ServiceUnavailable
from common.taskqueue import BROKER_ERRORS, PUBLISH_RETRY
from crm_app.events import import_finished_event
from crm_app.ingest.sources import MappingError, apply_mapping, inspect
from crm_app.models import ImportJob
from crm_app.selectors import import_job_problems, import_job_sources
from crm_app.services.import_report import import_report_text
from crm_app.services.import_run import ImportRefused, import_run, prepare_files
from crm_app.services.progress import ProgressReporter, progress_forget
from crm_app.tasks import import_execute as import_execute_task
from deals_app.signals import workspace_data_changed

logger = logging.getLogger(__name__)
MAX_FILES = 20
INTERNAL_ERROR = (
    "The import stopped on an unexpected error; nothing was imported. The error has been "
    "logged; try again, and tell your administrator if it happens again."
)


MB = 1024 * 1024


def _storage_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _storage_dir(job: ImportJob) -> Path:
    return _storage_root() / str(job.workspace_id) / str(job.pk)


def import_upload_limits() -> tuple[int, int]:
    """The largest file and the largest total of one import, in bytes."""
    return (
        settings.DEALLENS_IMPORT_MAX_FILE_MB * MB,
        settings.DEALLENS_IMPORT_MAX_TOTAL_MB * MB,
    )


def import_file_too_large(name: str, size: int | None = None) -> str:
    """The message for a file past the per-file limit (size None: stopped while streaming)."""
    limit = settings.DEALLENS_IMPORT_MAX_FILE_MB
    how_big = f"is {size / MB:,.1f} MB" if size is not None else f"is larger than {limit} MB"
    return (
        f"{Path(name or '?').name} {how_big}; one import file may be at most {limit} MB. "
        "Nothing was kept: split the file, or export fewer columns."
    )


def import_total_too_large(name: str) -> str:
    limit = settings.DEALLENS_IMPORT_MAX_TOTAL_MB
    return (
        f"With {Path(name or '?').name} these files pass {limit} MB, the most one import may "
        "hold. Nothing was kept: import them in several parts."
    )


def _check_sizes(named_sizes: list[tuple[str, int]]) -> None:
    """Refuse the import when a file, or the files together, pass the limits."""
    max_file, max_total = import_upload_limits()
    total = 0
    for name, size in named_sizes:
        total += size
        if size > max_file:
            message = import_file_too_large(name, size)
        elif total > max_total:
            message = import_total_too_large(name)
        else:
            continue
        raise ApplicationError(message, extra={"files": [message]})


def _safe_name(name: str) -> str:
    base = Path(name or "upload.csv").name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120] or "upload.csv"


def import_job_create(
    *,
    workspace: Workspace | int,
    user: User | AnonymousUser | None = None,
    uploads: Iterable[Any],
    mapping: dict[str, Any] | None = None,
    store: bool = True,
) -> tuple[ImportJob, list[str]]:
    """A draft job for the uploaded files (Django UploadedFile objects, or ``(name, path)``
    pairs when ``store`` is False: the command line imports files where they are; hence
    ``Iterable[Any]``: which of the two ``store`` says, not the type).

    Returns the job and what stops its files from being imported (empty when it can run).
    """
    uploads = list(uploads)
    if not uploads:
        raise ApplicationError("Choose at least one CSV file.", extra={"files": ["No file."]})
    if len(uploads) > MAX_FILES:
        raise ApplicationError(f"At most {MAX_FILES} files per import.")
    if mapping is not None and not isinstance(mapping, dict):
        raise ApplicationError(
            "The mapping must be a JSON object keyed by file name.",
            extra={"mapping": ["Give a JSON object keyed by file name."]},
        )
    if store:
        _check_sizes([(upload.name, upload.size or 0) for upload in uploads])
    else:
        _check_sizes([(name, _size_of(Path(path))) for name, path in uploads])
    job = ImportJob.objects.create(
        workspace_id=getattr(workspace, "pk", workspace),
        created_by=user if isinstance(user, User) else None,
        mapping=mapping or {},
    )
    pairs: list[tuple[str, Path]] = []
    if store:
        try:
            pairs = _store(job, uploads)
        except ApplicationError:
            import_job_discard(job=job)
            raise
    else:
        pairs = [(Path(name).name, Path(path)) for name, path in uploads]
    sources, problems = prepare_files(pairs, mapping)
    job.files = [source.to_json() for source in sources]
    job.save(update_fields=["files", "updated_at"])
    return job, problems


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # a file that cannot be read is reported by its inspection


def _store(job: ImportJob, uploads: list[Any]) -> list[tuple[str, Path]]:
    """Copy the uploads into the job's folder, counting as they stream: a file that grew past
    its declared size is refused all the same."""
    max_file, max_total = import_upload_limits()
    folder = _storage_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    pairs, total = [], 0
    for index, upload in enumerate(uploads):
        path = folder / f"{index:02d}-{_safe_name(upload.name)}"
        size = 0
        with path.open("wb") as out:
            for chunk in upload.chunks():
                size += len(chunk)
                total += len(chunk)
                if size > max_file or total > max_total:
                    message = (
                        import_file_too_large(upload.name)
                        if size > max_file
                        else import_total_too_large(upload.name)
                    )
                    raise ApplicationError(message, extra={"files": [message]})
                out.write(chunk)
        pairs.append((Path(upload.name or path.name).name, path))
    return pairs


def import_job_map_file(*, job: ImportJob, index: int, entry: dict[str, Any]) -> ImportJob:
    """Apply a column mapping to one file of a draft job (the mapping screen's submit)."""
    if job.state != ImportJob.State.DRAFT:
        raise ApplicationError("This import has started already; its mapping cannot change.")
    sources = import_job_sources(job)
    if not 0 <= index < len(sources):
        raise ApplicationError("No such file in this import.")
    old = sources[index]
    fresh = inspect(old.name, old.path)
    try:
        apply_mapping(fresh, entry)
    except MappingError as exc:
        raise ApplicationError(" ".join(exc.messages), extra={"mapping": exc.messages}) from exc
    sources[index] = fresh
    mapping = dict(job.mapping or {})
    mapping.setdefault("files", {})[fresh.name] = entry
    job.mapping = mapping
    job.files = [source.to_json() for source in sources]
    job.save(update_fields=["files", "mapping", "updated_at"])
    return job


def import_job_start(*, job: ImportJob) -> ImportJob:
    """Queue a draft job whose files are all ready; the task is sent after commit.

    With the broker down the job goes back to draft, files and mapping kept, and
    ServiceUnavailable is raised: starting it again later is all it takes.
    """
    problems = import_job_problems(job)
    if problems:
        raise ApplicationError(" ".join(problems), extra={"files": problems})
    with transaction.atomic():
        queued = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.DRAFT).update(
            state=ImportJob.State.QUEUED, progress=0, updated_at=timezone.now()
        )
        if queued:
            transaction.on_commit(functools.partial(_import_job_send, job.pk))
    job.refresh_from_db()
    if queued and job.state == ImportJob.State.DRAFT:
        raise ServiceUnavailable(
            "The task queue is unavailable right now; the files are kept. "
            "Start the import again in a minute."
        )
    return job


def _import_job_send(job_id: int) -> None:
    """Send the import task; if the broker refuses, put the job back to draft (not stuck
    "queued" forever with nobody to run it)."""
    try:
        import_execute_task.apply_async(args=(job_id,), retry_policy=PUBLISH_RETRY)
    except BROKER_ERRORS:
        if import_execute_task.app.conf.task_always_eager:
            raise  # in-process: not a broker problem
        logger.warning("Import %s not queued: the task queue is unavailable", job_id)
        ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.DRAFT, updated_at=timezone.now()
        )


def _finish(
    job: ImportJob,
    *,
    ok: bool,
    counts: dict[str, dict[str, int]] | None = None,
    errors: list[dict[str, Any]] | None = None,
    error_count: int = 0,
    notes: list[str] | None = None,
    report: str = "",
    files: list[dict[str, Any]] | None = None,
) -> None:
    job.state = ImportJob.State.SUCCEEDED if ok else ImportJob.State.FAILED
    job.progress = 100
    job.counts = counts or {}
    job.errors = errors or []
    job.error_count = error_count
    job.notes = notes or []
    job.report = report
    if files is not None:
        job.files = files
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save()
        import_finished_event(job)
    progress_forget(job.pk)


def import_job_execute(*, job_id: int) -> ImportJob | None:
    """Run a queued job (the task body). Safe to run twice: a job already finished is left
    alone, and a job whose worker died mid-run had its transaction rolled back, so it simply
    runs again."""
    started = ImportJob.objects.filter(
        pk=job_id, state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
    ).update(
        state=ImportJob.State.RUNNING,
        started_at=timezone.now(),
        progress=0,
        updated_at=timezone.now(),
    )
    if not started:
        return ImportJob.objects.filter(pk=job_id).first()
    job = ImportJob.objects.get(pk=job_id)
    reporter = ProgressReporter(job.pk)
    try:
        result = import_run(
            workspace=job.workspace_id, files=import_job_sources(job), progress=reporter
        )
    except ImportRefused as exc:
        errors = [
            {
                "file": p.split(":", 1)[0],
                "line": None,
                "text_line": None,
                "column": "",
                "value": "",
                "message": p.split(":", 1)[-1].strip(),
            }
            for p in exc.problems
        ]
        _finish(
            job,
            ok=False,
            errors=errors,
            error_count=len(errors),
            report="Nothing was imported:\n" + "\n".join(exc.problems),
        )
        return job
    except Exception:
        logger.exception("import job %s failed", job_id)
        _finish(
            job,
            ok=False,
            errors=[
                {
                    "file": "",
                    "line": None,
                    "text_line": None,
                    "column": "",
                    "value": "",
                    "message": INTERNAL_ERROR,
                }
            ],
            error_count=1,
            report=INTERNAL_ERROR,
        )
        return job
    finally:
        reporter.close()
    # Per file: the rows read (none from a skipped file) and its warnings.
    files = [
        {
            **data,
            "rows": result.rows.get(data["name"], 0),
            "warnings": [w for w in result.warnings if w["file"] == data["name"]],
        }
        for data in job.files
    ]
    _finish(
        job,
        ok=result.ok,
        counts=result.counts,
        errors=result.errors,
        error_count=result.error_count,
        notes=result.notes,
        report=import_report_text(result),
        files=files,
    )
    _delete_stored_files(job)
    if result.ok:
        workspace_data_changed.send(sender=ImportJob, workspace_id=job.workspace_id)
    return job


def import_job_discard(*, job: ImportJob) -> None:
    """Forget a draft job and its stored files (an upload that cannot be imported)."""
    _delete_stored_files(job)
    job.delete()


def import_job_remove_file(*, job: ImportJob, index: int, name: str = "") -> ImportJob | None:
    """Take one file out of a draft (a price book among a folder of exports) with its stored
    copy and its mapping. ``name``, when given, must be the file's: a second click on a page
    whose files have moved up removes nothing. Removing the last file discards the draft
    (returns None)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != ImportJob.State.DRAFT:
            raise ApplicationError("This import has started already; its files cannot change.")
        files = list(job.files)
        if not 0 <= index < len(files) or (name and files[index].get("name") != name):
            raise ApplicationError(f"{name or 'That file'} is no longer in this import.")
        removed = files.pop(index)
        if not files:
            import_job_discard(job=job)
            return None
        job.files = files
        mapping = dict(job.mapping or {})
        mapped = dict(mapping.get("files") or {})
        if mapped.pop(removed.get("name"), None) is not None:
            mapping["files"] = mapped
            job.mapping = mapping
        job.save(update_fields=["files", "mapping", "updated_at"])
    path = Path(removed.get("path") or "")
    if _storage_dir(job) in path.parents:  # only our copy: the command reads files in place
        path.unlink(missing_ok=True)
    return job


def import_drafts_delete(*, older_than: timedelta | None = None) -> int:
    """Delete drafts nobody touched for DEALLENS_IMPORT_DRAFT_HOURS, with their stored files,
    and the folders under MEDIA_ROOT/imports that no waiting job owns any more (an upload cut
    off mid-way). Queued, running and finished imports stay. Returns the drafts deleted."""
    age = older_than or timedelta(hours=settings.DEALLENS_IMPORT_DRAFT_HOURS)
    cutoff = timezone.now() - age
    stale = ImportJob.objects.filter(state=ImportJob.State.DRAFT, updated_at__lt=cutoff)
    deleted = 0
    for job in stale.only("pk", "workspace_id").iterator():
        # Compare and delete: a draft started or mapped meanwhile is kept.
        if stale.filter(pk=job.pk).delete()[0]:
            _delete_stored_files(job)
            deleted += 1
    root = _storage_root()
    if root.is_dir():
        waiting = {
            (str(ws), str(pk))
            for ws, pk in ImportJob.objects.filter(
                state__in=[ImportJob.State.DRAFT, ImportJob.State.QUEUED, ImportJob.State.RUNNING]
            ).values_list("workspace_id", "pk")
        }
        for folder in root.glob("*/*"):
            if (
                folder.is_dir()
                and (folder.parent.name, folder.name) not in waiting
                and folder.stat().st_mtime < cutoff.timestamp()
            ):
                shutil.rmtree(folder, ignore_errors=True)
    if deleted:
        logger.info("Deleted %s import draft(s) older than %s", deleted, age)
    return deleted


def _delete_stored_files(job: ImportJob) -> None:
    folder = _storage_dir(job)
    if folder.is_dir() and _storage_root() in folder.parents:
        shutil.rmtree(folder, ignore_errors=True)
