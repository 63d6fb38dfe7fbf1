"""Reads for deals and conversations: list querysets and aggregates, always workspace-first."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from accounts_app.models import (
    SIZE_BANDS,
    DeploymentModel,
    Infrastructure,
    Lifecycle,
    Segment,
    Workspace,
)
from common.search import search_terms, terms_q
from personas_app.models import Contact

from ..models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    ActionItem,
    BusinessCase,
    Conversation,
    Deal,
    DealRole,
    Tag,
)

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
# A dimension filter value meaning "accounts with no value" (null or empty).
NO_VALUE = "__none__"
# The dimensions the account list (/accounts/) filters on; other pages link a value of these
# to its accounts, and a value of another dimension elsewhere (the dashboard).
ACCOUNT_LIST_DIMENSIONS = (
    "industry",
    "size_band",
    "deployment_model",
    "infrastructure",
    "lifecycle",
)


def _count_subquery(queryset: QuerySet, *, group_by: str, count: str) -> Coalesce:
    """A correlated COUNT(DISTINCT count) over queryset, evaluated only for the rows shown."""
    counted = (
        queryset.order_by().values(group_by).annotate(n=Count(count, distinct=True)).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# What a conversation search looks in, besides the names of its participants.
CONVERSATION_SEARCH_FIELDS = ("title", "notes", "account__name")
# What a deal search looks in: the deal's name and its account's.
DEAL_SEARCH_FIELDS = ("name", "account__name")


def _participant_named(term: str) -> Exists:
    """The conversation has a participant whose first or last name contains ``term``."""
    return Exists(
        Conversation.participants.through.objects.filter(conversation_id=OuterRef("pk")).filter(
            Q(contact__first_name__icontains=term) | Q(contact__last_name__icontains=term)
        )
    )


def conversation_search_q(terms: Sequence[str]) -> Q:
    """Conversations where every term is in the title, the notes, the account's name or a
    participant's name (any case). The participants are an ``EXISTS``, so no row is repeated
    and no ``DISTINCT`` is needed; the page and the API (``?search=``) share this."""
    return terms_q(terms, CONVERSATION_SEARCH_FIELDS, extra=_participant_named)


def deal_search_q(terms: Sequence[str]) -> Q:
    """Deals where every term is in the deal's name or its account's name (any case)."""
    return terms_q(terms, DEAL_SEARCH_FIELDS)


def conversation_list(
    *, workspace: Workspace, kind: str = "", search: str = ""
) -> QuerySet[Conversation]:
    """Recent conversations, newest first, with what a list row shows loaded up front.

    ``kind`` keeps one kind; ``search`` keeps those whose title, notes, account name or a
    participant's name contain each of its words (``conversation_search_q``).
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
    terms = search_terms(search)
    if terms:
        queryset = queryset.filter(conversation_search_q(terms))
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
        ordering: list = [F("close_date").asc(nulls_last=True), "name", "id"]
    else:
        ordering = [F("close_date").desc(nulls_last=True), "-id"]
    # The people counted are those still in the CRM (a deleted contact's role stays hidden).
    roles = DealRole.objects.filter(deal_id=OuterRef("pk"), contact__crm_deleted_at=None)
    return (
        queryset.select_related("account", "owner")
        .annotate(contact_count=_count_subquery(roles, group_by="deal_id", count="contact_id"))
        .order_by(*ordering)
    )


# The orderings a deal list may be sorted by (?sort=), unknown values last either way.
DEAL_SORTS: dict[str, tuple] = {
    "amount": (F("amount").asc(nulls_last=True), "id"),
    "-amount": (F("amount").desc(nulls_last=True), "-id"),
    "close_date": (F("close_date").asc(nulls_last=True), "id"),
    "-close_date": (F("close_date").desc(nulls_last=True), "-id"),
    "last_engagement": (F("last_engagement").asc(nulls_last=True), "id"),
    "-last_engagement": (F("last_engagement").desc(nulls_last=True), "-id"),
}


