"""Reads for the product manager's pages: a feature request's page, an assumption's page, the
live assumption catalog beside the board's snapshot, and the PM's landing page (my
conversations, my open action items, untested assumptions, discovery blind spots).

Every read is scoped to the workspace first and costs a constant number of queries; figures
that need an aggregate over deals come from the published snapshot, never computed here.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts_app.models import Workspace
from deals_app.models import ActionItem, Conversation
from deals_app.selectors import DIMENSIONS

from ..models import (
    Assumption,
    Evidence,
    FeatureMention,
    FeatureRequest,
    InsightSnapshot,
    InsightState,
)
from .dimensions import ACCOUNT_DIMENSIONS, UNKNOWN

# --- a feature request's page ------------------------------------------------------------------


def feature_request_get(*, workspace: Workspace, pk: int) -> FeatureRequest:
    """A feature request of this workspace; another workspace's id is a 404."""
    return get_object_or_404(FeatureRequest.objects.for_workspace(workspace), pk=pk)


def feature_mention_list_for(*, workspace: Workspace, feature: FeatureRequest) -> QuerySet:
    """The feature's mentions, newest first, with their account, deal and conversation."""
    return (
        FeatureMention.objects.for_workspace(workspace)
        .filter(feature=feature)
        .select_related("account", "deal", "conversation")
        .order_by("-id")
    )


def feature_mention_importance_counts(
    *, workspace: Workspace, feature: FeatureRequest
) -> list[dict]:
    """How many mentions at each importance, most important first (one grouped query)."""
    counts = dict(
        FeatureMention.objects.for_workspace(workspace)
        .filter(feature=feature)
        .order_by()
        .values_list("importance")
        .annotate(n=Count("id"))
    )
    order = list(reversed(FeatureMention.Importance.choices))
    return [
        {"importance": value, "label": label, "mentions": counts[value]}
        for value, label in order
        if counts.get(value)
    ]


# --- an assumption's page and the live catalog -------------------------------------------------


def assumption_get(*, workspace: Workspace, pk: int) -> Assumption:
    """An assumption of this workspace with its live evidence counts; else a 404."""
    queryset = (
        Assumption.objects.for_workspace(workspace)
        .select_related("created_by")
        .annotate(
            supports=Count("evidence", filter=Q(evidence__verdict=Evidence.Verdict.SUPPORTS)),
            contradicts=Count("evidence", filter=Q(evidence__verdict=Evidence.Verdict.CONTRADICTS)),
        )
    )
    assumption = get_object_or_404(queryset, pk=pk)
    # Counts annotated above; the stubs' annotated type from get_object_or_404 loses them.
    assumption.status = Assumption.status_for(assumption.supports, assumption.contradicts)  # type: ignore[attr-defined]
    return assumption


def evidence_list_for(*, workspace: Workspace, assumption: Assumption) -> QuerySet:
    """The assumption's evidence, newest conversation first, with the conversation's account."""
    return (
        Evidence.objects.for_workspace(workspace)
        .filter(assumption=assumption)
        .select_related("conversation__account")
        .order_by("-conversation__occurred_on", "-id")
    )


def assumption_catalog(*, workspace: Workspace) -> list[Mapping[str, object]]:
    """Every assumption's id, statement and area (a hand-kept catalog: small), newest first.

    The board shows these live beside the snapshot's figures, so an assumption created or
    reworded since the last recompute shows at once.
    """
    return list(
        Assumption.objects.for_workspace(workspace)
        .order_by("-created_at", "-id")
        .values("id", "statement", "area")
    )


RECENT_QUOTES_SCANNED = 300
QUOTES_PER_ASSUMPTION = 2


def assumption_quotes_latest(*, workspace: Workspace) -> dict[int, list[Evidence]]:
    """The board's latest quotes: per assumption, up to QUOTES_PER_ASSUMPTION distinct quotes
    from the newest RECENT_QUOTES_SCANNED pieces of evidence with one (one query)."""
    recent = (
        Evidence.objects.for_workspace(workspace)
        .exclude(quote="")
        .select_related("conversation__account")
        .order_by("-id")[:RECENT_QUOTES_SCANNED]
    )
    quotes: dict[int, list[Evidence]] = {}
    for evidence in recent:
        bucket = quotes.setdefault(evidence.assumption_id, [])
        seen = {e.quote for e in bucket}
        if len(bucket) < QUOTES_PER_ASSUMPTION and evidence.quote not in seen:
            bucket.append(evidence)
    return quotes


def area_list(*, workspace: Workspace) -> list[str]:
    """The areas in use, for the assumption form's suggestions."""
    return list(
        Assumption.objects.for_workspace(workspace)
        .exclude(area="")
        .order_by("area")
        .values_list("area", flat=True)
        .distinct()
    )


# --- the PM's landing page -----------------------------------------------------------------------

RECENT_CONVERSATIONS = 8
OPEN_ACTION_ITEMS = 15
UNTESTED_ASSUMPTIONS = 8


def my_recent_conversations(*, workspace: Workspace, user) -> list[Conversation]:
    """The conversations this user logged here, newest first."""
    return list(
        Conversation.objects.for_workspace(workspace)
        .filter(logged_by=user)
        .select_related("account", "deal")
        .order_by("-occurred_on", "-id")[:RECENT_CONVERSATIONS]
    )


