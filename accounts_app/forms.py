"""Forms of the account pages: the workspace settings an admin edits."""

from decimal import Decimal

from django import forms

from common.currencies import CURRENCY_MESSAGE, is_currency_code

from .models import Workspace


class WorkspaceSettingsForm(forms.Form):
    """Shape of the settings form; workspace_update() applies the model's rules on save."""

    FIELDS = ("name", "currency", "hourly_cost")

    name = forms.CharField(max_length=200, label="Workspace name")
    currency = forms.CharField(
        max_length=3,
        label="Currency",
        help_text="Three-letter ISO 4217 code, such as USD or EUR. Amounts are shown in it.",
    )
    hourly_cost = forms.DecimalField(
        label="Hourly cost",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text="The cost of one hour of customer-facing time, used for cost of sale.",
    )

    @classmethod
    def for_workspace(cls, workspace: Workspace, data=None) -> "WorkspaceSettingsForm":
        return cls(data=data, initial={f: getattr(workspace, f) for f in cls.FIELDS})

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"].strip().upper()
        if not is_currency_code(currency):
            raise forms.ValidationError(CURRENCY_MESSAGE, params={"value": currency})
        return currency
