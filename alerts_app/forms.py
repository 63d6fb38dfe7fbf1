"""Forms of the alert settings page: a subscription, the digest time, the workspace's Slack
URL. They validate shape; alerts_app.services.subscriptions enforces the rules."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accounts_app.selectors import segment_list
from events_app.models import EventType

from .models import Channel, DealScope, DigestFrequency, Subscription

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SLACK_WIDGET = forms.TextInput(
    attrs={
        "autocomplete": "off",
        "inputmode": "url",
        "spellcheck": "false",
        "placeholder": "https://hooks.slack.com/services/…",
    }
)


class ServiceErrorsMixin:
    def add_model_errors(self, exc: ValidationError) -> None:
        """A service's messages next to their fields (else above the form)."""
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)  # type: ignore[attr-defined]


class SubscriptionForm(ServiceErrorsMixin, forms.Form):
    event_types = forms.MultipleChoiceField(
        label="Tell me when",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event type."},
    )
    scope = forms.ChoiceField(
        label="For which deals", choices=DealScope.choices, initial=DealScope.MINE
    )
    min_amount = forms.DecimalField(
        label="Minimum deal amount",
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text="Blank: any amount. Deals of unknown amount are left out when set.",
    )
    segment: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Only accounts in the saved segment",
        queryset=None,
        required=False,
        empty_label="Any account",
    )
    channel = forms.ChoiceField(label="How", choices=Channel.choices, initial=Channel.IN_APP)
    digest_frequency = forms.ChoiceField(
        label="Digest", choices=DigestFrequency.choices, initial=DigestFrequency.DAILY
    )
    slack_url = forms.CharField(
        label="Slack incoming-webhook URL",
        required=False,
        max_length=500,
        widget=SLACK_WIDGET,
    )
    enabled = forms.BooleanField(label="On", required=False, initial=True)

    def __init__(
        self,
        *args,
        workspace,
        subscription: Subscription | None = None,
        slack_hint: str = "",
        workspace_slack_hint: str = "",
        **kwargs,
    ):
        if subscription is not None:
            kwargs["initial"] = {
                "event_types": subscription.event_types,
                "scope": subscription.scope,
                "min_amount": subscription.min_amount,
                "segment": subscription.segment_id,
                "channel": subscription.channel,
                "digest_frequency": subscription.digest_frequency,
                "enabled": subscription.enabled,
            }
        super().__init__(*args, **kwargs)
        self.subscription = subscription
        self.fields["segment"].queryset = segment_list(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["min_amount"].label = f"Minimum deal amount ({workspace.currency})"
        self.fields["event_types"].widget.attrs["class"] = "alert-check"
        if slack_hint:
            help_text = f"Stored ({slack_hint}); never shown again. Leave blank to keep it."
        elif workspace_slack_hint:
            help_text = "Blank: the workspace's Slack channel. Stored encrypted; never shown again."
        else:
            help_text = "Stored encrypted; never shown again."
        self.fields["slack_url"].help_text = help_text

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["slack_url"] = data.get("slack_url") or None  # blank keeps the stored URL
        return data

    def filter_fields(self):
        return [self[name] for name in ("scope", "min_amount", "segment")]


class PreferenceForm(ServiceErrorsMixin, forms.Form):
    digest_hour = forms.TypedChoiceField(
        label="Send my digest at",
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )
    digest_weekday = forms.TypedChoiceField(
        label="Weekly digests on",
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
    )


class WorkspaceSlackForm(ServiceErrorsMixin, forms.Form):
    slack_url = forms.CharField(
        label="Workspace Slack incoming-webhook URL",
        required=False,
        max_length=500,
        widget=SLACK_WIDGET,
    )
    remove = forms.BooleanField(label="Remove the stored URL", required=False)

    def __init__(self, *args, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.hint = hint
        self.fields["slack_url"].help_text = (
            f"Stored ({hint}); never shown again. A new URL replaces it."
            if hint
            else "Members' Slack subscriptions post here unless they give their own URL. "
            "Stored encrypted; never shown again."
        )
        if not hint:
            del self.fields["remove"]

    def clean(self):
        data = super().clean()
        if not data.get("remove") and not data.get("slack_url"):
            raise ValidationError({"slack_url": "Paste the URL Slack gave you."})
        return data
