"""Reads of published insight snapshots: what pages and the API serve, never computed here."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from accounts_app.models import Workspace

from ..models import InsightSnapshot, InsightState, InsightTask


@dataclass(frozen=True)
class PublishedSnapshot:
    """One published part: the payload, when it was computed, and whether newer data exists."""

    payload: dict
    computed_at: datetime | None
    stale: bool


def snapshot_published_get(*, workspace: Workspace, kind: str, dimension: str) -> PublishedSnapshot:
    """The published snapshot part for (kind, dimension), read in one statement.

    The published version and the current data version come from InsightState in the same
    SELECT as the payload, so a recompute publishing meanwhile is seen entirely or not at all.
    Without a published part, the payload is empty and ``computed_at`` is None; it is stale
    when data has been recorded (there is something to compute).
    """
    state = InsightState.objects.filter(workspace_id=OuterRef("workspace_id"))
    row = (
        InsightSnapshot.objects.filter(workspace_id=workspace.pk, kind=kind, dimension=dimension)
        .filter(version=Subquery(state.values("published_version")[:1]))
        .annotate(current=Subquery(state.values("data_version")[:1]))
        .values("payload", "computed_at", "data_version", "current")
        .first()
    )
    if row is not None:
        return PublishedSnapshot(
            payload=row["payload"],
            computed_at=row["computed_at"],
            stale=(row["current"] or 0) > row["data_version"],
        )
    current = (
        InsightState.objects.filter(workspace_id=workspace.pk)
        .values_list("data_version", flat=True)
        .first()
    )
    return PublishedSnapshot(payload={}, computed_at=None, stale=bool(current))


def insight_state_get(*, workspace: Workspace) -> InsightState | None:
    return InsightState.objects.filter(workspace_id=workspace.pk).first()


def workspace_ids_to_recompute(*, now: datetime | None = None) -> list[int]:
    """Workspaces whose data changed since their snapshot and that no recompute holds now."""
    now = now or timezone.now()
    return list(
        InsightState.objects.filter(dirty=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("workspace_id")
        .values_list("workspace_id", flat=True)
    )


def insight_task_get(*, workspace: Workspace, task_id) -> InsightTask | None:
    """A background task of this workspace by id; another workspace's id is not found."""
    return InsightTask.objects.for_workspace(workspace).filter(pk=task_id).first()
