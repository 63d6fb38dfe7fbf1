"""The assumption form. The conversation log form lives in conversations_app.forms."""

from django import forms

from common.limits import SHORT_TEXT_MAX_LENGTH


class AssumptionForm(forms.Form):
    """Shape of an assumption; the service (assumption_create/update) enforces the rules."""

    statement = forms.CharField(
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        help_text="One belief the roadmap rests on, put so a customer can confirm or refute it.",
    )
    area = forms.CharField(
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "area-options", "autocomplete": "off"}),
        help_text="A product area, to group assumptions (optional).",
    )
