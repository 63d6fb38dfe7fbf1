"""Pages for conversations, deals and the segment summary: parse, call a selector, render."""

from django.views.generic import ListView, TemplateView

from accounts_app.scoping import WorkspaceViewMixin

from deals_app.forms import DIMENSION_LABELS, ConversationFilterForm, DashboardForm, DealFilterForm
from deals_app.models import Conversation, Deal
from deals_app.selectors import (
    conversation_list,
    deal_list,
    deal_outcomes_by,
    deal_outcomes_total,
    deal_totals,
)

PAGE_SIZE = 50


class PagedListView(WorkspaceViewMixin, ListView):
    """A workspace list page of 50 rows; a bad or out-of-range ?page= shows the nearest page."""

    paginate_by = PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class ConversationListView(PagedListView):
    """The conversation log, the product manager's landing page."""

    model = Conversation
    template_name = "deals_app/conversation_list.html"
    context_object_name = "conversations"
    write_roles = ("pm",)

    def get_queryset(self):
        self.filter_form = ConversationFilterForm(self.request.GET)
        filters = self.filter_form.filters
        return conversation_list(
            workspace=self.workspace, kind=filters["kind"], search=filters["q"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class DealListView(PagedListView):
    """Open deals (or any stage), the sales lead's landing page, with totals of the filtered set."""

    model = Deal
    template_name = "deals_app/deal_list.html"
    context_object_name = "deals"
    write_roles = ("sales",)

    def get_queryset(self):
        self.filter_form = DealFilterForm(self.request.GET)
        filters = self.filter_form.filters
        owner = self.request.user if filters["owner"] == "me" else None
        deals = deal_list(workspace=self.workspace, stage=filters["stage"], owner=owner)
        self.totals = deal_totals(deals=deals)
        return deals

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.totals["count"]  # counted with the totals already
        return paginator

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, totals=self.totals, **kwargs)


class DashboardView(WorkspaceViewMixin, TemplateView):
    """Outcomes per segment value, the executive's landing page."""

    template_name = "deals_app/dashboard.html"

    def get_context_data(self, **kwargs):
        form = DashboardForm(self.request.GET)
        dimension = form.filters["dimension"]
        rows = deal_outcomes_by(workspace=self.workspace, dimension=dimension)
        return super().get_context_data(
            form=form,
            dimension=dimension,
            dimension_label=DIMENSION_LABELS[dimension],
            rows=rows,
            total=deal_outcomes_total(rows=rows),
            **kwargs,
        )
