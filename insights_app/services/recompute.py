"""The insights recompute: compute every figure of PRODUCT.md §4, write a version, publish it.

A recompute runs in three steps:

1. **Claim** (short transaction, InsightState row locked): skip when the published snapshot
   already reflects the current data version (unless forced); otherwise hand out the next
   snapshot version and remember the data version the result will reflect.
2. **Compute** (reads only): one query per family of metrics, grouped by account in the
   database (selectors), rolled up to every value of every dimension by pure functions
   (analytics) into JSON-ready payloads.
3. **Publish** (one transaction, InsightState row locked): write every part of the version,
   switch ``published_version`` to it and delete superseded versions, but only when no newer
   version was published meanwhile. Readers see the old version or the new one, never a mix;
   a worker killed before this step leaves nothing behind but a skipped version number.

Data changes bump ``InsightState.data_version`` after commit (``insights_mark_changed``), so
a snapshot is stale exactly when the state's data version is past the one it reflects. The
reads are not one database snapshot (on PostgreSQL they run on several connections): a change
committed during a recompute may be partly in its figures, but it bumped the data version after
the recompute read it, so the result is published as stale and the next round recomputes it.
"""

import time
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from insights_app.events import segment_shift_events
from insights_app.models import InsightSnapshot, InsightState

from .payloads import Part, Progress, insights_compute

KINDS = tuple(InsightSnapshot.Kind.values)


@dataclass
class RecomputeResult:
    """What a recompute did: skipped (nothing changed), published, or superseded by a newer one."""

    workspace_id: int
    outcome: str  # "published", "skipped" or "superseded"
    version: int
    data_version: int
    seconds: float = 0.0
    computed_at: datetime | None = None
    parts: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, dimension, rows)

    @property
    def published(self) -> bool:
        return self.outcome == "published"

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "version": self.version,
            "data_version": self.data_version,
            "seconds": round(self.seconds, 3),
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "parts": len(self.parts),
        }


@transaction.atomic
def _claim(*, workspace_id: int, force: bool) -> tuple[InsightState, int | None]:
    """Lock the state; hand out the next version, or None when the snapshot is up to date."""
    InsightState.objects.get_or_create(workspace_id=workspace_id)
    state = InsightState.objects.select_for_update().get(workspace_id=workspace_id)
    if not force and state.published_version and state.published_data_version == state.data_version:
        if state.dirty:
            InsightState.objects.filter(pk=state.pk, data_version=state.data_version).update(
                dirty=False
            )
        return state, None
    version = state.last_version + 1
    InsightState.objects.filter(pk=state.pk).update(last_version=version)
    return state, version


@transaction.atomic
def _publish(
    *, workspace_id: int, version: int, data_version: int, parts: list[Part], now: datetime
) -> bool:
    """Write the version's parts and publish it, unless a newer version was published first."""
    state = InsightState.objects.select_for_update().get(workspace_id=workspace_id)
    if version <= state.published_version:
        return False
    # segment.shifted events commit with the version they describe (PRODUCT.md §12).
    segment_shift_events(
        workspace_id=workspace_id, old_version=state.published_version, new_parts=parts
    )
    InsightSnapshot.objects.bulk_create(
        [
            InsightSnapshot(
                workspace_id=workspace_id,
                version=version,
                dimension=part.dimension,
                kind=part.kind,
                payload=part.payload,
                computed_at=now,
                data_version=data_version,
            )
            for part in parts
        ],
        batch_size=200,
    )
    InsightState.objects.filter(pk=state.pk).update(
        published_version=version,
        published_data_version=data_version,
        computed_at=now,
        # Data that changed while this ran keeps the workspace dirty for the next round.
        dirty=Case(When(data_version__gt=data_version, then=Value(True)), default=Value(False)),
        updated_at=now,
    )
    InsightSnapshot.objects.filter(workspace_id=workspace_id).exclude(version=version).delete()
    return True


def insights_recompute(
    *,
    workspace_id: int,
    force: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> RecomputeResult:
    """Recompute and publish a workspace's insight snapshot (idempotent; safe to run twice).

    Skips cheaply when the published snapshot already reflects the current data (unless
    ``force``). Two recomputes at once both compute, but only the newer version is published.
    """
    started = time.perf_counter()
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        raise ApplicationError(f"Workspace {workspace_id} does not exist.")
    state, version = _claim(workspace_id=workspace_id, force=force)
    if version is None:
        return RecomputeResult(
            workspace_id=workspace_id,
            outcome="skipped",
            version=state.published_version,
            data_version=state.data_version,
            seconds=time.perf_counter() - started,
            computed_at=state.computed_at,
        )
    data_version = state.data_version
    parts = insights_compute(workspace=workspace, today=today, progress=progress)
    if progress:
        steps = len(parts) // len(KINDS) + 2
        progress(steps, steps, "publishing")
    now = timezone.now()
    published = _publish(
        workspace_id=workspace_id,
        version=version,
        data_version=data_version,
        parts=parts,
        now=now,
    )
    return RecomputeResult(
        workspace_id=workspace_id,
        outcome="published" if published else "superseded",
        version=version,
        data_version=data_version,
        seconds=time.perf_counter() - started,
        computed_at=now if published else None,
        parts=[(part.kind, part.dimension, part.rows) for part in parts],
    )
