"""Account pages: the list with its segment columns and filters, and one account's page with its
contacts (an org chart by reporting line), deals and conversation timeline."""

from django import forms
from django.http import Http404
from django.views.generic import TemplateView

from accounts_app.models import SIZE_BANDS, Account, DeploymentModel, Infrastructure, Lifecycle
from accounts_app.scoping import WorkspaceViewMixin
from deals_app.forms.filters import _FilterForm
from deals_app.selectors import account_list_filtered, account_page
from personas_app.models import Contact

from .lists import PagedListView

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
        return account_list_filtered(workspace=self.workspace, filters=filters)

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
        try:
            page = account_page(workspace=self.workspace, pk=kwargs["pk"])
        except Account.DoesNotExist:
            raise Http404("No Account matches the given query.") from None
        _label_sizes([page.account])
        return super().get_context_data(
            account=page.account,
            org_chart=org_chart(page.contacts),
            contact_count=len(page.contacts),
            deals=page.deals,
            conversations=page.conversations,
            **kwargs,
        )
