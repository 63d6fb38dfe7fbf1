"""The grouped reads behind every figure of PRODUCT.md §4, reduced by the database per account.

Each function issues one query that groups a family of metrics by account (and by a small key
such as a loss reason, a pain tag or a quarter) and streams the reduced rows as tuples. The
recompute rolls these rows up to every value of every dimension with pandas
(``insights_app.analytics.rollup``): an account has exactly one value per dimension, and a
saved segment is a set of accounts, so per-account sums and distinct-account counts roll up
exactly. Scanning each big table once, instead of once per dimension, is what keeps a full
recompute within PRODUCT.md §9 (measured in docs/benchmarks.md).

Rows come straight from the database driver (no per-row ORM conversion: at full scale that
alone costs seconds), so every column is a plain int or string: money is summed in the
database and handed over as whole cents, and an unknown amount adds nothing to a sum.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, ExtractQuarter, ExtractYear, Round

from accounts_app.models import Account, Workspace
from deals_app.models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    BusinessCase,
    Conversation,
    Deal,
    DealRole,
    Tag,
)

from ..models import Assumption, Evidence, FeatureMention, FeatureRequest
from .dimensions import ACCOUNT_DIMENSIONS, Dimension

WON = Q(stage=Deal.Stage.CLOSED_WON)
LOST = Q(stage=Deal.Stage.CLOSED_LOST)
OPEN = Q(stage__in=OPEN_STAGES)
CLOSED = Q(stage__in=CLOSED_STAGES)
ZERO = Decimal("0")
CHUNK = 20_000
# Rows of other tables joined to a deal the CRM deleted (PRODUCT.md §11): the deal has left
# the insights, so what hangs on it (business cases, costed minutes, stated reasons, feature
# demand) must not count either. A join bypasses Deal's default manager; this puts it back.
LIVE_DEAL = Q(deal__crm_deleted_at=None)

ACCOUNT_COLUMNS = ("account_id", *ACCOUNT_DIMENSIONS)


def _server_side(connection) -> bool:
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    )


@contextmanager
def fact_reading_session(using: str = "default"):
    """Prepare this thread's connection for the fact reads, and undo it afterwards.

    On PostgreSQL the reads go through server-side cursors, which the planner would otherwise
    optimise for the first 10% of rows (``cursor_tuple_fraction``): a much slower plan for a
    GROUP BY that is read to the end.
    """
    connection = connections[using]
    if not _server_side(connection):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET cursor_tuple_fraction")


def _stream(queryset: QuerySet) -> Iterator[tuple]:
    """The rows of a values_list query as the driver returns them, a chunk at a time.

    The ORM builds the (portable) SQL; the rows skip Django's per-row converters. On
    PostgreSQL a server-side cursor keeps only one chunk in this process's memory.
    """
    queryset = queryset.order_by()
    query = queryset.query
    try:
        sql, params = query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return
    fields = queryset._fields  # type: ignore[attr-defined]  # values() names; not in the stubs
    wanted = list(fields) if fields else None
    selected = list(query.selected or ()) if query.selected else wanted
    reorder = None
    if wanted and selected and selected != wanted:
        reorder = itemgetter(*(selected.index(name) for name in wanted))
    connection = connections[queryset.db]
    cursor = connection.chunked_cursor() if _server_side(connection) else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from (map(reorder, rows) if reorder else rows)


def _cents(aggregate) -> Cast:
    """An aggregated amount as whole cents (a bigint): exact, and a plain int in Python."""
    scaled = ExpressionWrapper(
        aggregate * Value(100), output_field=DecimalField(max_digits=30, decimal_places=2)
    )
    return Cast(Round(scaled), BigIntegerField())


def _deals(workspace: Workspace) -> QuerySet:
    return Deal.objects.filter(workspace_id=workspace.pk)


def _close_quarter(path: str = "") -> dict:
    """The year and quarter of a deal's close_date as integer columns (NULL without a date).

    Closed-deal families carry them so the recompute can restrict their figures to a period
    (``insights_app.analytics.periods``) from the same read that gives the all-time figures.
    """
    field = f"{path}close_date"
    return {
        "year": Cast(ExtractYear(field), IntegerField()),
        "quarter": Cast(ExtractQuarter(field), IntegerField()),
    }


def _has_role(role: str) -> Exists:
    """The deal has someone in ``role``: someone the CRM has not deleted (§11)."""
    return Exists(
        DealRole.objects.filter(deal_id=OuterRef("pk"), role=role, contact__crm_deleted_at=None)
    )


# -- accounts and saved segments -----------------------------------------------------------------


def account_dimension_rows(*, workspace: Workspace) -> Iterator[tuple]:
    """(account id, industry, size_band, country, region, deployment_model, infrastructure,
    lifecycle) for every account of the workspace."""
    return _stream(
        Account.objects.filter(workspace_id=workspace.pk).values_list("id", *ACCOUNT_DIMENSIONS)
    )


def segment_account_ids(*, workspace: Workspace, dimension: Dimension) -> list[int]:
    """The ids of the accounts a saved segment matches (``Segment.account_q()``)."""
    return list(
        Account.objects.filter(workspace_id=workspace.pk)
        .filter(dimension.scope())
        .values_list("id", flat=True)
    )


# -- deals ---------------------------------------------------------------------------------------

OUTCOME_COLUMNS = (
    "account_id",
    "deals",
    "open_deals",
    "won",
    "lost",
    "revenue_won",
    "pipeline",
    "cost_recorded",
)


def deal_outcomes_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """Deal counts, revenue won, pipeline and the cost of sale recorded on closed deals.

    ``cost_recorded`` sums ``cost_of_sale`` over the closed deals that have one; the others
    are costed from their conversations (``costed_minutes_by_account``).
    """
    return _stream(
        _deals(workspace)
        .values("account_id")
        .annotate(
            deals=Count("id"),
            open_deals=Count("id", filter=OPEN),
            won=Count("id", filter=WON),
            lost=Count("id", filter=LOST),
            revenue_won=_cents(Sum("amount", filter=WON, default=ZERO)),
            pipeline=_cents(Sum("amount", filter=OPEN, default=ZERO)),
            cost_recorded=_cents(Sum("cost_of_sale", filter=CLOSED, default=ZERO)),
        )
        .values_list(*OUTCOME_COLUMNS)
    )


COVERED_COLUMNS = ("account_id", "year", "quarter", "open_deals", "won", "lost")


def covered_outcomes_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """Open, won and lost deals having both an economic buyer and a champion role, by account
    and quarter of close_date (an open deal's is its expected close; periods only use the
    closed ones).

    The roles may be held by contacts of other accounts (partners, consultants): a role in the
    deal is what counts. Both EXISTS are in the WHERE clause, so the database plans them as
    semi-joins.
    """
    return _stream(
        _deals(workspace)
        .filter(_has_role(DealRole.Role.ECONOMIC_BUYER), _has_role(DealRole.Role.CHAMPION))
        .values("account_id", **_close_quarter())
        .annotate(
            open_deals=Count("id", filter=OPEN),
            won=Count("id", filter=WON),
            lost=Count("id", filter=LOST),
        )
        .values_list(*COVERED_COLUMNS)
    )


CYCLE_COLUMNS = ("account_id", "year", "quarter", "days", "deals")


def won_cycle_days_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """(account, year, quarter, cycle length in days, won deals) over won deals with both
    dates known, by the quarter they closed in.

    Grouping by the length keeps the rows few while the median stays exact; the date
    difference is Django's portable date subtraction (a timedelta).
    """
    cycle = ExpressionWrapper(F("close_date") - F("created_on"), output_field=DurationField())
    rows = _stream(
        _deals(workspace)
        .filter(WON, created_on__isnull=False, close_date__isnull=False)
        .values("account_id", **_close_quarter(), cycle_length=cycle)
        .annotate(deals=Count("id"))
        .values_list("account_id", "year", "quarter", "cycle_length", "deals")
    )
    return (
        (account_id, year, quarter, _days(length), n)
        for account_id, year, quarter, length, n in rows
    )


MICROSECONDS_PER_DAY = 86_400_000_000


def _days(length) -> int:
    """A date difference as days: a timedelta (PostgreSQL) or microseconds (SQLite)."""
    if isinstance(length, dt.timedelta):
        return length.days
    return int(length) // MICROSECONDS_PER_DAY


REASON_COLUMNS = ("account_id", "year", "quarter", "reason", "deals")


def loss_reasons_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """(account, year, quarter, loss reason, lost deals) by the quarter of close_date; a lost
    deal without a reason has reason ''."""
    return _stream(
        _deals(workspace)
        .filter(LOST)
        .values("account_id", "loss_reason", **_close_quarter())
        .annotate(deals=Count("id"))
        .values_list("account_id", "year", "quarter", "loss_reason", "deals")
    )


TREND_COLUMNS = ("account_id", "year", "quarter", "won", "lost", "revenue_won", "cost_recorded")


def quarterly_outcomes_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """(account, year, quarter, won, lost, revenue won, cost of sale recorded) by the quarter
    of close_date.

    A closed deal without a close date has no quarter and is left out.
    """
    return _stream(
        _deals(workspace)
        .filter(CLOSED, close_date__isnull=False)
        .values("account_id", **_close_quarter())
        .annotate(
            won=Count("id", filter=WON),
            lost=Count("id", filter=LOST),
            revenue_won=_cents(Sum("amount", filter=WON, default=ZERO)),
            cost_recorded=_cents(Sum("cost_of_sale", default=ZERO)),
        )
        .values_list(*TREND_COLUMNS)
    )


CLAIMED_COLUMNS = ("account_id", "value_claimed")


def value_claimed_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """Business cases' estimated annual value over open and won deals, by the deal's account."""
    return _stream(
        BusinessCase.objects.filter(LIVE_DEAL, workspace_id=workspace.pk)
        .exclude(deal__stage=Deal.Stage.CLOSED_LOST)
        .values(deal_account=F("deal__account_id"))
        .annotate(value_claimed=_cents(Sum("estimated_annual_value", default=ZERO)))
        .values_list("deal_account", "value_claimed")
    )


# -- conversations -------------------------------------------------------------------------------

MINUTES_COLUMNS = ("account_id", "year", "quarter", "minutes")


def costed_minutes_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """Minutes of conversations linked to closed deals without a recorded cost of sale.

    By the deal's account and the quarter it closed in, because the cost belongs to the deal;
    a conversation without a duration adds nothing.
    """
    return _stream(
        Conversation.objects.filter(
            LIVE_DEAL,
            workspace_id=workspace.pk,
            deal__stage__in=CLOSED_STAGES,
            deal__cost_of_sale__isnull=True,
        )
        .values(deal_account=F("deal__account_id"), **_close_quarter("deal__"))
        .annotate(minutes=Sum("duration_minutes", default=0))
        .values_list("deal_account", "year", "quarter", "minutes")
    )


STATED_COLUMNS = ("account_id", "year", "quarter", "stated", "mismatched")


def stated_reasons_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """Lost deals with a win/loss interview that has a stated reason, and how many disagree.

    A deal with several such interviews is judged by its latest (by date, then id): the
    buyer's last word. ``mismatched`` counts those whose stated reason differs from the deal's
    recorded loss_reason (an empty loss_reason differs from any stated one). By the deal's
    account and the quarter it closed in.
    """
    stated = Q(kind=Conversation.Kind.WIN_LOSS) & ~Q(stated_reason="")
    later = Conversation.objects.filter(stated, deal_id=OuterRef("deal_id")).filter(
        Q(occurred_on__gt=OuterRef("occurred_on"))
        | Q(occurred_on=OuterRef("occurred_on"), id__gt=OuterRef("id"))
    )
    return _stream(
        Conversation.objects.filter(
            stated, LIVE_DEAL, workspace_id=workspace.pk, deal__stage="closed_lost"
        )
        .filter(~Exists(later))
        .values(deal_account=F("deal__account_id"), **_close_quarter("deal__"))
        .annotate(
            stated_deals=Count("deal_id"),
            mismatched=Count("deal_id", filter=~Q(stated_reason=F("deal__loss_reason"))),
        )
        .values_list("deal_account", "year", "quarter", "stated_deals", "mismatched")
    )


RECENT_COLUMNS = ("account_id", "conversations")


def conversations_between_by_account(
    *, workspace: Workspace, since: dt.date, until: dt.date
) -> Iterator[tuple]:
    """Conversations per account that occurred in [since, until]."""
    return _stream(
        Conversation.objects.filter(
            workspace_id=workspace.pk, occurred_on__gte=since, occurred_on__lte=until
        )
        .values("account_id")
        .annotate(conversations=Count("id"))
        .values_list("account_id", "conversations")
    )


PAIN_COLUMNS = ("account_id", "tag_id", "conversations")


def pains_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """(account, pain tag, conversations) for the pain tags of conversations with accounts."""
    tagging = Conversation.tags.through.objects
    return _stream(
        tagging.filter(conversation__workspace_id=workspace.pk, tag__kind=Tag.Kind.PAIN)
        # values(alias=F(...)) on the tags' through model: the stubs' plugin cannot resolve it.
        .values(conv_account=F("conversation__account_id"), pain=F("tag_id"))  # type: ignore[misc]
        .annotate(conversations=Count("conversation_id"))
        .values_list("conv_account", "pain", "conversations")
    )


def pain_tags(*, workspace: Workspace) -> dict[int, str]:
    """Pain tag names by id."""
    return dict(
        Tag.objects.filter(workspace_id=workspace.pk, kind=Tag.Kind.PAIN).values_list("id", "name")
    )


# -- feature demand and assumptions --------------------------------------------------------------


def feature_list(*, workspace: Workspace) -> list[dict]:
    """Every feature request of the workspace: id, title and status."""
    # values() rows: TypedDicts to the stubs, plain dicts at run time.
    return list(
        FeatureRequest.objects.filter(workspace_id=workspace.pk)  # type: ignore[arg-type]
        .order_by("id")
        .values("id", "title", "status")
    )


FEATURE_ACCOUNT_COLUMNS = ("feature_id", "account_id")


def feature_accounts(*, workspace: Workspace) -> Iterator[tuple]:
    """(feature, account) for every account that mentioned a feature, once per pair."""
    return _stream(
        FeatureMention.objects.filter(workspace_id=workspace.pk)
        .values("feature_id", "account_id")
        .annotate(mentions=Count("id"))
        .values_list("feature_id", "account_id")
    )


FEATURE_DEAL_COLUMNS = ("feature_id", "account_id", "demand", "lost", "largest")


def feature_deals_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """(feature, account, demand, lost, largest) over the distinct deals linked to mentions.

    Each (feature, deal) pair counts once however many mentions link them: only the pair's
    first mention (lowest id) is kept, with a NOT EXISTS, so amounts sum once per deal.
    ``demand`` sums open and won deals, ``lost`` lost ones; ``largest`` is the largest single
    open-or-won amount (for the concentration).
    """
    earlier = FeatureMention.objects.filter(
        feature_id=OuterRef("feature_id"), deal_id=OuterRef("deal_id"), id__lt=OuterRef("id")
    )
    demand = ~Q(deal__stage=Deal.Stage.CLOSED_LOST)
    lost = Q(deal__stage=Deal.Stage.CLOSED_LOST)
    return _stream(
        FeatureMention.objects.filter(LIVE_DEAL, workspace_id=workspace.pk, deal__isnull=False)
        .filter(~Exists(earlier))
        .values("feature_id", deal_account=F("deal__account_id"))
        .annotate(
            demand=_cents(Sum("deal__amount", filter=demand, default=ZERO)),
            lost=_cents(Sum("deal__amount", filter=lost, default=ZERO)),
            largest=_cents(Max("deal__amount", filter=demand, default=ZERO)),
        )
        .values_list("feature_id", "deal_account", "demand", "lost", "largest")
    )


def assumption_list(*, workspace: Workspace) -> list[dict]:
    """Every assumption of the workspace: id, statement and area."""
    # values() rows: TypedDicts to the stubs, plain dicts at run time.
    return list(
        Assumption.objects.filter(workspace_id=workspace.pk)  # type: ignore[arg-type]
        .order_by("id")
        .values("id", "statement", "area")
    )


EVIDENCE_COLUMNS = ("assumption_id", "account_id", "supports", "contradicts")


def evidence_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """(assumption, account, supports, contradicts), by the account the conversation was with."""
    return _stream(
        Evidence.objects.filter(workspace_id=workspace.pk)
        .values("assumption_id", conv_account=F("conversation__account_id"))
        .annotate(
            supports=Count("id", filter=Q(verdict=Evidence.Verdict.SUPPORTS)),
            contradicts=Count("id", filter=Q(verdict=Evidence.Verdict.CONTRADICTS)),
        )
        .values_list("assumption_id", "conv_account", "supports", "contradicts")
    )
