"""The executive's segment ROI dashboard (PRODUCT.md §2, §4): read from published snapshots only.

``/dashboard/?dimension=D`` reads the ``segments`` and ``trend`` snapshots of D and never computes
insights during the request: what it shows is what the last recompute published, with when that
was and whether data changed since. ``/dashboard/export.csv?dimension=D`` is the table as CSV.
"""

import csv
from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from deals_app.selectors import DIMENSIONS
from insights_app import charts
from insights_app.selectors import SEGMENT_PREFIX, dimension_list, snapshot_published_get

DEFAULT_DIMENSION = "industry"
# The account list filters on these dimensions (the deal list has no dimension filter yet).
ACCOUNT_LIST_FILTERS = ("industry", "size_band", "deployment_model", "infrastructure", "lifecycle")
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
    "conversations_90d",
    "pipeline_share",
)


def _money(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def headline(rows: list[dict]) -> dict:
    """The headline row, summed from the rows where a sum is exact (the values of a dimension
    partition its accounts); a median does not add up, so the cycle is the range over values."""
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
        "cycle_min": min(cycles) if cycles else None,
        "cycle_max": max(cycles) if cycles else None,
    }


class DashboardMixin(WorkspaceViewMixin):
    """Picks the dimension (an unknown one falls back to industry) and reads its snapshot."""

    def read_dashboard(self) -> dict:
        dimensions = dimension_list(workspace=self.workspace)
        key = self.request.GET.get("dimension") or DEFAULT_DIMENSION
        dimension = next((d for d in dimensions if d.key == key), dimensions[0])
        snapshot = snapshot_published_get(
            workspace=self.workspace, kind="segments", dimension=dimension.key
        )
        labels = DIMENSIONS.get(dimension.key, {})
        rows = sorted(
            (snapshot.payload or {}).get("results", []),
            key=lambda r: (r["value"] == "unknown", -int(r.get("deals") or 0), str(r["value"])),
        )
        return {
            "dimensions": dimensions,
            "dimension": dimension,
            "snapshot": snapshot,
            "labels": labels,
            "rows": rows,
        }


class DashboardView(DashboardMixin, TemplateView):
    """``/dashboard/``: the segment ROI dashboard of one dimension, the executive's landing page."""

    template_name = "insights_app/dashboard.html"
    # who sees the recompute button (admins too); it posts to POST /api/v1/insights/recompute/
    write_roles = ("pm", "sales")

    def get_context_data(self, **kwargs):
        read = self.read_dashboard()
        dimension, labels, rows = read["dimension"], read["labels"], read["rows"]
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
                {"id": key, "data_id": f"chart-{key}-data", "figure": figure}
                for key, figure in charts.dashboard_figures(
                    rows, quarters, labels=labels, currency=currency
                )
            ]
        link_field = dimension.key if dimension.key in ACCOUNT_LIST_FILTERS else None
        account_list = reverse("account-list")
        table = [
            {
                **row,
                "label": labels.get(row["value"], row["value"]),
                "closed": charts.closed(row),
                "revenue_won": _money(row.get("revenue_won")),
                "pipeline": _money(row.get("pipeline")),
                "cost_of_sale": _money(row.get("cost_of_sale")),
                "href": (
                    f"{account_list}?{urlencode({link_field: row['value']})}"
                    if link_field and row["value"] != "unknown"
                    else None
                ),
            }
            for row in rows
        ]
        return super().get_context_data(
            dimensions=read["dimensions"],
            dimension=dimension,
            snapshot=read["snapshot"],
            rows=table,
            total=headline(rows),
            figures=figures,
            links_to_accounts=bool(link_field),
            export_query=urlencode({"dimension": dimension.key}),
            is_segment=dimension.key.startswith(SEGMENT_PREFIX),
            **kwargs,
        )


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class DashboardExportView(DashboardMixin, View):
    """``/dashboard/export.csv?dimension=D``: the dashboard's table for this workspace as CSV."""

    def get(self, request, *args, **kwargs):
        read = self.read_dashboard()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"deallens-{self.workspace.slug}-{read['dimension'].key.replace(':', '-')}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow([read["dimension"].label.lower(), *CSV_COLUMNS[1:], "computed_at"])
        computed_at = read["snapshot"].computed_at
        for row in read["rows"]:
            label = read["labels"].get(row["value"], row["value"])
            writer.writerow(
                [
                    _cell(label),
                    *("" if row.get(column) is None else row[column] for column in CSV_COLUMNS[1:]),
                    computed_at.isoformat() if computed_at else "",
                ]
            )
        return response
