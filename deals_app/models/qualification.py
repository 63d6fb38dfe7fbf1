"""Qualifying a deal: the buyer's business case and the MEDDPICC letters set by hand."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from common.limits import SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from common.models import WorkspaceOwnedModel

from .deals import Deal


class BusinessCase(WorkspaceOwnedModel):
    """The buyer's outcome (the M of MEDDPICC) and what it is worth to them per year."""

    class Metric(models.TextChoices):
        COST_SAVINGS = "cost_savings", "Cost savings"
        PRODUCTIVITY = "productivity", "Productivity"
        REVENUE_GROWTH = "revenue_growth", "Revenue growth"
        RISK_REDUCTION = "risk_reduction", "Risk reduction"
        OTHER = "other", "Other"

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="business_cases")
    metric = models.CharField(max_length=20, choices=Metric.choices)
    description = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    estimated_annual_value = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["deal", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_annual_value__isnull=True) | Q(estimated_annual_value__gte=0),
                name="businesscase_value_non_negative",
                violation_error_message="Estimated annual value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(
                    metric__in=[
                        "cost_savings",
                        "productivity",
                        "revenue_growth",
                        "risk_reduction",
                        "other",
                    ]
                ),
                name="businesscase_metric_valid",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "deal"], name="businesscase_ws_deal")]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} for {self.deal}"

    def clean(self) -> None:
        errors = self.check_same_workspace(deal=self.deal if self.deal_id else None)
        if errors:
            raise ValidationError(errors)


class ScorecardItem(WorkspaceOwnedModel):
    """A MEDDPICC letter of one deal set by hand; it overrides what the data says for that key.

    Letters nobody set are derived from the deal's data (deals_app.selectors.deal_scorecard).
    """

    class Key(models.TextChoices):
        METRICS = "metrics", "Metrics"
        ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
        DECISION_CRITERIA = "decision_criteria", "Decision criteria"
        DECISION_PROCESS = "decision_process", "Decision process"
        PAPER_PROCESS = "paper_process", "Paper process"
        IDENTIFY_PAIN = "identify_pain", "Identify pain"
        CHAMPION = "champion", "Champion"
        COMPETITION = "competition", "Competition"

    class Status(models.TextChoices):
        MISSING = "missing", "Missing"
        PARTIAL = "partial", "Partial"
        CONFIRMED = "confirmed", "Confirmed"

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="scorecard_items")
    key = models.CharField(max_length=20, choices=Key.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.TextField(
        blank=True,
        max_length=SHORT_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(SHORT_TEXT_MAX_LENGTH)],
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["deal", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "key"],
                name="scorecarditem_unique_key",
                violation_error_message="This deal already has a value for this letter.",
            ),
            models.CheckConstraint(
                condition=Q(
                    key__in=[
                        "metrics",
                        "economic_buyer",
                        "decision_criteria",
                        "decision_process",
                        "paper_process",
                        "identify_pain",
                        "champion",
                        "competition",
                    ]
                ),
                name="scorecarditem_key_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["missing", "partial", "confirmed"]),
                name="scorecarditem_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "deal"], name="scorecarditem_ws_deal")]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.get_status_display().lower()} on {self.deal}"

    def clean(self) -> None:
        errors = self.check_same_workspace(deal=self.deal if self.deal_id else None)
        if errors:
            raise ValidationError(errors)
