"""What starts a recompute: changed data (a data-version bump), the scheduled debounce of dirty
workspaces and the nightly full run."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from accounts_app.models import Workspace
from insights_app import selectors as sel
from insights_app.models import InsightState, InsightTask

from .inprocess import inprocess_recompute_soon
from .recompute import RecomputeResult, insights_recompute
from .state import workspace_mark_dirty

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # how long a scheduled recompute holds a workspace
TASKS_KEPT = timedelta(days=30)  # requested-recompute records are forgotten after this


def insights_mark_changed(*, workspace_ids: Iterable[int]) -> None:
    """Data of these workspaces changed: bump their data version and flag them (one UPDATE).

    Called after commit by the receivers; a workspace deleted meanwhile is ignored. In the
    embedded mode (no broker, no beat) this also arms the in-process debounced recompute.
    """
    ids = sorted({int(pk) for pk in workspace_ids if pk is not None})
    if not ids:
        return
    updated = InsightState.objects.filter(workspace_id__in=ids).update(
        data_version=F("data_version") + 1, dirty=True, updated_at=timezone.now()
    )
    inprocess_recompute_soon()
    if updated == len(ids):
        return
    have_state = set(
        InsightState.objects.filter(workspace_id__in=ids).values_list("workspace_id", flat=True)
    )
    for workspace_id in Workspace.objects.filter(pk__in=set(ids) - have_state).values_list(
        "pk", flat=True
    ):
        workspace_mark_dirty(workspace_id=workspace_id)


def _lease(*, workspace_id: int, now: datetime) -> bool:
    """Compare-and-swap: hold a dirty workspace for one scheduled recompute."""
    return (
        InsightState.objects.filter(workspace_id=workspace_id, dirty=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
        == 1
    )


def insights_recompute_dirty() -> list[RecomputeResult]:
    """The scheduled debounce: recompute every workspace whose data changed, once each.

    However many edits a workspace had since the last round, it costs one recompute. A lease
    keeps an overlapping round from recomputing the same workspace; a failure is logged and
    leaves the workspace dirty for the next round.
    """
    results = []
    for workspace_id in sel.workspace_ids_to_recompute():
        if not _lease(workspace_id=workspace_id, now=timezone.now()):
            continue
        try:
            results.append(insights_recompute(workspace_id=workspace_id))
        except Exception:
            logger.exception("Recomputing the insights of workspace %s failed", workspace_id)
        finally:
            InsightState.objects.filter(workspace_id=workspace_id).update(lease_until=None)
    return results


def insights_recompute_all(*, force: bool = True) -> list[RecomputeResult]:
    """The nightly full recompute of every workspace (forced: figures such as the 90-day
    window move with the calendar even when no data changed); also forgets task records older
    than TASKS_KEPT."""
    results = []
    for workspace_id in Workspace.objects.order_by("pk").values_list("pk", flat=True):
        try:
            results.append(insights_recompute(workspace_id=workspace_id, force=force))
        except Exception:
            logger.exception("Recomputing the insights of workspace %s failed", workspace_id)
    InsightTask.objects.filter(created_at__lt=timezone.now() - TASKS_KEPT).delete()
    return results
