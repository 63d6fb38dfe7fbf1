"""Forms that create a deal and change its core fields (PRODUCT.md §2: sales maintains deals).

Forms validate shape only; ``deal_create``/``deal_update`` enforce the business rules
(close date not before the date opened, no negative amount, a loss reason only when lost), and
the view shows their ValidationErrors on the form (STYLE.md §2).
"""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts_app.models import Account
from deals_app.models import OPEN_STAGES, Deal

OPEN_STAGE_CHOICES = [(s.value, s.label) for s in OPEN_STAGES]
# Where a board move to a closed stage sends the user: the close form, outcome chosen.
CLOSE_OUTCOMES = {Deal.Stage.CLOSED_WON: "won", Deal.Stage.CLOSED_LOST: "lost"}


def _today() -> dt.date:
    return timezone.localdate()


def _member_label(user) -> str:
    return user.get_full_name() or user.username


class _MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _member_label(obj)


def _amount_field() -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        max_digits=16,
        decimal_places=2,
        min_value=0,
        help_text="Leave empty when unknown.",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        error_messages={"min_value": "Amount cannot be negative."},
    )


def _date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class DealCreateForm(forms.Form):
    """A new open deal: account and owner are chosen among this workspace's own (``accounts``
    and ``members`` querysets from the view), so another workspace's id is an invalid choice."""

    account = forms.ModelChoiceField(
        queryset=Account.objects.none(), empty_label="Choose an account…"
    )
    name = forms.CharField(max_length=255)
    stage = forms.ChoiceField(choices=OPEN_STAGE_CHOICES, initial=Deal.Stage.PROSPECTING)
    amount = _amount_field()
    created_on = _date_field("Created on", initial=_today)
    close_date = _date_field("Expected close date", required=False)
    owner = _MemberChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="— unassigned —"
    )
    competitor = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, accounts, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]


class DealEditForm(forms.Form):
    """Change a deal's name, stage, amount, expected close date and owner from its page.

    The stage choices are the open ones: closing goes through the close form (outcome and loss
    reason). ``members`` are the owner choices, ``(id, label)`` pairs the view loads once.
    """

    default_prefix = "deal"
    name = forms.CharField(max_length=255)
    stage = forms.ChoiceField(choices=OPEN_STAGE_CHOICES)
    amount = _amount_field()
    close_date = _date_field("Expected close date", required=False)
    owner = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, members=(), closed: bool = False, **kwargs):
        kwargs.setdefault("prefix", self.default_prefix)
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "— unassigned —"), *members]  # type: ignore[attr-defined]
        if closed:  # a closed deal keeps its outcome; its other fields stay editable
            del self.fields["stage"]
            self.fields["close_date"].label = "Close date"


class StageMoveForm(forms.Form):
    """Move a deal to another stage from the pipeline board (by drag or the "Move to" menu)."""

    stage = forms.ChoiceField(choices=Deal.Stage.choices)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class RestoreRoleForm(forms.Form):
    """Undo a role's removal: the removed role's fields, signed by the server (``token``)."""

    token = forms.CharField(max_length=2000, widget=forms.HiddenInput)
