"""Conversations with customers, the tags heard in them and the action items they leave."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from common.limits import NOTES_MAX_LENGTH
from common.models import WorkspaceOwnedModel

from .deals import Deal, LossReason


class Tag(WorkspaceOwnedModel):
    """A pain, constraint or topic heard in conversations."""

    class Kind(models.TextChoices):
        PAIN = "pain", "Pain"
        CONSTRAINT = "constraint", "Constraint"
        TOPIC = "topic", "Topic"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TOPIC)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "name"],
                name="tag_unique_name",
                violation_error_message="A tag with this name and kind exists already.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["pain", "constraint", "topic"]), name="tag_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"


class Conversation(WorkspaceOwnedModel):
    """A logged customer conversation: who was there, what was heard, what it is evidence of."""

    class Kind(models.TextChoices):
        DISCOVERY = "discovery", "Discovery"
        WIN_LOSS = "win_loss", "Win/loss interview"
        DEMO = "demo", "Demo"
        CHECK_IN = "check_in", "Check-in"
        QBR = "qbr", "QBR"
        SUPPORT = "support", "Support"
        OTHER = "other", "Other"

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"

    account = models.ForeignKey(
        "accounts_app.Account", on_delete=models.CASCADE, related_name="conversations"
    )
    deal = models.ForeignKey(
        Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    occurred_on = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DISCOVERY)
    participants = models.ManyToManyField(
        "personas_app.Contact", blank=True, related_name="conversations"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_conversations",
    )
    title = models.CharField(max_length=255)
    notes = models.TextField(
        blank=True,
        max_length=NOTES_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTES_MAX_LENGTH)],
        help_text="Plain text or Markdown.",
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    sentiment = models.CharField(
        max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    stated_reason = models.CharField(
        max_length=30,
        choices=LossReason.choices,
        blank=True,
        help_text="For win/loss interviews: the reason the buyer gave.",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stated_reason="") | Q(kind="win_loss"),
                name="conversation_stated_reason_only_win_loss",
                violation_error_message="Only a win/loss interview has a stated reason.",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "discovery",
                        "win_loss",
                        "demo",
                        "check_in",
                        "qbr",
                        "support",
                        "other",
                    ]
                ),
                name="conversation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(sentiment__in=["positive", "neutral", "negative"]),
                name="conversation_sentiment_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=24 * 60),
                name="conversation_duration_at_most_a_day",
                violation_error_message="A conversation cannot last more than 24 hours.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "-occurred_on", "-id"], name="conv_ws_occurred"),
            models.Index(fields=["workspace", "account", "-occurred_on"], name="conv_ws_account"),
            models.Index(fields=["workspace", "deal"], name="conv_ws_deal"),
            models.Index(fields=["workspace", "kind", "-occurred_on"], name="conv_ws_kind"),
            # "Logged by me" on the timeline and the PM landing's recent conversations.
            models.Index(
                fields=["workspace", "logged_by", "-occurred_on", "-id"], name="conv_ws_logged_by"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def hours(self) -> float:
        return (self.duration_minutes or 0) / 60

    def clean(self) -> None:
        errors = self.check_same_workspace(
            account=self.account if self.account_id else None,
            deal=self.deal if self.deal_id else None,
        )
        if self.deal is not None and self.account_id and self.deal.account_id != self.account_id:
            errors["deal"] = "This deal belongs to another account."
        if self.stated_reason and self.kind != self.Kind.WIN_LOSS:
            errors["stated_reason"] = "Only a win/loss interview has a stated reason."
        if errors:
            raise ValidationError(errors)


class ActionItem(WorkspaceOwnedModel):
    """Something someone promised to do after a conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["done", "due_on", "id"]
        indexes = [
            models.Index(fields=["workspace", "owner", "done"], name="actionitem_ws_owner"),
            models.Index(fields=["workspace", "conversation"], name="actionitem_ws_conv"),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        errors = self.check_same_workspace(
            conversation=self.conversation if self.conversation_id else None
        )
        if errors:
            raise ValidationError(errors)
