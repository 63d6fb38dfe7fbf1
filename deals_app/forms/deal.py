"""Forms of the deal page that edit the deal itself: a MEDDPICC letter set by hand, closing it.

Forms validate shape only; the services they feed enforce the business rules (STYLE.md §2).
"""

from django import forms
from django.utils import timezone

from common.limits import TEXT_MAX_LENGTH
from deals_app.models import Deal, LossReason, ScorecardItem

AUTO = ""


class ScorecardForm(forms.Form):
    """Set one MEDDPICC letter by hand; "auto" goes back to what the data says."""

    default_prefix = "score"
    key = forms.ChoiceField(choices=ScorecardItem.Key.choices, label="Letter")
    status = forms.ChoiceField(
        choices=[(AUTO, "Auto (from the data)"), *ScorecardItem.Status.choices], required=False
    )
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.default_prefix)
        super().__init__(*args, **kwargs)


class CloseDealForm(forms.Form):
    """Close the deal as won or lost; a lost deal needs its loss reason.

    The outcome has no default: two radio buttons, neither checked, so one click never marks a
    deal won by accident (a move to a closed stage on the board passes the outcome chosen there
    as the form's initial value)."""

    default_prefix = "close"
    outcome = forms.ChoiceField(
        choices=[("won", "Won"), ("lost", "Lost")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome: won or lost."},
    )
    close_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    loss_reason = forms.ChoiceField(
        choices=[("", "—"), *LossReason.choices], required=False, label="Loss reason (when lost)"
    )
    loss_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=TEXT_MAX_LENGTH
    )
    competitor = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.default_prefix)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "lost" and not data.get("loss_reason"):
            self.add_error("loss_reason", "Say why the deal was lost.")
        if data.get("outcome") == "won":
            data["loss_reason"] = ""
        return data


def close_changes(data: dict) -> dict:
    """The deal fields a valid CloseDealForm sets."""
    won = data["outcome"] == "won"
    fields = {
        "stage": Deal.Stage.CLOSED_WON if won else Deal.Stage.CLOSED_LOST,
        "close_date": data["close_date"],
        "loss_reason": "" if won else data["loss_reason"],
        "loss_notes": "" if won else data["loss_notes"],
    }
    if data.get("competitor"):
        fields["competitor"] = data["competitor"]
    return fields