def account_dimension_q(dimension: str, value: str, *, prefix: str = "account__") -> Q:
    """Accounts (or rows related to one through ``prefix``) whose ``dimension`` is ``value``.

    Industry matches without regard to case; NO_VALUE matches a missing (null or empty) value.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"Unknown dimension {dimension!r}.")
    if value == NO_VALUE:
        return Q(**{f"{prefix}{dimension}__isnull": True}) | Q(**{f"{prefix}{dimension}": ""})
    if dimension == "industry":
        return Q(**{f"{prefix}industry__iexact": value})
    return Q(**{f"{prefix}{dimension}": value})


def deal_pipeline(
    *,
    workspace: Workspace,
    stage: str = STAGE_OPEN,
    owner=None,
    unassigned: bool = False,
    close_from: dt.date | None = None,
    close_to: dt.date | None = None,
    dimensions: dict[str, str] | None = None,
    segment: Segment | None = None,
    sort: str = "",
    search: str = "",
) -> QuerySet[Deal]:
    """The deal list of the pipeline page: deal_list narrowed by owner (or no owner), expected
    close date range, account dimension values, a saved segment of this workspace and a search
    on the deal's and the account's name (``deal_search_q``), sorted by one of DEAL_SORTS (an
    unknown sort keeps deal_list's order).

    Each deal also carries ``last_engagement``: the latest date anyone on it was engaged.
    """
    deals = deal_list(workspace=workspace, stage=stage, owner=owner)
    if unassigned:
        deals = deals.filter(owner__isnull=True)
    if close_from:
        deals = deals.filter(close_date__gte=close_from)
    if close_to:
        deals = deals.filter(close_date__lte=close_to)
    for dimension, value in (dimensions or {}).items():
        deals = deals.filter(account_dimension_q(dimension, value))
    if segment is not None:
        if segment.workspace_id != workspace.pk:
            raise ValueError("The segment belongs to another workspace.")
        deals = deals.filter(segment.account_q(prefix="account__"))
    terms = search_terms(search)
    if terms:
        deals = deals.filter(deal_search_q(terms))
    engaged = (
        DealRole.objects.filter(deal_id=OuterRef("pk"), contact__crm_deleted_at=None)
        .order_by()
        .values("deal_id")
        .annotate(last=Max("last_engaged_on"))
        .values("last")
    )
    deals = deals.annotate(last_engagement=Subquery(engaged))
    if sort in DEAL_SORTS:
        deals = deals.order_by(*DEAL_SORTS[sort])
    return deals


@dataclass
class BoardColumn:
    """One stage of the pipeline board: its totals and its biggest deals."""

    stage: str
    label: str
    count: int = 0
    amount: Decimal = Decimal(0)
    deals: list[Deal] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.deals)


def deal_board(
    *, deals: QuerySet[Deal], stages: Sequence[str], per_stage: int = 6
) -> list[BoardColumn]:
    """A kanban of a deal list: per stage its count and amount, and its ``per_stage`` biggest
    deals (an unknown amount last). Two queries, whatever the number of deals or stages."""
    labels = dict(Deal.Stage.choices)
    columns = {stage: BoardColumn(stage, labels[stage]) for stage in stages}
    deals = deals.filter(stage__in=list(columns))
    for row in (
        deals.order_by()
        .values("stage")
        .annotate(count=Count("id"), amount=Sum("amount", default=Decimal(0)))
    ):
        columns[row["stage"]].count = row["count"]
        columns[row["stage"]].amount = row["amount"]
    ranked = deals.annotate(
        board_rank=Window(
            RowNumber(),
            partition_by=[F("stage")],
            order_by=[F("amount").desc(nulls_last=True), F("id").asc()],
        )
    ).filter(board_rank__lte=per_stage)
    for deal in sorted(ranked, key=lambda d: d.board_rank):
        columns[deal.stage].deals.append(deal)
    return list(columns.values())


def deal_totals(*, deals: QuerySet[Deal]) -> dict:
    """Count and summed amount of a deal list, in one query (an unknown amount counts as 0)."""
    return deals.order_by().aggregate(count=Count("id"), amount=Sum("amount", default=Decimal("0")))


def deal_role_list(*, workspace: Workspace) -> QuerySet[DealRole]:
    """Deal roles with the contact and the deal loaded (names and the external flag).

    Roles join to their deal and contact past the default manager: the roles of a deal or a
    contact the CRM deleted leave the list with them (PRODUCT.md §11; kept until a purge)."""
    return (
        DealRole.objects.for_workspace(workspace)
        .filter(deal__crm_deleted_at=None, contact__crm_deleted_at=None)
        .select_related("contact", "deal")
    )


def business_case_list(*, workspace: Workspace) -> QuerySet[BusinessCase]:
    """Business cases with their deal; those of a deal the CRM deleted leave the list with it
    (kept until a purge, PRODUCT.md §11)."""
    return (
        BusinessCase.objects.for_workspace(workspace)
        .filter(deal__crm_deleted_at=None)
        .select_related("deal")
    )


def tag_list(*, workspace: Workspace) -> QuerySet[Tag]:
    return Tag.objects.for_workspace(workspace)


def conversation_list_full(*, workspace: Workspace) -> QuerySet[Conversation]:
    """Conversations as conversation_list, plus their participants (ids and names)."""
    return conversation_list(workspace=workspace).prefetch_related(
        Prefetch("participants", queryset=Contact.objects.only("id", "first_name", "last_name"))
    )


def action_item_list(*, workspace: Workspace) -> QuerySet[ActionItem]:
    return ActionItem.objects.for_workspace(workspace).select_related("conversation", "owner")
