"""The events insights_app writes (PRODUCT.md §12), inside the transaction of the change.

- ``assumption.status_changed``: from comparing assumption statuses before and after a change
  of evidence (``assumption_status_watch``: evidence services call it; a conversation deleted or
  re-logged with its evidence reaches it through events_app's ``change_watch``).
- ``feature_request.created``.
- ``segment.shifted``: when a recompute publishes, a segment value whose win rate moved by more
  than ``DEALLENS_SEGMENT_SHIFT_WIN_RATE_POINTS`` or whose pipeline moved by more than
  ``DEALLENS_SEGMENT_SHIFT_PIPELINE_SHARE`` since the snapshot it replaces.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from events_app.models import EventType
from events_app.services import event_record

from .models import Assumption, Evidence, FeatureRequest, InsightSnapshot

# A win rate over fewer closed deals than this swings by chance; no shift is reported.
SHIFT_MIN_CLOSED = 5
# At most this many segment.shifted events per recompute, largest moves first (an import can
# move every value at once; people need the biggest, not a flood).
SHIFT_MAX_EVENTS = 20


def _statuses(workspace_id: int, assumption_ids: Iterable[int]) -> dict[int, str]:
    rows = (
        Assumption.objects.filter(workspace_id=workspace_id, pk__in=list(assumption_ids))
        .annotate(
            supports=Count("evidence", filter=Q(evidence__verdict=Evidence.Verdict.SUPPORTS)),
            contradicts=Count("evidence", filter=Q(evidence__verdict=Evidence.Verdict.CONTRADICTS)),
        )
        .values_list("pk", "statement", "supports", "contradicts")
    )
    return {pk: Assumption.status_for(s, c) + "|" + statement for pk, statement, s, c in rows}


@contextmanager
def assumption_status_watch(
    *,
    workspace_id: int,
    assumption_ids: tuple = (),
    conversation_ids: tuple = (),
    **_other: Any,
) -> Iterator[None]:
    """Write ``assumption.status_changed`` for every assumption the wrapped change moved."""
    ids = set(assumption_ids)
    if conversation_ids:
        ids.update(
            Evidence.objects.filter(
                workspace_id=workspace_id, conversation_id__in=conversation_ids
            ).values_list("assumption_id", flat=True)
        )
    if not ids:
        yield
        return
    before = _statuses(workspace_id, ids)
    yield
    after = _statuses(workspace_id, ids)
    for pk, now in sorted(after.items()):
        was = before.get(pk)
        if was is None or was.split("|", 1)[0] == now.split("|", 1)[0]:
            continue
        old, statement = was.split("|", 1)
        new = now.split("|", 1)[0]
        old_label, new_label = Assumption.Status(old).label, Assumption.Status(new).label
        short = statement if len(statement) <= 80 else statement[:79] + "…"
        event_record(
            workspace=workspace_id,
            type=EventType.ASSUMPTION_STATUS_CHANGED,
            object_type="assumption",
            object_id=pk,
            object_url=reverse("assumption-detail", args=[pk]),
            summary=f"“{short}” is now {new_label.lower()} (was {old_label.lower()})",
            data={"assumption_id": pk, "statement": statement, "from": old, "to": new},
        )


def feature_request_created_event(feature: FeatureRequest) -> None:
    event_record(
        workspace=feature.workspace_id,
        type=EventType.FEATURE_REQUEST_CREATED,
        object_type="feature_request",
        object_id=feature.pk,
        object_url=reverse("feature-detail", args=[feature.pk]),
        summary=f"New feature request: {feature.title}",
        data={"feature_request_id": feature.pk, "title": feature.title, "status": feature.status},
    )


def _number(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def _shifts(dimension: str, old_rows: list[dict], new_rows: list[dict]) -> list[dict]:
    points = Decimal(str(settings.DEALLENS_SEGMENT_SHIFT_WIN_RATE_POINTS))
    share = Decimal(str(settings.DEALLENS_SEGMENT_SHIFT_PIPELINE_SHARE))
    old_by_value = {row.get("value"): row for row in old_rows}
    found = []
    for row in new_rows:
        old = old_by_value.get(row.get("value"))
        if old is None:
            continue
        closed = (row.get("won") or 0) + (row.get("lost") or 0)
        before, after = _number(old.get("win_rate")), _number(row.get("win_rate"))
        if before is not None and after is not None and closed >= SHIFT_MIN_CLOSED:
            moved = (after - before) * 100
            if abs(moved) > points:
                found.append(
                    {
                        "dimension": dimension,
                        "value": row.get("value"),
                        "metric": "win_rate",
                        "before": float(before),
                        "after": float(after),
                        "weight": abs(moved) / 100,
                    }
                )
        before, after = _number(old.get("pipeline")), _number(row.get("pipeline"))
        if before and after is not None and abs(after - before) / before > share:
            found.append(
                {
                    "dimension": dimension,
                    "value": row.get("value"),
                    "metric": "pipeline",
                    "before": str(before),
                    "after": str(after),
                    "weight": abs(after - before) / before,
                }
            )
    return found


def _shift_summary(shift: dict) -> str:
    where = f"{shift['dimension'].replace('_', ' ')} = {shift['value']}"
    if shift["metric"] == "win_rate":
        verb = "rose" if shift["after"] > shift["before"] else "fell"
        return f"Win rate of {where} {verb} from {shift['before']:.0%} to {shift['after']:.0%}"
    verb = "grew" if Decimal(shift["after"]) > Decimal(shift["before"]) else "shrank"
    return f"Pipeline of {where} {verb} from {shift['before']} to {shift['after']}"


def segment_shift_events(*, workspace_id: int, old_version: int, new_parts: Iterable[Any]) -> int:
    """Compare the segments of the published snapshot with a new one about to replace it;
    write the largest shifts. Runs inside the publishing transaction. Returns how many."""
    if not old_version:
        return 0  # the first snapshot has nothing to compare with
    old = dict(
        InsightSnapshot.objects.filter(
            workspace_id=workspace_id,
            version=old_version,
            kind=InsightSnapshot.Kind.SEGMENTS,
        )
        # Only the all-time rows, not the per-period figures beside them.
        .values_list("dimension", "payload__results")
    )
    shifts: list[dict] = []
    for part in new_parts:
        if part.kind != InsightSnapshot.Kind.SEGMENTS or part.dimension not in old:
            continue
        shifts.extend(
            _shifts(part.dimension, old[part.dimension] or [], part.payload.get("results", []))
        )
    shifts.sort(key=lambda s: s["weight"], reverse=True)
    dashboard = reverse("dashboard")
    for shift in shifts[:SHIFT_MAX_EVENTS]:
        weight = shift.pop("weight")
        event_record(
            workspace=workspace_id,
            type=EventType.SEGMENT_SHIFTED,
            object_type="segment",
            object_id=f"{shift['dimension']}:{shift['value']}",
            object_url=f"{dashboard}?{urlencode({'dimension': shift['dimension']})}",
            summary=_shift_summary(shift),
            data={**shift, "change": float(weight)},
        )
    return min(len(shifts), SHIFT_MAX_EVENTS)
