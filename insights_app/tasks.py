"""Background work for insights: thin tasks that take ids and call one service."""

from celery import shared_task

from .services import workspace_mark_dirty


@shared_task
def insights_mark_dirty(workspace_id: int) -> int:
    """Mark the workspace's insights stale; returns its new data_version."""
    return workspace_mark_dirty(workspace_id=workspace_id).data_version
