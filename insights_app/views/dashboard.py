"""The executive's segment ROI dashboard (PRODUCT.md §2, §4): read from published snapshots only.

``/dashboard/?dimension=D&period=P`` reads the ``segments`` and ``trend`` snapshots of D and
never computes insights during the request: what it shows is what the last recompute published,
with when that was and whether data changed since. ``period`` is ``all`` (the default),
``last4q`` or a quarter (``2026Q3``): the recompute stored each period's closed-deal figures
beside the all-time ones (``insights_app.analytics.periods`` says what a period restricts); an
unknown period shows all time and says so. ``/dashboard/export.csv?dimension=D&period=P`` is the
table as CSV.

A value drills down to the deal list: ``/deals/?stage=all&<dimension>=<value>`` (``__none__``
for accounts without a value, ``segment=<id>`` for a saved segment), narrowed to the period's
close dates when one is chosen.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from common import csv_safe
from deals_app.selectors import DIMENSIONS, NO_VALUE
from insights_app import analytics, charts
from insights_app.selectors import (
    SEGMENT_PREFIX,
    UNKNOWN,
    dimension_list,
    snapshot_published_get,
)

DEFAULT_DIMENSION = "industry"
# Free-text account columns: the snapshot's "unknown" holds the accounts without a value. The
# other dimensions are choices, where "unknown" is a value of its own.
FREE_TEXT_DIMENSIONS = ("industry", "country", "region")
DRILL_PLACEHOLDER = "__value__"
CSV_COLUMNS = (
    "value",
    "accounts",
    "deals",
    "open_deals",
    "won",
    "lost",
    "win_rate",
    "revenue_won",
    "pipeline",
    "avg_won_deal",
    "median_cycle_days",
    "cost_of_sale",
    "roi",
    "multithreaded_rate",
    "win_rate_covered",
    "win_rate_uncovered",
    "value_claimed",
    "reason_mismatch_rate",
    "survey_response_rate",
    "conversations_90d",
    "pipeline_share",
)
ALL_TIME = {"key": analytics.ALL_TIME, "label": "All time", "quarters": []}


def _money(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


# How the CSV writes a figure: rates and ratios (fractions, 0.2703 = 27.03 %) to 4 decimals,
# ROI (× cost of sale) to 2 and the median cycle (days) to 1 — a step finer than the page's
# 27 %, 1.2× and 96 days, never a float's 16 digits; money stays exact (decimal strings).
CSV_RATES = (
    "win_rate",
    "multithreaded_rate",
    "win_rate_covered",
    "win_rate_uncovered",
    "reason_mismatch_rate",
    "survey_response_rate",
    "pipeline_share",
)
CSV_DECIMALS = {**dict.fromkeys(CSV_RATES, 4), "roi": 2, "median_cycle_days": 1}


def csv_cell(column: str, value):
    """A figure as the CSV writes it: rounded as CSV_DECIMALS says, else as stored."""
    places = CSV_DECIMALS.get(column)
    if places is None or value is None or value == "" or isinstance(value, int):
        return value
    return round(float(value), places)  # the shortest repr: 0.2703, 0.5, 96.5, never 1E+1


def headline(rows: list[dict], overall: dict | None = None) -> dict:
    """The headline row, summed from the rows where a sum is exact (the values of a dimension
    partition its accounts). A median does not add up: ``cycle`` is the company's own median
    (``overall``, the snapshot's all-accounts row) when given, else None; the range over the
    values' medians is the detail."""
    won = sum(int(r.get("won") or 0) for r in rows)
    lost = sum(int(r.get("lost") or 0) for r in rows)
    revenue = sum((_money(r.get("revenue_won")) for r in rows), Decimal(0))
    cost = sum((_money(r.get("cost_of_sale")) for r in rows), Decimal(0))
    cycles = [r["median_cycle_days"] for r in rows if r.get("median_cycle_days") is not None]
    return {
        "accounts": sum(int(r.get("accounts") or 0) for r in rows),
        "deals": sum(int(r.get("deals") or 0) for r in rows),
        "won": won,
        "lost": lost,
        "revenue_won": revenue,
        "pipeline": sum((_money(r.get("pipeline")) for r in rows), Decimal(0)),
        "win_rate": won / (won + lost) if won + lost else None,
        "cost_of_sale": cost,
        "roi": float((revenue - cost) / cost) if cost else None,
        "cycle": (overall or {}).get("median_cycle_days"),
        "cycle_min": min(cycles) if cycles else None,
        "cycle_max": max(cycles) if cycles else None,
        "cycle_values": len(cycles),
    }


def _period(payload: dict, requested: str) -> tuple[dict, str | None]:
    """The period the request asks for among the snapshot's, or all time with a notice."""
    key = analytics.normalize_period_key(requested) or analytics.ALL_TIME
    if key == analytics.ALL_TIME:
        return ALL_TIME, None
    periods = payload.get("periods") or []
    period = next((p for p in periods if p["key"] == key), None)
    if period is not None and key in (payload.get("by_period") or {}):
        return period, None
    shown = requested.strip()[:40]
    quarters = [p["label"] for p in periods if p["key"] != analytics.LAST_4Q]
    if quarters:
        have = f"quarters from {quarters[-1]} to {quarters[0]}, or the last 4 quarters"
    else:
        have = "the last 4 quarters" if periods else "no periods yet"
    return (
        ALL_TIME,
        f"There are no figures for the period “{shown}” (the snapshot has {have}); "
        "showing all time.",
    )


def drill_template(dimension, period: dict) -> str:
    """The deal list of one value of the dimension (``__value__`` stands for the value),
    narrowed to the period's close dates when one is chosen; ``dashboard`` (and
    ``dashboard_period``) let the deal list link back to this view of the dashboard."""
    if dimension.is_segment:
        query = {"stage": "all", "segment": dimension.key.removeprefix(SEGMENT_PREFIX)}
    else:
        query = {"stage": "all", dimension.key: DRILL_PLACEHOLDER}
    if period.get("first_day"):
        query.update(close_from=period["first_day"], close_to=period["last_day"])
    query["dashboard"] = dimension.key
    if period["key"] != analytics.ALL_TIME:
        query["dashboard_period"] = period["key"]
    return f"{reverse('deal-list')}?{urlencode(query)}"


def drill_url(template: str, dimension, value: str) -> str:
    """The drill-down of one value: the template with the value (``__none__`` for accounts
    without one)."""
    if value == UNKNOWN and dimension.key in FREE_TEXT_DIMENSIONS:
        value = NO_VALUE
    return template.replace(DRILL_PLACEHOLDER, urlencode({"v": value})[2:])


class DashboardMixin(WorkspaceViewMixin):
    """Picks the dimension (an unknown one falls back to industry) and the period (an unknown
    one falls back to all time, with a notice) and reads the dimension's snapshot."""

    def read_dashboard(self) -> dict:
        dimensions = dimension_list(workspace=self.workspace)
        key = self.request.GET.get("dimension") or DEFAULT_DIMENSION
        dimension = next((d for d in dimensions if d.key == key), dimensions[0])
        snapshot = snapshot_published_get(
            workspace=self.workspace, kind="segments", dimension=dimension.key
        )
        payload = snapshot.payload or {}
        period, notice = _period(payload, self.request.GET.get("period", ""))
        results = payload.get("results", [])
        # the company's own figures (all accounts, one row); older snapshots have none
        overall = payload.get("overall") or []
        if period["key"] != analytics.ALL_TIME:
            results = analytics.with_period(results, payload["by_period"][period["key"]])
            overall_period = (payload.get("overall_by_period") or {}).get(period["key"])
            overall = analytics.with_period(overall, overall_period) if overall_period else []
        if dimension.is_segment:  # the headline is the segment's own row, its median too
            overall = results
        labels = {**DIMENSIONS.get(dimension.key, {}), UNKNOWN: charts.UNKNOWN_LABEL}
        rows = sorted(
            results,
            key=lambda r: (r["value"] == "unknown", -int(r.get("deals") or 0), str(r["value"])),
        )
        return {
            "dimensions": dimensions,
            "dimension": dimension,
            "snapshot": snapshot,
            "labels": labels,
            "rows": rows,
            "overall": overall[0] if overall else None,
            "period": period,
            "periods": [ALL_TIME, *(payload.get("periods") or [])],
            "period_notice": notice,
            "as_of": payload.get("as_of"),
        }


class DashboardView(DashboardMixin, TemplateView):
    """``/dashboard/``: the segment ROI dashboard of one dimension, the executive's landing page."""

    template_name = "insights_app/dashboard.html"
    # who sees the recompute button (admins too; every role, as POST /api/v1/insights/recompute/
    # allows); the page itself takes no POST
    write_roles = ("pm", "sales", "exec")

    def get_context_data(self, **kwargs):
        read = self.read_dashboard()
        dimension, labels, rows = read["dimension"], read["labels"], read["rows"]
        period = read["period"]
        currency = self.workspace.currency
        figures = []
        if rows:
            trend = (
                snapshot_published_get(
                    workspace=self.workspace, kind="trend", dimension=dimension.key
                ).payload
                or {}
            )
            # an account dimension covers every account: its overall trend is the workspace's;
            # a saved segment has one value, the segment, whose trend is its results
            quarters = trend.get("results" if dimension.is_segment else "overall", [])
            figures = [
                {
                    "id": key,
                    "data_id": f"chart-{key}-data",
                    "figure": figure,
                    "drill": key in charts.PER_VALUE_CHARTS,
                }
                for key, figure in charts.dashboard_figures(
                    rows,
                    quarters,
                    labels=labels,
                    currency=currency,
                    dimension="segment" if dimension.is_segment else dimension.label,
                    period=period,
                )
            ]
        template = drill_template(dimension, period)
        table = [
            {
                **row,
                "label": labels.get(row["value"], row["value"]),
                "closed": charts.closed(row),
                "revenue_won": _money(row.get("revenue_won")),
                "pipeline": _money(row.get("pipeline")),
                "cost_of_sale": _money(row.get("cost_of_sale")),
                "href": drill_url(template, dimension, row["value"]),
                "is_unknown": row["value"] == UNKNOWN and not dimension.is_segment,
            }
            for row in rows
        ]
        query = {"dimension": dimension.key}
        if period["key"] != analytics.ALL_TIME:
            query["period"] = period["key"]
        return super().get_context_data(
            dimensions=read["dimensions"],
            dimension=dimension,
            snapshot=read["snapshot"],
            rows=table,
            total=headline(rows, read["overall"]),
            figures=figures,
            export_query=urlencode(query),
            is_segment=dimension.key.startswith(SEGMENT_PREFIX),
            period=period,
            periods=read["periods"],
            period_notice=read["period_notice"],
            as_of=read["as_of"],
            drill_template=template,
            drill_placeholder=DRILL_PLACEHOLDER,
            drill_none=(UNKNOWN if dimension.key in FREE_TEXT_DIMENSIONS else ""),
            drill_none_value=NO_VALUE,
            **kwargs,
        )


class DashboardExportView(DashboardMixin, View):
    """``/dashboard/export.csv?dimension=D``: the dashboard's table for this workspace as CSV."""

    def get(self, request, *args, **kwargs):
        read = self.read_dashboard()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        key = read["dimension"].key.replace(":", "-")
        suffix = "" if read["period"]["key"] == analytics.ALL_TIME else f"-{read['period']['key']}"
        filename = f"deallens-{self.workspace.slug}-{key}{suffix}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv_safe.writer(response)  # headers too: a segment's name heads column one
        writer.writerow(
            [read["dimension"].label.lower(), *CSV_COLUMNS[1:], "period", "computed_at"]
        )
        computed_at = read["snapshot"].computed_at
        for row in read["rows"]:
            label = read["labels"].get(row["value"], row["value"])
            writer.writerow(
                [
                    label,
                    *(csv_cell(column, row.get(column)) for column in CSV_COLUMNS[1:]),
                    read["period"]["key"],
                    computed_at.isoformat() if computed_at else "",
                ]
            )
        return response
