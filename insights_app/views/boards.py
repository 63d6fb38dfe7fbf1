"""The product manager's boards, read from published insight snapshots: assumptions (status per
segment value, "ask next", latest quotes) and feature demand (sortable, deli counters marked)."""

from decimal import Decimal

from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from deals_app.selectors import DIMENSIONS
from insights_app.models import FeatureRequest
from insights_app.selectors import UNKNOWN, dimension_list, snapshot_published_get
from insights_app.selectors.pm import assumption_catalog, assumption_quotes_latest


def _search_terms(request) -> tuple[str, list[str]]:
    """The board's ``?q=``: every word must appear (any case) in the line's text."""
    q = " ".join(request.GET.get("q", "").split())[:100]
    return q, q.casefold().split()


def _found(words: list[str], *texts: str) -> bool:
    text = " ".join(t or "" for t in texts).casefold()
    return all(word in text for word in words)


# --- the assumption board ------------------------------------------------------------------------


class AssumptionBoardView(WorkspaceViewMixin, TemplateView):
    """``/assumptions/``: each assumption's status overall and per value of a chosen dimension,
    read from the published snapshot, with "ask next" (the values where it is still untested)
    and its latest quotes."""

    template_name = "insights_app/assumption_board.html"
    write_roles = ("pm",)  # who sees "New assumption" and "Edit" (admins too)

    def get_context_data(self, **kwargs):
        dimensions = dimension_list(workspace=self.workspace)
        key = self.request.GET.get("dimension") or "industry"
        dimension = next((d for d in dimensions if d.key == key), dimensions[0])
        snapshot = snapshot_published_get(
            workspace=self.workspace, kind="assumptions", dimension=dimension.key
        )
        rows = snapshot.payload.get("results", []) if snapshot.payload else []
        overall = snapshot.payload.get("overall", []) if snapshot.payload else []
        labels = DIMENSIONS.get(dimension.key, {})
        values = sorted({row["value"] for row in rows})
        value_labels = [labels.get(v, v) for v in values]
        by_assumption: dict[int, dict] = {}
        for row in rows:
            by_assumption.setdefault(row["assumption"], {})[row["value"]] = row
        quotes = assumption_quotes_latest(workspace=self.workspace)
        # The catalog is read live (it is small), so an assumption created or reworded since
        # the last recompute is on the board at once, marked pending until its figures exist.
        computed = {line["assumption"]: line for line in overall}
        board = []
        for item in assumption_catalog(workspace=self.workspace):
            line = computed.get(item["id"])
            if line is None:
                board.append(
                    {
                        "assumption": item["id"],
                        "statement": item["statement"],
                        "area": item["area"],
                        "pending": True,
                        "cells": [],
                        "ask_next": [],
                        "quotes": quotes.get(item["id"], []),
                    }
                )
                continue
            cells = by_assumption.get(item["id"], {})
            board.append(
                {
                    **line,
                    "statement": item["statement"],
                    "area": item["area"],
                    "pending": False,
                    "cells": [cells.get(v) for v in values],
                    # nobody can go and ask "unknown": only named values are worth a call
                    "ask_next": [
                        labels.get(v, v) for v in values if v not in cells and v != UNKNOWN
                    ],
                    "quotes": quotes.get(item["id"], []),
                }
            )
        q, words = _search_terms(self.request)
        found = [line for line in board if _found(words, line["statement"], line["area"])]
        return super().get_context_data(
            dimensions=dimensions,
            dimension=dimension,
            values=value_labels,
            board=found,
            q=q,
            searched_away=bool(board) and not found,
            snapshot=snapshot,
            **kwargs,
        )


# --- the feature-demand board --------------------------------------------------------------------

DELI_COUNTER = 0.5
FEATURE_STATUS_LABELS = dict(FeatureRequest.Status.choices)
FEATURE_SORTS = {
    "demand": "revenue_weighted_demand",
    "lost": "lost_revenue",
    "accounts": "accounts",
    "concentration": "concentration",
}


def _number(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


class FeatureBoardView(WorkspaceViewMixin, TemplateView):
    """``/features/``: demand per feature request overall and per value of a dimension, from the
    published snapshot, sortable; deli-counter requests (one deal is most of it) are marked."""

    template_name = "insights_app/feature_board.html"

    def get_context_data(self, **kwargs):
        dimensions = dimension_list(workspace=self.workspace)
        key = self.request.GET.get("dimension") or "industry"
        dimension = next((d for d in dimensions if d.key == key), dimensions[0])
        sort = self.request.GET.get("sort")
        sort = sort if sort in FEATURE_SORTS else "demand"
        snapshot = snapshot_published_get(
            workspace=self.workspace, kind="features", dimension=dimension.key
        )
        payload = snapshot.payload or {}
        labels = DIMENSIONS.get(dimension.key, {})
        rows = payload.get("results", [])
        values = sorted({row["value"] for row in rows})
        by_feature: dict[int, dict] = {}
        for row in rows:
            by_feature.setdefault(row["feature"], {})[row["value"]] = {
                **row,
                "demand": _number(row["revenue_weighted_demand"]),
            }
        board = [
            {
                **line,
                "demand": _number(line["revenue_weighted_demand"]),
                "lost": _number(line["lost_revenue"]),
                "deli_counter": (line.get("concentration") or 0) >= DELI_COUNTER,
                "status_label": FEATURE_STATUS_LABELS.get(line.get("status"), line.get("status")),
                "cells": [by_feature.get(line["feature"], {}).get(v) for v in values],
            }
            for line in payload.get("overall", [])
        ]
        field = FEATURE_SORTS[sort]
        board.sort(key=lambda line: _number(line.get(field)), reverse=True)
        q, words = _search_terms(self.request)
        found = [line for line in board if _found(words, line.get("title", ""))]
        return super().get_context_data(
            dimensions=dimensions,
            dimension=dimension,
            values=[labels.get(v, v) for v in values],
            board=found,
            q=q,
            searched_away=bool(board) and not found,
            sort=sort,
            snapshot=snapshot,
            deli_counter=DELI_COUNTER,
            **kwargs,
        )
