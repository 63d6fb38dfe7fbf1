"""Deals: the stages an opportunity moves through, why one is lost, and the deal itself."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from common.limits import TEXT_MAX_LENGTH
from common.models import CrmRecordMixin, WorkspaceOwnedModel


class Stage(models.TextChoices):
    PROSPECTING = "prospecting", "Prospecting"
    DISCOVERY = "discovery", "Discovery"
    EVALUATION = "evaluation", "Evaluation"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    CLOSED_WON = "closed_won", "Closed won"
    CLOSED_LOST = "closed_lost", "Closed lost"


CLOSED_STAGES = (Stage.CLOSED_WON, Stage.CLOSED_LOST)
OPEN_STAGES = tuple(s for s in Stage if s not in CLOSED_STAGES)


class LossReason(models.TextChoices):
    PRICE = "price", "Price"
    MISSING_FEATURE = "missing_feature", "Missing feature"
    COMPETITOR = "competitor", "Competitor"
    NO_DECISION = "no_decision", "No decision"
    TIMING = "timing", "Timing"
    CHAMPION_LEFT = "champion_left", "Champion left"
    SECURITY_COMPLIANCE = "security_compliance", "Security / compliance"
    OTHER = "other", "Other"


class Deal(CrmRecordMixin, WorkspaceOwnedModel):  # type: ignore[misc]  # objects: CrmLiveManager
    """An opportunity with one account, moving through stages to won or lost."""

    Stage = Stage
    LossReason = LossReason

    account = models.ForeignKey(
        "accounts_app.Account", on_delete=models.CASCADE, related_name="deals"
    )
    name = models.CharField(max_length=255)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PROSPECTING)
    amount = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="In workspace currency; leave empty when unknown.",
    )
    created_on = models.DateField(null=True, blank=True, help_text="The date the deal was opened.")
    close_date = models.DateField(
        null=True, blank=True, help_text="Expected close date; the actual one once closed."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_deals",
    )
    loss_reason = models.CharField(max_length=30, choices=LossReason.choices, blank=True)
    loss_notes = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    competitor = models.CharField(max_length=200, blank=True)
    cost_of_sale = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    external_id = models.CharField(max_length=100, blank=True)
    # Who changed what and when (django-simple-history; deals_app/history.py reads it).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="deal_amount_non_negative",
                violation_error_message="Amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(cost_of_sale__isnull=True) | Q(cost_of_sale__gte=0),
                name="deal_cost_of_sale_non_negative",
                violation_error_message="Cost of sale cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(created_on__isnull=True)
                | Q(close_date__isnull=True)
                | Q(close_date__gte=F("created_on")),
                name="deal_close_not_before_created",
                violation_error_message="Close date cannot be before the date the deal was opened.",
            ),
            models.CheckConstraint(
                condition=Q(loss_reason="") | Q(stage="closed_lost"),
                name="deal_loss_reason_only_when_lost",
                violation_error_message="Only a closed lost deal can have a loss reason.",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="deal_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(loss_reason__in=["", *(r.value for r in LossReason)]),
                name="deal_loss_reason_valid",
            ),
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=~Q(external_id=""),
                name="deal_external_id_unique_per_workspace",
                violation_error_message="Another deal in this workspace has this external id.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "stage"], name="deal_ws_stage"),
            models.Index(fields=["workspace", "account"], name="deal_ws_account"),
            models.Index(fields=["workspace", "close_date"], name="deal_ws_close_date"),
            models.Index(fields=["workspace", "owner", "stage"], name="deal_ws_owner_stage"),
            models.Index(fields=["workspace", "-created_on", "-id"], name="deal_ws_created"),
            # The pipeline's default list: open deals by close date (closed deals, most of a
            # workspace and all in the past, are not walked past to reach them).
            models.Index(
                fields=["workspace", "close_date", "name", "id"],
                condition=Q(stage__in=OPEN_STAGES),
                name="deal_ws_open_close",
            ),
            # The deals a CRM sync marked deleted, alone: an unfiltered list's kept count
            # subtracts them (common.counting), and the purge finds them, without a scan.
            models.Index(
                fields=["workspace"],
                condition=Q(crm_deleted_at__isnull=False),
                name="deal_ws_crm_deleted",
            ),
            # The risk board's order (amount DESC NULLS LAST, close_date, id) has an index on
            # PostgreSQL only, deal_ws_amount_desc (migration 0006): SQLite refuses NULLS LAST.
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @property
    def is_open(self) -> bool:
        return not self.is_closed

    def clean(self) -> None:
        errors = self.check_same_workspace(account=self.account if self.account_id else None)
        if self.loss_reason and self.stage != Stage.CLOSED_LOST:
            errors["loss_reason"] = "Only a closed lost deal can have a loss reason."
        if self.created_on and self.close_date and self.close_date < self.created_on:
            errors["close_date"] = "Close date cannot be before the date the deal was opened."
        if errors:
            raise ValidationError(errors)
