"""Pages for deals (the pipeline, the risk board) and the paged list base the other list pages
share: parse, call a selector, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from accounts_app.selectors import segment_list
from deals_app.forms import OWNER_ME, OWNER_NONE, DealFilterForm
from deals_app.models import CLOSED_STAGES, OPEN_STAGES, Deal
from deals_app.selectors import (
    DIMENSIONS,
    NO_VALUE,
    RISK_LABELS,
    RISK_SCAN_LIMIT,
    STAGE_ALL,
    STAGE_CLOSED,
    deal_board,
    deal_pipeline,
    deal_risk_board,
    deal_risks_for,
    deal_totals,
    deals_with_risk,
)

PAGE_SIZE = 50
BOARD_CARDS = 6  # deals shown per stage on the pipeline board, biggest first
SCOPE_MINE, SCOPE_ALL = "mine", "all"
# Columns of the deal list that sort, with the ?sort= value of their first click.
SORTABLE_COLUMNS = {
    "amount": "-amount",
    "close_date": "close_date",
    "last_engagement": "-last_engagement",
}


class PagedListView(WorkspaceViewMixin, ListView):
    """A workspace list page of 50 rows; a bad or out-of-range ?page= shows the nearest page."""

    paginate_by = PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


def _stages_of(stage: str) -> list[str]:
    """The stages a stage filter value covers, in pipeline order (the board's columns)."""
    if stage == STAGE_ALL:
        return list(Deal.Stage.values)
    if stage == STAGE_CLOSED:
        return list(CLOSED_STAGES)
    if stage in Deal.Stage.values:
        return [stage]
    return list(OPEN_STAGES)


def _with_risks(deals: list[Deal], known: dict[int, list] | None = None) -> list[Deal]:
    """Give each deal ``risk_list``: reuse what is known, compute the rest in one batch."""
    known = known or {}
    missing = [d for d in deals if d.pk not in known]
    risks = {**known, **deal_risks_for(deals=missing)} if missing else known
    for deal in deals:
        deal.risk_list = risks.get(deal.pk, [])  # type: ignore[attr-defined]  # for the template
    return deals


class DealListView(PagedListView):
    """The pipeline: open deals (or any stage) narrowed by owner, close dates, risk, account
    dimensions or a saved segment; sortable; with totals of the filtered set, risk badges on
    the rows shown, and a board (kanban by stage) as the alternative view."""

    model = Deal
    template_name = "deals_app/deal_list.html"
    context_object_name = "deals"
    write_roles = ("sales",)
    board_cards = BOARD_CARDS

    def get_queryset(self):
        members = list(
            get_user_model()
            .objects.filter(memberships__workspace=self.workspace)
            .order_by("first_name", "last_name", "username")
        )
        segments = list(segment_list(workspace=self.workspace))
        self.filter_form = DealFilterForm(self.request.GET, members=members, segments=segments)
        filters = self.filter_form.filters
        self.view_mode = filters["view"]
        owner = None
        if filters["owner"] == OWNER_ME:
            owner = self.request.user
        elif filters["owner"] not in ("", OWNER_NONE):
            owner = next(u for u in members if str(u.pk) == filters["owner"])
        self.segment = next((s for s in segments if s.pk == filters["segment"]), None)
        self.dimensions = {d: filters[d] for d in DealFilterForm.DIMENSION_FIELDS if filters[d]}
        deals = deal_pipeline(
            workspace=self.workspace,
            stage=filters["stage"],
            owner=owner,
            unassigned=filters["owner"] == OWNER_NONE,
            close_from=filters["close_from"],
            close_to=filters["close_to"],
            dimensions=self.dimensions,
            segment=self.segment,
            sort=filters["sort"],
            search=filters["q"],
        )
        self.known_risks: dict[int, list] = {}
        self.risk_scan = None
        if filters["risk"]:
            ids, self.known_risks, open_deals = deals_with_risk(
                deals=deals, code=filters["risk"], limit=RISK_SCAN_LIMIT
            )
            if open_deals > RISK_SCAN_LIMIT:
                self.risk_scan = {"checked": RISK_SCAN_LIMIT, "open": open_deals}
            deals = deals.filter(pk__in=ids)
        self.totals = deal_totals(deals=deals)
        self.board = None
        if self.view_mode == "board":
            self.board = deal_board(
                deals=deals, stages=_stages_of(filters["stage"]), per_stage=self.board_cards
            )
            _with_risks([d for column in self.board for d in column.deals], self.known_risks)
        return deals

    def _without(self, param: str) -> str:
        """This page's query string without ``param`` (and back to the first page)."""
        query = self.request.GET.copy()
        for name in (param, self.page_kwarg):
            query.pop(name, None)
        return f"?{query.urlencode()}" if query else "?"

    def _back_to_dashboard(self) -> str:
        """The dashboard a drill-down came from, with its dimension and period; else ""."""
        filters = self.filter_form.filters
        if not filters["dashboard"]:
            return ""
        query = {"dimension": filters["dashboard"]}
        if filters["dashboard_period"]:
            query["period"] = filters["dashboard_period"]
        return f"{reverse('dashboard')}?{urlencode(query)}"

    def get_paginate_by(self, queryset):
        return None if self.view_mode == "board" else self.paginate_by

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.totals["count"]  # counted with the totals already
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.board is None:
            rows = _with_risks(list(context["deals"]), self.known_risks)
            context["page_obj"].object_list = rows
            context.update(deals=rows, object_list=rows)
        dimension_labels = {
            field: self.filter_form.fields[field].label or field.replace("_", " ").capitalize()
            for field in DealFilterForm.DIMENSION_FIELDS
        }
        context.update(
            filter_form=self.filter_form,
            filters=self.filter_form.filters,
            ignored=self.filter_form.ignored,
            totals=self.totals,
            board=self.board,
            view_mode=self.view_mode,
            segment=self.segment,
            chips=[
                {
                    "param": dimension,
                    "label": dimension_labels[dimension],
                    "value": "no value"
                    if value == NO_VALUE
                    else DIMENSIONS[dimension].get(value, value),
                    "remove_url": self._without(dimension),
                }
                for dimension, value in self.dimensions.items()
            ],
            segment_remove_url=self._without("segment"),
            risk_scan=self.risk_scan,
            risk_labels=RISK_LABELS,
            stage_choices=Deal.Stage.choices,  # the board cards' "Move to" menus
            sort=self.filter_form.filters["sort"],
            sortable=SORTABLE_COLUMNS,
            back_to_dashboard=self._back_to_dashboard(),
        )
        return context


class DealRiskBoardView(WorkspaceViewMixin, TemplateView):
    """The sales lead's landing page: my open deals at risk, grouped by their most severe risk,
    biggest amounts first. ``?scope=all`` shows everyone's; a member who owns no open deal sees
    everyone's, and the page says so."""

    template_name = "deals_app/deal_risk_board.html"
    write_roles = ("sales",)

    def get_context_data(self, **kwargs):
        scope = self.request.GET.get("scope", SCOPE_MINE)
        if scope not in (SCOPE_MINE, SCOPE_ALL):
            messages.warning(self.request, "Unknown scope ignored: showing your deals.")
            scope = SCOPE_MINE
        fell_back = False
        board = None
        if scope == SCOPE_MINE:
            board = deal_risk_board(
                workspace=self.workspace, owner=self.request.user, limit=RISK_SCAN_LIMIT
            )
            if board.open_deals == 0:
                scope, fell_back = SCOPE_ALL, True
        if scope == SCOPE_ALL:
            board = deal_risk_board(workspace=self.workspace, limit=RISK_SCAN_LIMIT)
        return super().get_context_data(
            board=board,
            scope=scope,
            fell_back=fell_back,
            risk_labels=RISK_LABELS,
            owner_param=OWNER_ME if scope == SCOPE_MINE else "",
            **kwargs,
        )
