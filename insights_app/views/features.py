"""A feature request's page: who asked for it (mentions with quotes, importance, accounts, deals
and conversations, paginated) and its demand overall and per segment value from the published
snapshot. Parse, call selectors, render (STYLE.md §2)."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from deals_app.selectors import DIMENSIONS
from insights_app.selectors import dimension_list, snapshot_published_get
from insights_app.selectors.pm import (
    feature_mention_importance_counts,
    feature_mention_list_for,
    feature_request_get,
)

from .boards import DELI_COUNTER, FEATURE_STATUS_LABELS, _number

MENTIONS_PER_PAGE = 25


def demand_line(row: dict | None) -> dict | None:
    """A snapshot row with its money as decimals and the deli-counter mark."""
    if row is None:
        return None
    return {
        **row,
        "demand": _number(row.get("revenue_weighted_demand")),
        "lost": _number(row.get("lost_revenue")),
        "deli_counter": (row.get("concentration") or 0) >= DELI_COUNTER,
    }


class FeatureDetailView(WorkspaceViewMixin, TemplateView):
    """``/features/<id>/``: one feature request, its demand and every mention of it."""

    template_name = "insights_app/feature_detail.html"

    def get_context_data(self, **kwargs):
        feature = feature_request_get(workspace=self.workspace, pk=kwargs["pk"])
        dimensions = dimension_list(workspace=self.workspace)
        key = self.request.GET.get("dimension") or "industry"
        dimension = next((d for d in dimensions if d.key == key), dimensions[0])
        snapshot = snapshot_published_get(
            workspace=self.workspace, kind="features", dimension=dimension.key
        )
        payload = snapshot.payload or {}
        overall = next(
            (line for line in payload.get("overall", []) if line.get("feature") == feature.pk),
            None,
        )
        labels = DIMENSIONS.get(dimension.key, {})
        by_value = sorted(
            (
                {**demand_line(row), "label": labels.get(row["value"], row["value"])}
                for row in payload.get("results", [])
                if row.get("feature") == feature.pk
            ),
            key=lambda row: (-row["demand"], -int(row.get("accounts") or 0), str(row["label"])),
        )
        paginator = Paginator(
            feature_mention_list_for(workspace=self.workspace, feature=feature), MENTIONS_PER_PAGE
        )
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            feature=feature,
            status_label=FEATURE_STATUS_LABELS.get(feature.status, feature.status),
            importance=feature_mention_importance_counts(workspace=self.workspace, feature=feature),
            mentions=page.object_list,
            page_obj=page,
            overall=demand_line(overall),
            by_value=by_value,
            dimensions=dimensions,
            dimension=dimension,
            snapshot=snapshot,
            **kwargs,
        )