def my_open_action_items(*, workspace: Workspace, user) -> QuerySet[ActionItem]:
    """Open action items that are this user's: owned by them, or unassigned on a conversation
    they logged. Overdue and soonest due first, undated last."""
    return (
        ActionItem.objects.for_workspace(workspace)
        .filter(done=False)
        .filter(Q(owner=user) | Q(owner__isnull=True, conversation__logged_by=user))
        .select_related("conversation__account", "owner")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def action_item_get(*, workspace: Workspace, pk: int) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.for_workspace(workspace).select_related(
            "conversation__account", "owner"
        ),
        pk=pk,
    )


def untested_assumption_list(*, workspace: Workspace) -> QuerySet[Assumption]:
    """Assumptions nobody has found evidence for yet (an anti-join on the evidence index)."""
    evidence = Evidence.objects.filter(workspace=workspace, assumption=OuterRef("pk"))
    return (
        Assumption.objects.for_workspace(workspace)
        .filter(~Exists(evidence))
        .order_by("-created_at", "-id")
    )


ASK_NEXT_SHOWN = 5


def assumption_gaps(payload: dict, *, labels: dict, shown: int = ASK_NEXT_SHOWN) -> list[dict]:
    """Pure: from a published ``assumptions`` snapshot part, the assumptions that have evidence
    but none yet in some values of the dimension ("ask next"), most gaps first.

    An assumption with no evidence at all is listed as untested already; unknown values are
    left out (nobody can go and ask "unknown").
    """
    results = payload.get("results", [])
    values = sorted({str(r["value"]) for r in results} - {UNKNOWN})
    heard: dict[int, set[str]] = {}
    for row in results:
        heard.setdefault(row["assumption"], set()).add(str(row["value"]))
    gaps = []
    for line in payload.get("overall", []):
        if line.get("status") == Assumption.Status.UNTESTED:
            continue
        missing = [v for v in values if v not in heard.get(line["assumption"], set())]
        if missing:
            gaps.append(
                {
                    "assumption": line["assumption"],
                    "statement": line["statement"],
                    "status": line["status"],
                    "values": [labels.get(v, v) for v in missing],
                }
            )
    gaps.sort(key=lambda g: (-len(g["values"]), g["statement"]))
    return gaps[:shown]


@dataclass(frozen=True)
class BlindSpot:
    """A segment value holding much of the pipeline but little of the recent listening."""

    dimension: str
    dimension_label: str
    value: str
    label: str
    pipeline: Decimal
    pipeline_share: float
    conversations_90d: int
    conversation_share: float

    @property
    def filter_query(self) -> str:
        """``dimension=value`` for the account list, which filters on account dimensions."""
        return urlencode({self.dimension: self.value})


BLIND_SPOT_MIN_SHARE = 0.05  # a value must hold at least 5 % of the open pipeline
BLIND_SPOT_LISTENING_RATIO = 0.5  # and get less than half that share of the recent conversations
BLIND_SPOTS_SHOWN = 6
BLIND_SPOT_DIMENSIONS = ("industry", "region", "size_band", "deployment_model", "infrastructure")


def find_blind_spots(rows_by_dimension: dict[str, list[dict]]) -> list[BlindSpot]:
    """Pure: the blind spots among published segment rows, the widest gap first.

    A value is a blind spot when its share of the workspace pipeline is at least
    ``BLIND_SPOT_MIN_SHARE`` while its share of the dimension's conversations in the last 90
    days is under ``BLIND_SPOT_LISTENING_RATIO`` times that. Unknown values are left out:
    nobody can go and talk to "unknown".
    """
    spots: list[BlindSpot] = []
    for dimension, rows in rows_by_dimension.items():
        heard = sum(int(r.get("conversations_90d") or 0) for r in rows)
        labels = DIMENSIONS.get(dimension, {})
        for row in rows:
            value = str(row.get("value"))
            share = float(row.get("pipeline_share") or 0)
            if value == UNKNOWN or share < BLIND_SPOT_MIN_SHARE:
                continue
            conversations = int(row.get("conversations_90d") or 0)
            conversation_share = conversations / heard if heard else 0.0
            if conversation_share >= share * BLIND_SPOT_LISTENING_RATIO:
                continue
            spots.append(
                BlindSpot(
                    dimension=dimension,
                    dimension_label=ACCOUNT_DIMENSIONS.get(dimension, dimension),
                    value=value,
                    label=labels.get(value, value),
                    pipeline=Decimal(str(row.get("pipeline") or 0)),
                    pipeline_share=share,
                    conversations_90d=conversations,
                    conversation_share=conversation_share,
                )
            )
    spots.sort(key=lambda s: (-(s.pipeline_share - s.conversation_share), s.dimension, s.value))
    return spots[:BLIND_SPOTS_SHOWN]


def segment_rows_published(
    *, workspace: Workspace, dimensions: tuple[str, ...] = BLIND_SPOT_DIMENSIONS
) -> tuple[dict[str, list[dict]], object]:
    """The published ``segments`` results of several dimensions in one query, and when they
    were computed (None when nothing is published yet)."""
    state = InsightState.objects.filter(workspace_id=workspace.pk).values("published_version")
    parts = InsightSnapshot.objects.filter(
        workspace_id=workspace.pk,
        kind=InsightSnapshot.Kind.SEGMENTS,
        dimension__in=dimensions,
        version=state[:1],
    ).values_list("dimension", "payload", "computed_at")
    rows: dict[str, list[dict]] = {}
    computed_at = None
    for dimension, payload, at in parts:
        rows[dimension] = (payload or {}).get("results", [])
        computed_at = at
    return {d: rows[d] for d in dimensions if d in rows}, computed_at
