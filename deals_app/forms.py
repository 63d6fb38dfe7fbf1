"""Forms that read the GET filters of the deal and conversation pages.

An invalid filter value is ignored (the default applies) rather than answered with an error page.
"""

from django import forms

from .models import Conversation, Deal
from .selectors import DIMENSIONS, STAGE_ALL, STAGE_CLOSED, STAGE_OPEN


class _FilterForm(forms.Form):
    """A GET filter form whose ``filters`` are the cleaned values, or the defaults when invalid."""

    defaults: dict = {}

    @property
    def filters(self) -> dict:
        values = dict(self.defaults)
        self.is_valid()  # fills cleaned_data with the valid fields only
        values.update({k: v for k, v in self.cleaned_data.items() if v})
        return values

    @property
    def is_filtered(self) -> bool:
        """True when the user narrowed the list beyond the defaults."""
        return any(self.filters.get(k) != self.defaults.get(k) for k in self.fields)


class ConversationFilterForm(_FilterForm):
    """The conversation timeline's filters; id choices (tags, personas, members) are the
    workspace's own, so another workspace's id is ignored like any invalid value."""

    kind = forms.ChoiceField(
        required=False, choices=[("", "All kinds"), *Conversation.Kind.choices]
    )
    q = forms.CharField(
        required=False,
        max_length=200,
        strip=True,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Search titles and notes", "type": "search"}),
    )
    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    tag = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    persona = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Participant persona"
    )
    logged_by = forms.ChoiceField(required=False, label="Logged by")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    industry = forms.CharField(
        required=False,
        max_length=120,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "Industry"}),
    )
    infrastructure = forms.ChoiceField(
        required=False, choices=[("", "Any infrastructure"), *DIMENSIONS["infrastructure"].items()]
    )
    deployment_model = forms.ChoiceField(
        required=False,
        choices=[("", "Any deployment"), *DIMENSIONS["deployment_model"].items()],
    )
    size_band = forms.ChoiceField(
        required=False, choices=[("", "Any size"), *DIMENSIONS["size_band"].items()]
    )
    defaults = {
        "kind": "",
        "q": "",
        "account": None,
        "tag": None,
        "persona": None,
        "logged_by": "",
        "date_from": None,
        "date_to": None,
        "industry": "",
        "infrastructure": "",
        "deployment_model": "",
        "size_band": "",
    }

    def __init__(self, *args, tags=(), personas=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag")] + [(t.pk, str(t)) for t in tags]
        self.fields["persona"].choices = [("", "Any persona")] + [(p.pk, p.name) for p in personas]
        self.fields["logged_by"].choices = [("", "Anyone"), ("me", "Me")] + [
            (str(u.pk), u.get_full_name() or u.username) for u in members
        ]


class DealFilterForm(_FilterForm):
    stage = forms.ChoiceField(
        required=False,
        choices=[
            (STAGE_OPEN, "Open deals"),
            (STAGE_CLOSED, "Closed deals"),
            (STAGE_ALL, "All stages"),
            *Deal.Stage.choices,
        ],
    )
    owner = forms.ChoiceField(required=False, choices=[("", "Any owner"), ("me", "My deals")])
    defaults = {"stage": STAGE_OPEN, "owner": ""}
