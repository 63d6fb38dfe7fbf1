"""Win/loss surveys: a closed deal's question to the buyer, answered in their own words
(PRODUCT.md §13)."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from common.models import WorkspaceOwnedModel, WorkspaceQuerySet
from deals_app.models import LossReason

# A link works for this long after it was sent (or after the last reminder).
SURVEY_LIFETIME = dt.timedelta(days=30)
# The free-text answer: well within a conversation's notes, which also hold the other answers.
ANSWER_TEXT_MAX_LENGTH = 5_000


class WinReason(models.TextChoices):
    """Why a buyer chose us. The loss-reason list (price, missing feature, champion left, …)
    describes what went wrong and reads oddly as praise, so a won deal's survey asks from this
    list instead; it is kept apart from ``stated_reason`` (docs/surveys.md)."""

    PRODUCT_FIT = "product_fit", "The product did what we needed"
    PRICE_VALUE = "price_value", "Price and value for money"
    EASE_OF_USE = "ease_of_use", "Easy to use and to roll out"
    SECURITY_COMPLIANCE = "security_compliance", "Security and compliance"
    RELATIONSHIP = "relationship", "The people we dealt with"
    TIMING = "timing", "It was available when we needed it"
    OTHER = "other", "Something else"


# The loss-reason taxonomy of §3 in the buyer's words.
LOSS_REASON_WORDS = {
    LossReason.PRICE: "The price, or the value for money",
    LossReason.MISSING_FEATURE: "Something we needed was missing",
    LossReason.COMPETITOR: "Another product suited us better",
    LossReason.NO_DECISION: "We decided not to buy anything for now",
    LossReason.TIMING: "The timing was wrong",
    LossReason.CHAMPION_LEFT: "The person who backed it inside our company left",
    LossReason.SECURITY_COMPLIANCE: "Security or compliance concerns",
    LossReason.OTHER: "Something else",
}


class Alternative(models.TextChoices):
    COMPETITOR = "competitor", "Another vendor's product"
    BUILT_IN_HOUSE = "built_in_house", "We built it ourselves"
    NO_DECISION = "no_decision", "Nothing: no decision was made"
    OTHER = "other", "Something else"


class SurveyQuerySet(WorkspaceQuerySet["Survey"]):
    def with_state(self) -> "SurveyQuerySet":
        """Annotate ``state_value`` (answered / expired / opened / sent) for filtering."""
        now = timezone.now()
        return self.annotate(
            state_value=models.Case(
                models.When(answered_at__isnull=False, then=models.Value("answered")),
                models.When(expires_at__lte=now, then=models.Value("expired")),
                models.When(opened_at__isnull=False, then=models.Value("opened")),
                default=models.Value("sent"),
                output_field=models.CharField(),
            )
        )


class Survey(WorkspaceOwnedModel):
    """A survey sent to one contact about one closed deal. The link's token exists only in
    the e-mail; the row keeps its SHA-256. A reminder issues a new token for the same row."""

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        ANSWERED = "answered", "Answered"
        EXPIRED = "expired", "Expired"

    Alternative = Alternative
    WinReason = WinReason

    deal = models.ForeignKey("deals_app.Deal", on_delete=models.CASCADE, related_name="surveys")
    contact = models.ForeignKey(
        "personas_app.Contact", on_delete=models.CASCADE, related_name="surveys"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_surveys",
    )
    sent_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    main_reason = models.CharField(
        max_length=30,
        blank=True,
        help_text="A loss reason for a lost deal, a win reason for a won one.",
    )
    alternative = models.CharField(max_length=20, choices=Alternative.choices, blank=True)
    competitor = models.CharField(max_length=200, blank=True)
    would_have_changed = models.TextField(
        blank=True,
        max_length=ANSWER_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(ANSWER_TEXT_MAX_LENGTH)],
    )
    fit = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    follow_up_welcome = models.BooleanField(default=False)
    conversation = models.ForeignKey(
        "deals_app.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SurveyQuerySet.as_manager()  # type: ignore[misc]  # adds with_state()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "contact"],
                name="survey_one_per_contact_per_deal",
                violation_error_message="This contact already has a survey for this deal.",
            ),
            models.CheckConstraint(
                condition=Q(fit__isnull=True) | Q(fit__gte=1, fit__lte=5),
                name="survey_fit_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "deal"], name="survey_ws_deal")]

    def __str__(self) -> str:
        return f"Survey {self.pk} of {self.contact} on {self.deal}"

    @property
    def state(self) -> str:
        if self.answered_at is not None:
            return self.State.ANSWERED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        if self.opened_at is not None:
            return self.State.OPENED
        return self.State.SENT

    @property
    def main_reason_label(self) -> str:
        """The main reason as the buyer read it ("" before an answer)."""
        if self.main_reason in WinReason.values and self.deal.stage == "closed_won":
            return str(WinReason(self.main_reason).label)
        if self.main_reason in LossReason.values:
            return LOSS_REASON_WORDS[LossReason(self.main_reason)]
        return self.main_reason

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = self.check_same_workspace(deal=self.deal, contact=self.contact)
        if errors:
            raise ValidationError(errors)
