"""Writes for insights: the per-workspace state that tells recomputes and readers what changed."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from insights_app.models import InsightState


@transaction.atomic
def workspace_mark_dirty(*, workspace_id: int) -> InsightState:
    """Record that the workspace's data changed: bump data_version and flag it for recompute.

    The bump is one UPDATE with an F() expression, so concurrent calls never lose a change;
    running it again only marks the workspace dirty again (safe for a retried task).
    """
    if not Workspace.objects.filter(pk=workspace_id).exists():
        raise ApplicationError(f"Workspace {workspace_id} does not exist.")
    state, _ = InsightState.objects.get_or_create(workspace_id=workspace_id)
    InsightState.objects.filter(pk=state.pk).update(
        data_version=F("data_version") + 1, dirty=True, updated_at=timezone.now()
    )
    state.refresh_from_db()
    return state
