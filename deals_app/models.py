"""What happens with customers: deals, the people on them, business cases and conversations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from common.models import WorkspaceOwnedModel


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


class Deal(WorkspaceOwnedModel):
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
    loss_notes = models.TextField(blank=True)
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


class DealRole(WorkspaceOwnedModel):
    """A contact's part in one deal: one row of the deal's persona map."""

    class Role(models.TextChoices):
        ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
        DECISION_MAKER = "decision_maker", "Decision maker"
        CHAMPION = "champion", "Champion"
        USER = "user", "User"
        TECHNICAL_EVALUATOR = "technical_evaluator", "Technical evaluator"
        EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
        INFLUENCER = "influencer", "Influencer"
        BLOCKER = "blocker", "Blocker"
        LEGAL_PROCUREMENT = "legal_procurement", "Legal / procurement"
        OTHER = "other", "Other"

    class Stance(models.TextChoices):
        SUPPORTER = "supporter", "Supporter"
        NEUTRAL = "neutral", "Neutral"
        OPPONENT = "opponent", "Opponent"

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="roles")
    contact = models.ForeignKey(
        "personas_app.Contact", on_delete=models.CASCADE, related_name="deal_roles"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    is_primary = models.BooleanField(default=False)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.NEUTRAL)
    last_engaged_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["deal", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "contact", "role"],
                name="dealrole_unique_contact_role",
                violation_error_message="This contact already has this role in the deal.",
            ),
            # One primary contact per deal at most (a contact may hold several roles).
            models.UniqueConstraint(
                fields=["deal"],
                condition=Q(is_primary=True),
                name="dealrole_one_primary_per_deal",
                violation_error_message="This deal already has a primary contact.",
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "economic_buyer",
                        "decision_maker",
                        "champion",
                        "user",
                        "technical_evaluator",
                        "executive_sponsor",
                        "influencer",
                        "blocker",
                        "legal_procurement",
                        "other",
                    ]
                ),
                name="dealrole_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=["supporter", "neutral", "opponent"]),
                name="dealrole_stance_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "deal", "role"], name="dealrole_ws_deal_role"),
            models.Index(fields=["workspace", "contact"], name="dealrole_ws_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} – {self.get_role_display()} on {self.deal}"

    def clean(self) -> None:
        errors = self.check_same_workspace(
            deal=self.deal if self.deal_id else None,
            contact=self.contact if self.contact_id else None,
        )
        # The primary role marks the one person the deal is run through.
        if self.is_primary and self.deal_id:
            others = DealRole.objects.filter(deal_id=self.deal_id, is_primary=True)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                errors["is_primary"] = "This deal already has a primary contact."
        if errors:
            raise ValidationError(errors)

    @property
    def is_external(self) -> bool:
        """A contact from another account (a partner, a consultant) on this deal."""
        return self.contact.account_id != self.deal.account_id


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
    description = models.TextField(blank=True)
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
    notes = models.TextField(blank=True, help_text="Plain text or Markdown.")
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
        if self.account_id and self.deal is not None and self.deal.account_id != self.account_id:
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
    note = models.TextField(blank=True)
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
