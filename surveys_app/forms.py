"""The buyer's answer form (public page) and the sender's contact picker (deal page)."""

from typing import cast

from django import forms

from deals_app.models import Deal

from .models import ANSWER_TEXT_MAX_LENGTH, Alternative
from .services import reason_choices

FIT_CHOICES = [
    ("1", "1 – poorly"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 – very well"),
]


class SurveyAnswerForm(forms.Form):
    """The questions of PRODUCT.md §13, in the buyer's words."""

    main_reason = forms.ChoiceField(widget=forms.RadioSelect)
    alternative = forms.ChoiceField(widget=forms.RadioSelect, choices=Alternative.choices)
    competitor = forms.CharField(
        required=False,
        max_length=200,
        label="Which product?",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Product or vendor"}),
    )
    would_have_changed = forms.CharField(
        required=False,
        max_length=ANSWER_TEXT_MAX_LENGTH,
        label="What would have changed your decision?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fit = forms.TypedChoiceField(
        required=False,
        choices=FIT_CHOICES,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        label="How well did the product fit your needs?",
    )
    follow_up_welcome = forms.BooleanField(
        required=False, label="A short follow-up call would be fine"
    )

    def __init__(self, *args, deal: Deal, **kwargs):
        super().__init__(*args, **kwargs)
        won = deal.stage == Deal.Stage.CLOSED_WON
        cast(forms.ChoiceField, self.fields["main_reason"]).choices = reason_choices(deal)
        self.fields["main_reason"].label = (
            "What was the main reason you chose us?"
            if won
            else "What was the main reason you did not go ahead with us?"
        )
        self.fields["alternative"].label = (
            "What would you have gone with otherwise?" if won else "What did you go with instead?"
        )

    def clean(self):
        data = super().clean()
        if data.get("alternative") == Alternative.COMPETITOR and not data.get("competitor"):
            self.add_error("competitor", "Which product did you choose?")
        return data


class SurveySendForm(forms.Form):
    """Contacts to ask; ``action`` is ``preview`` or ``send``."""

    contacts = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["contacts"]).choices = choices
        self.fields["contacts"].error_messages["required"] = "Choose at least one contact."
