"""The conversation timeline (``/conversations/``): parse the filters, call the timeline
selector, render."""

from common.counting import counted_rows
from deals_app.models import Conversation
from deals_app.views.lists import PagedListView

from ..forms import ConversationFilterForm
from ..selectors import conversation_timeline, conversation_timeline_choices


class ConversationListView(PagedListView):
    """The conversation log, the product manager's landing page."""

    model = Conversation
    template_name = "conversations_app/conversation_list.html"
    context_object_name = "conversations"
    write_roles = ("pm",)

    def get_queryset(self):
        self.filter_form = ConversationFilterForm(
            self.request.GET, **conversation_timeline_choices(workspace=self.workspace)
        )
        timeline = conversation_timeline(
            workspace=self.workspace, filters=self.filter_form.filters, user=self.request.user
        )
        self.filter_account = timeline.account
        return timeline.conversations

    def get_paginator(self, queryset, per_page, **kwargs):
        """Unfiltered, the count is the trigger-kept one (PostgreSQL): COUNT(*) over a million
        conversations took 50-130 ms per page. Filtered, the paginator counts the matches."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if not self.filter_form.is_filtered:
            count = counted_rows(table=Conversation._meta.db_table, workspace_id=self.workspace.pk)
            if count is not None:
                paginator.count = count
        return paginator

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_account=self.filter_account,
            **kwargs,
        )
