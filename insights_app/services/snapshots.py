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

import functools
import logging
import queue
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from django.db import connections, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from accounts_app.models import Workspace
from common.exceptions import ApplicationError, ServiceUnavailable
from common.taskqueue import BROKER_ERRORS, PUBLISH_RETRY
from insights_app import analytics
from insights_app import selectors as sel
from insights_app.models import Assumption, InsightSnapshot, InsightState, InsightTask

from .state import workspace_mark_dirty

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
KINDS = tuple(InsightSnapshot.Kind.values)
RECENT_DAYS = 90  # conversations_90d: occurred_on from today − 90 days to today, both included
LEASE = timedelta(minutes=10)  # how long a scheduled recompute holds a workspace
TASKS_KEPT = timedelta(days=30)  # requested-recompute records are forgotten after this
# Family reads run on this many connections at once (PostgreSQL, outside a transaction).
PARALLEL_READS = 3


@dataclass
class Part:
    """One snapshot row to be written: a kind of figures for one dimension."""

    kind: str
    dimension: str
    payload: dict

    @property
    def rows(self) -> int:
        return len(self.payload.get("results", ()))


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


# -- compute (reads only) ------------------------------------------------------------------------


@dataclass
class Facts:
    """Every family of per-account facts of a workspace, read once per recompute."""

    index: analytics.AccountIndex
    dimension_columns: dict[str, np.ndarray]
    totals: analytics.FactFrame
    keyed: dict[str, analytics.FactFrame]
    features: list[dict]
    assumptions: list[dict]
    pains: dict[int, str]


TOTAL_MONEY = ("revenue_won", "pipeline", "cost_recorded", "value_claimed")
# Families read by account and quarter of close_date (summed per account for all time).
QUARTERED = ("trend", "covered", "costed", "stated", "cycles", "reasons")


def _fact_reads(workspace: Workspace, *, today: date) -> dict[str, Callable[[], dict]]:
    """Each family's read: one query grouped by account, turned into column arrays.

    Listed roughly from the most to the least expensive, so parallel reads start the long
    ones first.
    """
    read = analytics.read_columns
    since = today - timedelta(days=RECENT_DAYS)
    ws = workspace
    return {
        "pains": lambda: read(sel.pains_by_account(workspace=ws), sel.PAIN_COLUMNS),
        "feature_deals": lambda: read(
            sel.feature_deals_by_account(workspace=ws), sel.FEATURE_DEAL_COLUMNS
        ),
        "evidence": lambda: read(sel.evidence_by_account(workspace=ws), sel.EVIDENCE_COLUMNS),
        "covered": lambda: read(sel.covered_outcomes_by_account(workspace=ws), sel.COVERED_COLUMNS),
        "costed": lambda: read(sel.costed_minutes_by_account(workspace=ws), sel.MINUTES_COLUMNS),
        "outcomes": lambda: read(sel.deal_outcomes_by_account(workspace=ws), sel.OUTCOME_COLUMNS),
        "trend": lambda: read(sel.quarterly_outcomes_by_account(workspace=ws), sel.TREND_COLUMNS),
        "stated": lambda: read(sel.stated_reasons_by_account(workspace=ws), sel.STATED_COLUMNS),
        "claimed": lambda: read(sel.value_claimed_by_account(workspace=ws), sel.CLAIMED_COLUMNS),
        "recent": lambda: read(
            sel.conversations_between_by_account(workspace=ws, since=since, until=today),
            sel.RECENT_COLUMNS,
        ),
        "feature_accounts": lambda: read(
            sel.feature_accounts(workspace=ws), sel.FEATURE_ACCOUNT_COLUMNS
        ),
        "reasons": lambda: read(
            sel.loss_reasons_by_account(workspace=ws), sel.REASON_COLUMNS, text=("reason",)
        ),
        "cycles": lambda: read(sel.won_cycle_days_by_account(workspace=ws), sel.CYCLE_COLUMNS),
        "accounts": lambda: read(
            sel.account_dimension_rows(workspace=ws),
            sel.ACCOUNT_COLUMNS,
            text=tuple(sel.ACCOUNT_DIMENSIONS),
        ),
    }


def _read_loop(pending: "queue.SimpleQueue", results: dict) -> None:
    """One reading thread: take reads until none is left, on this thread's own connection."""
    try:
        with sel.fact_reading_session():
            while True:
                try:
                    name, read = pending.get_nowait()
                except queue.Empty:
                    return
                results[name] = read()
    finally:
        connections.close_all()


