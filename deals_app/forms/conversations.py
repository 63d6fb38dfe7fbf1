"""The conversation timeline's GET filters."""

from django import forms

from deals_app.models import Conversation
from deals_app.selectors import DIMENSIONS

from .filters import _FilterForm


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
