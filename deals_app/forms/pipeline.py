"""The pipeline's GET filters, sort and view."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from deals_app.models import Deal
from deals_app.selectors import (
    DEAL_SORTS,
    DIMENSIONS,
    NO_VALUE,
    RISK_LABELS,
    STAGE_ALL,
    STAGE_CLOSED,
    STAGE_OPEN,
)

from .filters import _FilterForm

# Owner filter values besides a member's id.
OWNER_ME, OWNER_NONE = "me", "none"


class DealFilterForm(_FilterForm):
    """The pipeline's filters, sort and view. Owner and segment choices are this workspace's own,
    so another workspace's id is refused like any invalid value; every refused value is listed
    in ``ignored`` for the page to say so, and the rest of the filters still apply.

    The dimension parameters (``industry``, ``size_band``, …) and ``segment=<id>`` are a
    contract: the dashboard links its bars to ``/deals/?stage=all&<dimension>=<value>``.
    ``__none__`` for a dimension means accounts without a value.
    """

    q = forms.CharField(
        required=False,
        max_length=200,
        strip=True,
        label="Search",
        widget=forms.TextInput(
            attrs={"placeholder": "Search deals and accounts", "type": "search"}
        ),
    )
    stage = forms.ChoiceField(
        required=False,
        choices=[
            (STAGE_OPEN, "Open deals"),
            (STAGE_CLOSED, "Closed deals"),
            (STAGE_ALL, "All stages"),
            *Deal.Stage.choices,
        ],
    )
    owner = forms.ChoiceField(required=False)
    close_from = forms.DateField(
        required=False, label="Closing from", widget=forms.DateInput(attrs={"type": "date"})
    )
    close_to = forms.DateField(
        required=False, label="Closing until", widget=forms.DateInput(attrs={"type": "date"})
    )
    risk = forms.ChoiceField(
        required=False, choices=[("", "Any risk"), *RISK_LABELS.items()], label="Risk"
    )
    segment = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    industry = forms.CharField(
        required=False,
        max_length=120,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "Industry"}),
    )
    size_band = forms.ChoiceField(
        required=False,
        choices=[("", "Any size"), *DIMENSIONS["size_band"].items(), (NO_VALUE, "No value")],
        label="Size band",
    )
    country = forms.CharField(required=False, max_length=100, strip=True)
    region = forms.CharField(required=False, max_length=100, strip=True)
    deployment_model = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any deployment"),
            *DIMENSIONS["deployment_model"].items(),
            (NO_VALUE, "No value"),
        ],
        label="Deployment model",
    )
    infrastructure = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any infrastructure"),
            *DIMENSIONS["infrastructure"].items(),
            (NO_VALUE, "No value"),
        ],
    )
    lifecycle = forms.ChoiceField(
        required=False,
        choices=[("", "Any lifecycle"), *DIMENSIONS["lifecycle"].items(), (NO_VALUE, "No value")],
    )
    sort = forms.ChoiceField(
        required=False, choices=[("", "Default order"), *((k, k) for k in DEAL_SORTS)]
    )
    view = forms.ChoiceField(required=False, choices=[("list", "List"), ("board", "Board")])
    # Where a dashboard drill-down came from (its dimension and period), for the way back.
    dashboard = forms.RegexField(
        required=False, regex=r"^([a-z_]{1,40}|segment:\d{1,12})$", label="Dashboard dimension"
    )
    dashboard_period = forms.RegexField(
        required=False, regex=r"^(all|last4q|\d{4}Q[1-4])$", label="Dashboard period"
    )

    DIMENSION_FIELDS = tuple(DIMENSIONS)
    # Fields that narrow the list (sort and view only change how it is shown).
    FILTER_FIELDS: tuple[str, ...] = ("stage", "owner", "close_from", "close_to", "risk", "segment")
    FILTER_FIELDS += (*DIMENSION_FIELDS, "q")
    defaults = {
        "q": "",
        "stage": STAGE_OPEN,
        "owner": "",
        "close_from": None,
        "close_to": None,
        "risk": "",
        "segment": None,
        **dict.fromkeys(DIMENSION_FIELDS, ""),
        "sort": "",
        "view": "list",
        "dashboard": "",
        "dashboard_period": "",
    }

    def __init__(self, *args, members=(), segments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", "Any owner"),
            (OWNER_ME, "My deals"),
            (OWNER_NONE, "Unassigned"),
            *((str(u.pk), u.get_full_name() or u.username) for u in members),
        ]
        self.fields["segment"].choices = [("", "Any segment")] + [(s.pk, s.name) for s in segments]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("close_from"), cleaned.get("close_to")
        if start and end and start > end:
            self.add_error("close_to", "The end of the close-date range is before its start.")
        return cleaned

    @property
    def is_filtered(self) -> bool:
        filters = self.filters
        return any(filters.get(k) != self.defaults.get(k) for k in self.FILTER_FIELDS)

    @property
    def ignored(self) -> list[str]:
        """A sentence per refused parameter: which one, what was wrong."""
        self.is_valid()
        notes = []
        for name, errors in self.errors.items():
            label = self.fields[name].label or name.replace("_", " ").capitalize()
            if name == NON_FIELD_ERRORS:
                label = "Filters"
            value = self.data.get(name, "")
            shown = f" “{value[:60]}”" if value and name != NON_FIELD_ERRORS else ""
            notes.append(f"{label}{shown} ignored: {' '.join(str(e) for e in errors)}")
        return notes
