"""Pages for conversations and deals: parse, call a selector, render."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.views.generic import ListView

from accounts_app.models import Account
from accounts_app.scoping import WorkspaceViewMixin
from deals_app.forms import ConversationFilterForm, DealFilterForm
from deals_app.models import Conversation, Deal
from deals_app.selectors import (
    conversation_list,
    deal_list,
    deal_totals,
    tag_list,
)
from personas_app.models import Persona

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
        self.filter_form = ConversationFilterForm(
            self.request.GET,
            tags=tag_list(workspace=self.workspace),
            personas=Persona.objects.for_workspace(self.workspace).only("id", "name"),
            members=get_user_model()
            .objects.filter(memberships__workspace=self.workspace)
            .order_by("first_name", "last_name", "username"),
        )
        filters = self.filter_form.filters
        conversations = conversation_list(
            workspace=self.workspace, kind=filters["kind"], search=filters["q"]
        )
        return self.narrow(conversations, filters)

    def narrow(self, conversations, filters):
        """The timeline filters beyond kind and search, each an indexed or EXISTS condition."""
        through = Conversation.participants.through.objects
        tagged = Conversation.tags.through.objects
        if filters["account"]:
            conversations = conversations.filter(account_id=filters["account"])
            self.filter_account = (
                Account.objects.for_workspace(self.workspace).filter(pk=filters["account"]).first()
            )
        if filters["tag"]:
            conversations = conversations.filter(
                Exists(tagged.filter(conversation_id=OuterRef("pk"), tag_id=filters["tag"]))
            )
        if filters["persona"]:
            conversations = conversations.filter(
                Exists(
                    through.filter(
                        conversation_id=OuterRef("pk"), contact__persona_id=filters["persona"]
                    )
                )
            )
        if filters["logged_by"] == "me":
            conversations = conversations.filter(logged_by=self.request.user)
        elif filters["logged_by"]:
            conversations = conversations.filter(logged_by_id=int(filters["logged_by"]))
        if filters["date_from"]:
            conversations = conversations.filter(occurred_on__gte=filters["date_from"])
        if filters["date_to"]:
            conversations = conversations.filter(occurred_on__lte=filters["date_to"])
        if filters["industry"]:
            conversations = conversations.filter(account__industry__iexact=filters["industry"])
        for dimension in ("infrastructure", "deployment_model", "size_band"):
            if filters[dimension]:
                conversations = conversations.filter(
                    **{f"account__{dimension}": filters[dimension]}
                )
        return conversations

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_account=getattr(self, "filter_account", None),
            **kwargs,
        )


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
