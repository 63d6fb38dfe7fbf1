"""Background work for insights: thin tasks that take ids and strings and call one service.

The recompute tasks go to the ``insights`` queue (CELERY_TASK_ROUTES); they are idempotent,
so acks_late + reject_on_worker_lost may run one again after a worker dies.
"""

from celery import shared_task

from .services import (
    insight_task_run,
    insights_recompute_all,
    insights_recompute_dirty,
    workspace_mark_dirty,
)


@shared_task
def insights_mark_dirty(workspace_id: int) -> int:
    """Mark the workspace's insights stale; returns its new data_version."""
    return workspace_mark_dirty(workspace_id=workspace_id).data_version


# ignore_result: progress lives on the InsightTask row, and without a result backend to reach,
# sending the task touches only the broker (a request fails fast when Redis is down).
@shared_task(ignore_result=True)
def insights_recompute(task_id: str, workspace_id: int, force: bool = False) -> dict:
    """A requested recompute (POST insights/recompute/); progress on InsightTask ``task_id``."""
    return insight_task_run(task_id=task_id, workspace_id=workspace_id, force=force)


@shared_task(ignore_result=True)
def insights_recompute_dirty_workspaces() -> int:
    """Every ~30 s (beat): recompute the workspaces whose data changed; returns how many."""
    return len(insights_recompute_dirty())


@shared_task(ignore_result=True)
def insights_recompute_all_workspaces() -> int:
    """Nightly (beat): a full, forced recompute of every workspace; returns how many."""
    return len(insights_recompute_all())