def _run_reads(reads: dict[str, Callable[[], dict]]) -> dict[str, dict]:
    """Run the family reads, in parallel on PostgreSQL (each thread on its own connection).

    Inside a transaction (tests, or a caller's atomic block) the reads must see that
    transaction's data, so they run one after another on the caller's connection.
    """
    connection = connections["default"]
    if PARALLEL_READS < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        with sel.fact_reading_session():
            return {name: read() for name, read in reads.items()}
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for item in reads.items():
        pending.put(item)
    results: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=PARALLEL_READS) as pool:
        loops = [pool.submit(_read_loop, pending, results) for _ in range(PARALLEL_READS)]
        for loop in loops:
            loop.result()  # re-raises a failed read
    return {name: results[name] for name in reads}


def _read_facts(workspace: Workspace, *, today: date) -> Facts:
    """One query per family of metrics, each grouped by account in the database."""
    columns = _run_reads(_fact_reads(workspace, today=today))
    for name in QUARTERED:  # closed-deal families: the quarter of close_date, for periods
        family = columns[name]
        family["q"] = analytics.quarter_numbers(family.pop("year"), family.pop("quarter"))
    accounts = columns["accounts"]
    index = analytics.AccountIndex(accounts["account_id"])
    covered, costed = columns["covered"], columns["costed"]
    totals = index.per_account(
        [
            ("", columns["outcomes"]),
            ("covered_", covered),
            ("costed_", costed),
            ("", columns["claimed"]),
            ("", columns["stated"]),
            ("recent_", columns["recent"]),
        ],
        money=TOTAL_MONEY,
        skip=("q",),
    )
    keyed = {
        "cycles": index.keyed(columns["cycles"]),
        "reasons": index.keyed(columns["reasons"]),
        "pains": index.keyed(columns["pains"]),
        "closed_q": index.stacked(
            [
                columns["trend"],
                _closed_rows(
                    {
                        "account_id": covered["account_id"],
                        "q": covered["q"],
                        "covered_won": covered["won"],
                        "covered_lost": covered["lost"],
                    }
                ),
                {
                    "account_id": costed["account_id"],
                    "q": costed["q"],
                    "costed_minutes": costed["minutes"],
                },
                columns["stated"],
            ],
            keys=("q",),
            measures=analytics.CLOSED_MEASURES,
            money=("revenue_won", "cost_recorded"),
            small=("q", "won", "lost", "covered_won", "covered_lost", "stated", "mismatched"),
        ),
        "feature_accounts": index.keyed(columns["feature_accounts"]),
        "feature_deals": index.keyed(columns["feature_deals"], money=("demand", "lost", "largest")),
        "evidence": index.keyed(columns["evidence"]),
    }
    return Facts(
        index=index,
        dimension_columns={name: accounts[name] for name in sel.ACCOUNT_DIMENSIONS},
        totals=totals,
        keyed=keyed,
        features=sel.feature_list(workspace=workspace),
        assumptions=sel.assumption_list(workspace=workspace),
        pains=sel.pain_tags(workspace=workspace),
    )


TOTAL_SUMS = (
    "deals",
    "open_deals",
    "won",
    "lost",
    "revenue_won",
    "pipeline",
    "cost_recorded",
    "covered_open_deals",
    "covered_won",
    "covered_lost",
    "costed_minutes",
    "value_claimed",
    "stated",
    "mismatched",
    "recent_conversations",
)


def _grouping(facts: Facts, workspace: Workspace, dimension) -> analytics.Grouping:
    """Each account's value in the dimension: its column (empty → unknown), or the segment."""
    if dimension.is_segment:
        members = sel.segment_account_ids(workspace=workspace, dimension=dimension)
        return analytics.Grouping.of_members(facts.index, members, dimension.label)
    if dimension.key == sel.ALL:
        return analytics.Grouping.everyone(facts.index, sel.ALL)
    column = facts.dimension_columns[dimension.field]
    return analytics.Grouping([value or sel.UNKNOWN for value in column])


def _segment_payload(
    facts: Facts, grouping, *, values, hourly_cost, pipeline_total, periods: list[dict]
) -> dict:
    """The segments part: all-time rows (``results``) and, per period, the closed-deal figures
    restricted to deals closed in it (``by_period``; see analytics.periods)."""
    roll, fam = analytics.rollup, facts.keyed
    pains = roll(
        fam["pains"], grouping, keys=("tag_id",), sums=("conversations",), count="accounts"
    )
    for row in pains:
        row["pain"] = facts.pains.get(row.pop("tag_id"), "")
    totals = roll(facts.totals, grouping, sums=TOTAL_SUMS, count="accounts")
    results = analytics.segment_metrics(
        totals=totals,
        cycles=roll(fam["cycles"], grouping, keys=("days",), sums=("deals",)),
        loss_reasons=roll(fam["reasons"], grouping, keys=("reason",), sums=("deals",)),
        pains=pains,
        pipeline_total=pipeline_total,
        hourly_cost=hourly_cost,
        values=values,
    )
    quarters = analytics.period_quarters(periods)
    by_period = functools.partial(analytics.rollup_by_period, grouping=grouping, periods=quarters)
    closed = by_period(fam["closed_q"], sums=analytics.CLOSED_MEASURES)
    cycles = by_period(fam["cycles"], keys=("days",), sums=("deals",))
    reasons = by_period(fam["reasons"], keys=("reason",), sums=("deals",))
    return {
        "results": results,
        "periods": periods,
        "by_period": {
            key: analytics.period_segment_metrics(
                totals=totals,
                closed=closed[key],
                cycles=cycles[key],
                loss_reasons=reasons[key],
                hourly_cost=hourly_cost,
                values=values,
            )
            for key in quarters
        },
    }


