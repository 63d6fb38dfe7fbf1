"""Requested recomputes (POST insights/recompute/): queue the task, and record its state and
progress on an InsightTask row that the task endpoint reads."""

import logging

from django.utils import timezone

from accounts_app.models import Workspace
from common.exceptions import ApplicationError, ServiceUnavailable
from common.taskqueue import BROKER_ERRORS, PUBLISH_RETRY
from insights_app.models import InsightTask
from insights_app.tasks import insights_recompute as insights_recompute_task

from .recompute import insights_recompute

logger = logging.getLogger(__name__)


class TaskQueueUnavailable(ServiceUnavailable):
    """The broker (Redis) cannot take the task now; nothing was queued."""


def insights_recompute_request(
    *, workspace: Workspace, requested_by=None, force: bool = False
) -> InsightTask:
    """Queue a recompute of the workspace (the ``insights`` queue) and return its task record.

    The InsightTask row is committed first, so the worker finds it; its id is the Celery task
    id. With the broker down, sending fails fast (connect and socket timeouts in settings): the
    record is marked failed and TaskQueueUnavailable raised. Without a broker (no REDIS_URL)
    the task runs here and now, and its record tells how it went.
    """
    task = insight_task_create(workspace=workspace, requested_by=requested_by)
    try:
        insights_recompute_task.apply_async(
            args=[str(task.pk), workspace.pk, force],
            task_id=str(task.pk),
            retry_policy=PUBLISH_RETRY,
        )
    except BROKER_ERRORS as exc:
        insight_task_fail(task_id=task.pk, message="The task queue is unavailable; try again.")
        raise TaskQueueUnavailable(
            "The task queue is unavailable right now; try again in a minute."
        ) from exc
    except Exception:
        if not insights_recompute_task.app.conf.task_always_eager:
            raise
        # Run in-process: the failure is on the task record (state "failed"); not a 500.
        logger.exception("Recomputing the insights of workspace %s failed", workspace.pk)
    task.refresh_from_db()
    return task


def insight_task_create(*, workspace: Workspace, requested_by=None) -> InsightTask:
    """Record a requested recompute before it is queued; its id becomes the Celery task id."""
    return InsightTask.objects.create(
        workspace=workspace,
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
        message="Queued.",
    )


def insight_task_fail(*, task_id, message: str) -> None:
    InsightTask.objects.filter(pk=task_id).exclude(state=InsightTask.State.SUCCEEDED).update(
        state=InsightTask.State.FAILED,
        message=message[:255],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def insight_task_run(*, task_id: str, workspace_id: int, force: bool = False) -> dict:
    """Run a requested recompute, recording state and progress on its InsightTask row.

    Idempotent: a redelivered task (its worker died) starts the row over and recomputes.
    """
    task = InsightTask.objects.filter(pk=task_id, workspace_id=workspace_id).first()
    if task is None:
        raise ApplicationError(f"Task {task_id} of workspace {workspace_id} does not exist.")
    InsightTask.objects.filter(pk=task.pk).exclude(state=InsightTask.State.SUCCEEDED).update(
        state=InsightTask.State.RUNNING,
        progress=0,
        message="Started.",
        started_at=timezone.now(),
        updated_at=timezone.now(),
    )

    def progress(done: int, total: int, message: str) -> None:
        percent = min(99, int(100 * done / total)) if total else 0
        InsightTask.objects.filter(pk=task.pk, state=InsightTask.State.RUNNING).update(
            progress=percent, message=message[:255], updated_at=timezone.now()
        )

    try:
        result = insights_recompute(workspace_id=workspace_id, force=force, progress=progress)
    except Exception as exc:
        insight_task_fail(task_id=task.pk, message=f"Failed: {exc}")
        raise
    summary = result.as_dict()
    messages = {
        "published": f"Published version {result.version} in {result.seconds:.1f} s.",
        "skipped": "Nothing changed since the last recompute.",
        "superseded": "A newer recompute published first.",
    }
    InsightTask.objects.filter(pk=task.pk).update(
        state=InsightTask.State.SUCCEEDED,
        progress=100,
        message=messages[result.outcome],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
        result=summary,
    )
    return summary
