"""Account pages: the list with its segment columns and filters, and one account's page with its
contacts (an org chart by reporting line), deals and conversation timeline."""

from django import forms
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from accounts_app.models import SIZE_BANDS, Account, DeploymentModel, Infrastructure, Lifecycle
from accounts_app.scoping import WorkspaceViewMixin
from deals_app.forms import _FilterForm
from deals_app.models import Conversation, Deal
from deals_app.selectors import ACCOUNT_LIST_DIMENSIONS, account_dimension_q
from personas_app.models import Contact

from .lists import PagedListView

TIMELINE_SIZE = 25
SIZE_BAND_LABELS = dict(SIZE_BANDS)


def _label_sizes(accounts) -> None:
    for account in accounts:
        account.size_band_label = SIZE_BAND_LABELS.get(account.size_band, "Unknown")


class AccountFilterForm(_FilterForm):
    q = forms.CharField(
        required=False,
        max_length=200,
        strip=True,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Search names and domains", "type": "search"}),
    )
    industry = forms.CharField(
        required=False,
        max_length=120,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "Industry"}),
    )
    size_band = forms.ChoiceField(required=False, choices=[("", "Any size"), *SIZE_BANDS])
    deployment_model = forms.ChoiceField(
        required=False, choices=[("", "Any deployment"), *DeploymentModel.choices]
    )
    infrastructure = forms.ChoiceField(
        required=False, choices=[("", "Any infrastructure"), *Infrastructure.choices]
    )
    lifecycle = forms.ChoiceField(
        required=False, choices=[("", "Any lifecycle"), *Lifecycle.choices]
    )
    defaults = {
        "q": "",
        "industry": "",
        "size_band": "",
        "deployment_model": "",
        "infrastructure": "",
        "lifecycle": "",
    }


class AccountListView(PagedListView):
    """``/accounts/``: the workspace's accounts with their segment dimensions, filterable."""

    model = Account
    template_name = "deals_app/account_list.html"
    context_object_name = "accounts"
    write_roles = ("sales",)

    def get_queryset(self):
        self.filter_form = AccountFilterForm(self.request.GET)
        filters = self.filter_form.filters
        accounts = Account.objects.for_workspace(self.workspace).order_by("name", "id")
        if filters["q"]:
            accounts = accounts.filter(
                Q(name__icontains=filters["q"]) | Q(domain__icontains=filters["q"])
            )
        for dimension in ACCOUNT_LIST_DIMENSIONS:
            if filters[dimension]:
                accounts = accounts.filter(
                    account_dimension_q(dimension, filters[dimension], prefix="")
                )
        return accounts

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        _label_sizes(context["accounts"])
        return context


def org_chart(contacts: list[Contact]) -> list[dict]:
    """Contacts as a forest by reporting line: ``[{"contact", "reports": [...]}]``."""
    nodes: dict[int | None, dict] = {c.pk: {"contact": c, "reports": []} for c in contacts}
    roots: list[dict] = []
    for contact in contacts:
        boss = nodes.get(contact.reports_to_id)
        (boss["reports"] if boss else roots).append(nodes[contact.pk])
    return roots


class AccountDetailView(WorkspaceViewMixin, TemplateView):
    """``/accounts/<id>/``: contacts by reporting line, deals, and the latest conversations."""

    template_name = "deals_app/account_detail.html"
    write_roles = ("sales", "pm")

    def get_context_data(self, **kwargs):
        account = get_object_or_404(Account.objects.for_workspace(self.workspace), pk=kwargs["pk"])
        _label_sizes([account])
        contacts = list(
            Contact.objects.for_workspace(self.workspace)
            .filter(account=account)
            .select_related("persona")
            .order_by("last_name", "first_name")
        )
        deals = (
            Deal.objects.for_workspace(self.workspace)
            .filter(account=account)
            .select_related("owner")
            .order_by("-created_on", "-id")
        )
        conversations = (
            Conversation.objects.for_workspace(self.workspace)
            .filter(account=account)
            .select_related("deal", "logged_by")
            .prefetch_related("tags")
            .order_by("-occurred_on", "-id")[:TIMELINE_SIZE]
        )
        return super().get_context_data(
            account=account,
            org_chart=org_chart(contacts),
            contact_count=len(contacts),
            deals=deals,
            conversations=conversations,
            **kwargs,
        )