def _feature_rows(facts: Facts, grouping, *, every_feature_as=None) -> list[dict]:
    fam, roll = facts.keyed, analytics.rollup
    return analytics.feature_demand(
        features=facts.features,
        accounts=roll(fam["feature_accounts"], grouping, keys=("feature_id",), count="accounts"),
        deals=roll(
            fam["feature_deals"],
            grouping,
            keys=("feature_id",),
            sums=("demand", "lost"),
            maxes=("largest",),
        ),
        every_feature_as=every_feature_as,
    )


def _assumption_rows(facts: Facts, grouping, *, every_assumption_as=None) -> list[dict]:
    return analytics.assumption_support(
        assumptions=facts.assumptions,
        counts=analytics.rollup(
            facts.keyed["evidence"],
            grouping,
            keys=("assumption_id",),
            sums=("supports", "contradicts"),
        ),
        status_for=Assumption.status_for,
        every_assumption_as=every_assumption_as,
    )


def _closed_rows(columns: dict) -> dict:
    """Only the rows about closed deals (covered deals are read open and closed alike)."""
    closed = (columns["covered_won"] + columns["covered_lost"]) > 0
    return {name: values[closed] for name, values in columns.items()}


def _trend_rows(facts: Facts, grouping) -> list[dict]:
    """Won, lost and revenue won per value and quarter of close date (quarters with closed
    deals only: the stacked frame also holds rows of deals without a close date)."""
    rows = analytics.rollup(
        facts.keyed["closed_q"], grouping, keys=("q",), sums=("won", "lost", "revenue_won")
    )
    result = []
    for row in rows:
        q = row.pop("q")
        if q >= 0 and (row["won"] or row["lost"]):
            row["year"], row["quarter"] = divmod(q, 4)
            row["quarter"] += 1
            result.append(row)
    return result


def insights_compute(
    *, workspace: Workspace, today: date | None = None, progress: Progress | None = None
) -> list[Part]:
    """Every part of a snapshot: four kinds of figures for every dimension (reads only).

    Queries: one per family of metrics (each grouped by account in the database), one for the
    dimensions and a few for the catalog, then one per saved segment (its accounts); none
    per value or per row. pandas rolls the per-account rows up to every value of every
    dimension.
    """
    today = today or timezone.localdate()
    report = progress or (lambda done, total, message: None)
    dimensions = sel.dimension_list(workspace=workspace)
    total_steps = len(dimensions) + 2
    report(0, total_steps, "reading the data")
    facts = _read_facts(workspace, today=today)
    report(1, total_steps, "overall figures")

    pipeline_total = analytics.total(facts.totals, "pipeline")
    overall = _grouping(facts, workspace, sel.OVERALL)
    overall_features = _feature_rows(facts, overall, every_feature_as=sel.ALL)
    overall_assumptions = _assumption_rows(facts, overall, every_assumption_as=sel.ALL)
    overall_trend_rows = _trend_rows(facts, overall)
    quarters = analytics.quarter_range(overall_trend_rows)
    overall_trend = analytics.quarterly_trend(
        overall_trend_rows, quarters=quarters, values=[sel.ALL] if quarters else ()
    )
    periods = analytics.period_list(
        quarters_with_data=sorted(
            {analytics.periods.quarter_number(r["year"], r["quarter"]) for r in overall_trend_rows}
        ),
        today=today,
    )

    parts: list[Part] = []
    for step, dimension in enumerate(dimensions, start=2):
        report(step, total_steps, f"dimension {dimension.key}")
        grouping = _grouping(facts, workspace, dimension)
        values = [dimension.label] if dimension.is_segment else ()
        segments = _segment_payload(
            facts,
            grouping,
            values=values,
            hourly_cost=workspace.hourly_cost,
            pipeline_total=pipeline_total,
            periods=periods,
        )
        trend = analytics.quarterly_trend(
            _trend_rows(facts, grouping), quarters=quarters, values=values
        )
        key = dimension.key
        parts += [
            Part("segments", key, {**segments, "as_of": today.isoformat()}),
            Part(
                "features",
                key,
                {"results": _feature_rows(facts, grouping), "overall": overall_features},
            ),
            Part(
                "assumptions",
                key,
                {"results": _assumption_rows(facts, grouping), "overall": overall_assumptions},
            ),
            Part("trend", key, {"results": trend, "overall": overall_trend}),
        ]
    return parts


