"""Forms of the deal page: editing the persona map, the scorecard and closing the deal.

Forms validate shape only; the services they feed enforce the business rules (STYLE.md §2).
People are chosen from a list the view computes once (``people``: ``[(id, label)]``), so a page
with many forms does not query once per form.
"""

from django import forms

from personas_app.models import Seniority

from .models import Deal, DealRole, LossReason, ScorecardItem

AUTO = ""


class _PeopleForm(forms.Form):
    """A form whose person fields choose among ``people`` (a list of (contact id, label))."""

    person_fields: tuple[str, ...] = ()

    def __init__(self, *args, people=(), prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix or self.default_prefix, **kwargs)
        for name in self.person_fields:
            field = self.fields[name]
            blank = [("", field.empty_label)] if not field.required else [("", "Choose…")]
            field.choices = [*blank, *people]

    default_prefix: str | None = None


def _person_field(label: str, *, required: bool = True, empty_label: str = "—"):
    field = forms.TypedChoiceField(label=label, coerce=int, required=required, empty_value=None)
    field.empty_label = empty_label  # type: ignore[attr-defined]  # read by _PeopleForm
    return field


class AddPersonForm(_PeopleForm):
    """Put a contact on the deal with a role: an existing one of the account, or a new one."""

    default_prefix = "add"
    person_fields = ("contact",)
    contact = _person_field("Existing contact", required=False, empty_label="— a new contact —")
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    title = forms.CharField(max_length=200, required=False)
    seniority = forms.ChoiceField(choices=[("", "—"), *Seniority.choices], required=False)
    role = forms.ChoiceField(choices=DealRole.Role.choices)
    stance = forms.ChoiceField(choices=DealRole.Stance.choices, initial=DealRole.Stance.NEUTRAL)

    def clean(self):
        data = super().clean()
        if not data.get("contact") and not (data.get("last_name") or "").strip():
            raise forms.ValidationError(
                "Choose an existing contact, or give the new contact's last name."
            )
        return data


class StanceForm(forms.Form):
    """Change the stance of one role on the deal (the role id is checked by the view)."""

    deal_role = forms.IntegerField(widget=forms.HiddenInput)
    stance = forms.ChoiceField(choices=DealRole.Stance.choices)


class RemoveRoleForm(forms.Form):
    deal_role = forms.IntegerField(widget=forms.HiddenInput)


class AdvocacyForm(_PeopleForm):
    """ "A champions our product to B": add an advocacy edge."""

    default_prefix = "adv"
    person_fields = ("advocate", "audience")
    advocate = _person_field("Who advocates")
    audience = _person_field("To whom")
    note = forms.CharField(max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("advocate") and data.get("advocate") == data.get("audience"):
            raise forms.ValidationError("A contact cannot advocate to themselves.")
        return data


class RemoveAdvocacyForm(forms.Form):
    advocacy = forms.IntegerField(widget=forms.HiddenInput)


class ReportsToForm(_PeopleForm):
    """Set (or clear) whom a contact reports to."""

    default_prefix = "rep"
    person_fields = ("contact", "reports_to")
    contact = _person_field("Contact")
    reports_to = _person_field("Reports to", required=False, empty_label="— nobody —")


class HasLeftForm(forms.Form):
    """Mark a contact as having left the company (or back)."""

    contact = forms.IntegerField(widget=forms.HiddenInput)
    has_left = forms.BooleanField(required=False, widget=forms.HiddenInput)


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
    """Close the deal as won or lost; a lost deal needs its loss reason."""

    default_prefix = "close"
    outcome = forms.ChoiceField(choices=[("won", "Won"), ("lost", "Lost")])
    close_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    loss_reason = forms.ChoiceField(choices=[("", "—"), *LossReason.choices], required=False)
    loss_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
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
