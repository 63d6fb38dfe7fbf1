"""Payload shaping: the per-account facts rolled up into the snapshot parts of every dimension.

Reads only (the facts, the dimensions, saved segments' members); pure functions (analytics)
roll the per-account rows up to every value of every dimension into JSON-ready payloads.
Writing and publishing them is ``recompute``'s job.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from accounts_app.models import Workspace
from insights_app import analytics
from insights_app import selectors as sel
from insights_app.models import Assumption
from insights_app.selectors.fact_frames import Facts, fact_frames_get

Progress = Callable[[int, int, str], None]


@dataclass
class Part:
    """One snapshot row to be written: a kind of figures for one dimension."""

    kind: str
    dimension: str
    payload: dict

    @property
    def rows(self) -> int:
        return len(self.payload.get("results", ()))


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
    "surveys_sent",
    "surveys_answered",
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
    competitors = roll(
        fam["competitors"], grouping, keys=("competitor",), sums=("surveys", "deals")
    )
    for row in competitors:
        row["competitor"] = facts.competitor_names.get(row["competitor"], row["competitor"])
    results = analytics.segment_metrics(
        totals=totals,
        competitors=competitors,
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
    facts = fact_frames_get(workspace=workspace, today=today)
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

    # The company's own figures (every account, one row, per period too), stored beside every
    # dimension's values: a median does not add up from the values' medians.
    company = _segment_payload(
        facts,
        overall,
        values=[sel.ALL],
        hourly_cost=workspace.hourly_cost,
        pipeline_total=pipeline_total,
        periods=periods,
    )
    overall_segments = {"overall": company["results"], "overall_by_period": company["by_period"]}

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
            Part("segments", key, {**segments, **overall_segments, "as_of": today.isoformat()}),
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
