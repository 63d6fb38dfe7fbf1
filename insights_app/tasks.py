"""Background work for insights: thin tasks that take ids and strings and call one service.

The recompute tasks go to the ``insights`` queue (CELERY_TASK_ROUTES); they are idempotent,
so acks_late + reject_on_worker_lost may run one again after a worker dies, and a transient
database error (a dropped connection, a failover, a restart) is retried with exponential
backoff instead of failing the task: 1 s, 2 s, 4 s, … up to a minute, at most 6 times.

Each task imports its service inside its body and the services that enqueue a task import it
at module level (``insights_recompute_task``): one direction, no import cycle.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

# Retried on a transient database error; every task here is safe to run twice.
RETRY: dict = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "retry_jitter": False,
    "max_retries": 6,
}


@shared_task(**RETRY)
def insights_mark_dirty(workspace_id: int) -> int:
    """Mark the workspace's insights stale; returns its new data_version."""
    from insights_app.services import workspace_mark_dirty

    return workspace_mark_dirty(workspace_id=workspace_id).data_version


# ignore_result: progress lives on the InsightTask row, and without a result backend to reach,
# sending the task touches only the broker (a request fails fast when Redis is down).
@shared_task(ignore_result=True, **RETRY)
def insights_recompute(task_id: str, workspace_id: int, force: bool = False) -> dict:
    """A requested recompute (POST insights/recompute/); progress on InsightTask ``task_id``."""
    from insights_app.services import insight_task_run

    return insight_task_run(task_id=task_id, workspace_id=workspace_id, force=force)


@shared_task(ignore_result=True, **RETRY)
def insights_recompute_dirty_workspaces() -> int:
    """Every ~30 s (beat): recompute the workspaces whose data changed; returns how many."""
    from insights_app.services import insights_recompute_dirty

    return len(insights_recompute_dirty())


@shared_task(ignore_result=True, **RETRY)
def insights_recompute_all_workspaces() -> int:
    """Nightly (beat): a full, forced recompute of every workspace; returns how many."""
    from insights_app.services import insights_recompute_all

    return len(insights_recompute_all())