# -- claim, publish ------------------------------------------------------------------------------


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


# -- triggers ------------------------------------------------------------------------------------


def insights_mark_changed(*, workspace_ids: Iterable[int]) -> None:
    """Data of these workspaces changed: bump their data version and flag them (one UPDATE).

    Called after commit by the receivers; a workspace deleted meanwhile is ignored.
    """
    ids = sorted({int(pk) for pk in workspace_ids if pk is not None})
    if not ids:
        return
    updated = InsightState.objects.filter(workspace_id__in=ids).update(
        data_version=F("data_version") + 1, dirty=True, updated_at=timezone.now()
    )
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


# -- requested recomputes and their progress -----------------------------------------------------


class TaskQueueUnavailable(ServiceUnavailable):
    """The broker (Redis) cannot take the task now; nothing was queued."""


def insights_recompute_request(
    *, workspace: Workspace, requested_by=None, force: bool = False
) -> InsightTask:
    """Queue a recompute of the workspace (the ``insights`` queue) and return its task record.

    The InsightTask row is committed first, so the worker finds it; its id is the Celery task
    id. With the broker down, sending fails fast (connect and socket timeouts in settings): the
    record is marked failed and TaskQueueUnavailable raised. Without a broker (no REDIS_URL)
    the task runs here and now, and its record tells how it went.
    """
    from insights_app.tasks import insights_recompute as recompute_task  # tasks import services

    task = insight_task_create(workspace=workspace, requested_by=requested_by)
    try:
        recompute_task.apply_async(
            args=[str(task.pk), workspace.pk, force],
            task_id=str(task.pk),
            retry_policy=PUBLISH_RETRY,
        )
    except BROKER_ERRORS as exc:
        insight_task_fail(task_id=task.pk, message="The task queue is unavailable; try again.")
        raise TaskQueueUnavailable(
            "The task queue is unavailable right now; try again in a minute."
        ) from exc
    except Exception:
        if not recompute_task.app.conf.task_always_eager:
            raise
        # Run in-process: the failure is on the task record (state "failed"); not a 500.
        logger.exception("Recomputing the insights of workspace %s failed", workspace.pk)
    task.refresh_from_db()
    return task


def insight_task_create(*, workspace: Workspace, requested_by=None) -> InsightTask:
    """Record a requested recompute before it is queued; its id becomes the Celery task id."""
    return InsightTask.objects.create(
        workspace=workspace,
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
        message="Queued.",
    )


def insight_task_fail(*, task_id, message: str) -> None:
    InsightTask.objects.filter(pk=task_id).exclude(state=InsightTask.State.SUCCEEDED).update(
        state=InsightTask.State.FAILED,
        message=message[:255],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def insight_task_run(*, task_id: str, workspace_id: int, force: bool = False) -> dict:
    """Run a requested recompute, recording state and progress on its InsightTask row.

    Idempotent: a redelivered task (its worker died) starts the row over and recomputes.
    """
    task = InsightTask.objects.filter(pk=task_id, workspace_id=workspace_id).first()
    if task is None:
        raise ApplicationError(f"Task {task_id} of workspace {workspace_id} does not exist.")
    InsightTask.objects.filter(pk=task.pk).exclude(state=InsightTask.State.SUCCEEDED).update(
        state=InsightTask.State.RUNNING,
        progress=0,
        message="Started.",
        started_at=timezone.now(),
        updated_at=timezone.now(),
    )

    def progress(done: int, total: int, message: str) -> None:
        percent = min(99, int(100 * done / total)) if total else 0
        InsightTask.objects.filter(pk=task.pk, state=InsightTask.State.RUNNING).update(
            progress=percent, message=message[:255], updated_at=timezone.now()
        )

    try:
        result = insights_recompute(workspace_id=workspace_id, force=force, progress=progress)
    except Exception as exc:
        insight_task_fail(task_id=task.pk, message=f"Failed: {exc}")
        raise
    summary = result.as_dict()
    messages = {
        "published": f"Published version {result.version} in {result.seconds:.1f} s.",
        "skipped": "Nothing changed since the last recompute.",
        "superseded": "A newer recompute published first.",
    }
    InsightTask.objects.filter(pk=task.pk).update(
        state=InsightTask.State.SUCCEEDED,
        progress=100,
        message=messages[result.outcome],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
        result=summary,
    )
    return summary
