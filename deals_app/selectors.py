"""Reads for deals and conversations: list querysets and aggregates, always workspace-first."""

from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from accounts_app.models import (
    SIZE_BANDS,
    Account,
    DeploymentModel,
    Infrastructure,
    Lifecycle,
    Workspace,
)

from .models import CLOSED_STAGES, OPEN_STAGES, Conversation, Deal, DealRole

# Stage filters a deal list understands besides the stages themselves.
STAGE_OPEN, STAGE_CLOSED, STAGE_ALL = "open", "closed", "all"

# The account dimensions a segment summary can group by, with labels for their coded values.
DIMENSIONS: dict[str, dict[str, str]] = {
    "industry": {},
    "size_band": dict(SIZE_BANDS),
    "country": {},
    "region": {},
    "deployment_model": dict(DeploymentModel.choices),
    "infrastructure": dict(Infrastructure.choices),
    "lifecycle": dict(Lifecycle.choices),
}
UNKNOWN = "unknown"


def _count_subquery(queryset: QuerySet, *, group_by: str, count: str) -> Coalesce:
    """A correlated COUNT(DISTINCT count) over queryset, evaluated only for the rows shown."""
    counted = (
        queryset.order_by().values(group_by).annotate(n=Count(count, distinct=True)).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def conversation_list(
    *, workspace: Workspace, kind: str = "", search: str = ""
) -> QuerySet[Conversation]:
    """Recent conversations, newest first, with what a list row shows loaded up front.

    ``kind`` keeps one kind; ``search`` matches the title or the notes (case-insensitive).
    """
    participants = Conversation.participants.through.objects.filter(conversation_id=OuterRef("pk"))
    queryset = (
        Conversation.objects.for_workspace(workspace)
        .select_related("account", "deal", "logged_by")
        .prefetch_related("tags")
        .annotate(
            participant_count=_count_subquery(
                participants, group_by="conversation_id", count="contact_id"
            )
        )
        .order_by("-occurred_on", "-id")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(notes__icontains=search))
    return queryset


def deal_list(*, workspace: Workspace, stage: str = STAGE_OPEN, owner=None) -> QuerySet[Deal]:
    """Deals filtered by stage (a stage, or "open", "closed", "all") and optionally by owner.

    Open deals are ordered by the date they are expected to close; closed ones most recent first.
    Each deal carries ``contact_count``: the distinct contacts holding a role in it.
    """
    queryset = Deal.objects.for_workspace(workspace)
    if stage == STAGE_OPEN:
        queryset = queryset.filter(stage__in=OPEN_STAGES)
    elif stage == STAGE_CLOSED:
        queryset = queryset.filter(stage__in=CLOSED_STAGES)
    elif stage in Deal.Stage.values:
        queryset = queryset.filter(stage=stage)
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if stage in (STAGE_OPEN, *OPEN_STAGES):
        ordering = [F("close_date").asc(nulls_last=True), "name", "id"]
    else:
        ordering = [F("close_date").desc(nulls_last=True), "-id"]
    roles = DealRole.objects.filter(deal_id=OuterRef("pk"))
    return (
        queryset.select_related("account", "owner")
        .annotate(contact_count=_count_subquery(roles, group_by="deal_id", count="contact_id"))
        .order_by(*ordering)
    )


def deal_totals(*, deals: QuerySet[Deal]) -> dict:
    """Count and summed amount of a deal list, in one query (an unknown amount counts as 0)."""
    return deals.order_by().aggregate(count=Count("id"), amount=Sum("amount", default=Decimal("0")))


def deal_outcomes_by(*, workspace: Workspace, dimension: str) -> list[dict]:
    """Accounts, deals, won/lost, win rate, revenue won and pipeline per value of a dimension.

    One grouped query from the workspace's accounts (so accounts without deals count too);
    an empty value groups as "unknown". Rows come largest first (by deals, then accounts).
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"Unknown dimension '{dimension}'. Use one of: {', '.join(DIMENSIONS)}.")
    won = Q(deals__stage=Deal.Stage.CLOSED_WON)
    lost = Q(deals__stage=Deal.Stage.CLOSED_LOST)
    is_open = Q(deals__stage__in=OPEN_STAGES)
    value = Coalesce(NullIf(F(dimension), Value("")), Value(UNKNOWN), output_field=CharField())
    rows = (
        Account.objects.for_workspace(workspace)
        .values(value=value)
        .annotate(
            accounts=Count("id", distinct=True),
            deal_count=Count("deals"),  # "deals" itself is the relation's name
            won=Count("deals", filter=won),
            lost=Count("deals", filter=lost),
            revenue_won=Sum("deals__amount", filter=won, default=Decimal("0")),
            pipeline=Sum("deals__amount", filter=is_open, default=Decimal("0")),
        )
        .order_by("-deal_count", "-accounts", "value")
    )
    labels = DIMENSIONS[dimension]
    result = []
    for row in rows:
        row["deals"] = row.pop("deal_count")
        closed = row["won"] + row["lost"]
        row["label"] = (
            UNKNOWN if row["value"] == UNKNOWN else labels.get(row["value"], row["value"])
        )
        row["win_rate"] = row["won"] / closed if closed else None
        result.append(row)
    return result


def deal_outcomes_total(*, rows: list[dict]) -> dict:
    """The all-segments line under a segment summary, from its rows (each account is in one)."""
    total = {
        key: sum((row[key] for row in rows), start)
        for key, start in (
            ("accounts", 0),
            ("deals", 0),
            ("won", 0),
            ("lost", 0),
            ("revenue_won", Decimal("0")),
            ("pipeline", Decimal("0")),
        )
    }
    closed = total["won"] + total["lost"]
    total["win_rate"] = total["won"] / closed if closed else None
    return total
