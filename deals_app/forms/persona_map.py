"""Forms of the deal page that edit its persona map: people, roles, stances, advocacy,
reporting lines.

Forms validate shape only; the services they feed enforce the business rules (STYLE.md §2).
People are chosen from a list the view computes once (``people``: ``[(id, label)]``), so a page
with many forms does not query once per form.
"""

from django import forms

from deals_app.models import DealRole
from personas_app.models import Seniority


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
