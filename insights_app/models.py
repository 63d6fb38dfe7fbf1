"""What we learn: roadmap assumptions and their evidence, feature demand, insight snapshots."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from common.models import WorkspaceOwnedModel


class Assumption(WorkspaceOwnedModel):
    """A roadmap hypothesis tested in conversations; its status is computed from evidence."""

    class Status(models.TextChoices):
        UNTESTED = "untested", "Untested"
        VALIDATED = "validated", "Validated"
        INVALIDATED = "invalidated", "Invalidated"
        MIXED = "mixed", "Mixed"

    statement = models.TextField()
    area = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assumptions",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "area"], name="assumption_ws_area")]

    def __str__(self) -> str:
        return self.statement[:80]

    @staticmethod
    def status_for(supports: int, contradicts: int) -> str:
        """PRODUCT.md §3: the status of an assumption given its evidence counts."""
        if supports == 0 and contradicts == 0:
            return Assumption.Status.UNTESTED
        if supports >= 3 and supports >= 2 * contradicts:
            return Assumption.Status.VALIDATED
        if contradicts >= 3 and contradicts >= 2 * supports:
            return Assumption.Status.INVALIDATED
        return Assumption.Status.MIXED


class Evidence(WorkspaceOwnedModel):
    """A conversation that supports or contradicts an assumption, with the quote."""

    class Verdict(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        CONTRADICTS = "contradicts", "Contradicts"

    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="evidence")
    conversation = models.ForeignKey(
        "deals_app.Conversation", on_delete=models.CASCADE, related_name="evidence"
    )
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    quote = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=["supports", "contradicts"]), name="evidence_verdict_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "assumption"], name="evidence_ws_assumption"),
            models.Index(fields=["workspace", "conversation"], name="evidence_ws_conversation"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.assumption}"

    def clean(self) -> None:
        errors = self.check_same_workspace(
            assumption=self.assumption if self.assumption_id else None,
            conversation=self.conversation if self.conversation_id else None,
        )
        if errors:
            raise ValidationError(errors)


class FeatureRequest(WorkspaceOwnedModel):
    """Something customers ask the product to do; demand is weighed across segments."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        SHIPPED = "shipped", "Shipped"
        DECLINED = "declined", "Declined"

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "title"],
                name="featurerequest_unique_title",
                violation_error_message="A feature request with this title exists already.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "planned", "in_progress", "shipped", "declined"]),
                name="featurerequest_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "status"], name="featurerequest_ws_status")]

    def __str__(self) -> str:
        return self.title


class FeatureMention(WorkspaceOwnedModel):
    """One account asking for a feature, optionally in a deal or a conversation."""

    class Importance(models.TextChoices):
        NICE_TO_HAVE = "nice_to_have", "Nice to have"
        IMPORTANT = "important", "Important"
        CRITICAL = "critical", "Critical"
        DEAL_BLOCKER = "deal_blocker", "Deal blocker"

    feature = models.ForeignKey(FeatureRequest, on_delete=models.CASCADE, related_name="mentions")
    account = models.ForeignKey(
        "accounts_app.Account", on_delete=models.CASCADE, related_name="feature_mentions"
    )
    deal = models.ForeignKey(
        "deals_app.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feature_mentions",
    )
    conversation = models.ForeignKey(
        "deals_app.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feature_mentions",
    )
    importance = models.CharField(
        max_length=14, choices=Importance.choices, default=Importance.IMPORTANT
    )
    quote = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    importance__in=["nice_to_have", "important", "critical", "deal_blocker"]
                ),
                name="featuremention_importance_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "feature"], name="featuremention_ws_feature"),
            models.Index(fields=["workspace", "account"], name="featuremention_ws_account"),
            models.Index(fields=["workspace", "deal"], name="featuremention_ws_deal"),
        ]

    def __str__(self) -> str:
        return f"{self.account} wants {self.feature}"

    def clean(self) -> None:
        errors = self.check_same_workspace(
            feature=self.feature if self.feature_id else None,
            account=self.account if self.account_id else None,
            deal=self.deal if self.deal_id else None,
            conversation=self.conversation if self.conversation_id else None,
        )
        if self.account_id and self.deal is not None and self.deal.account_id != self.account_id:
            errors.setdefault("deal", "This deal belongs to another account.")
        if (
            self.account_id
            and self.conversation is not None
            and self.conversation.account_id != self.account_id
        ):
            errors.setdefault("conversation", "This conversation was with another account.")
        if errors:
            raise ValidationError(errors)


class InsightSnapshot(WorkspaceOwnedModel):
    """One computed result of PRODUCT.md §4 for a workspace, dimension and family of metrics.

    A recompute writes every row of a new ``version`` and then publishes that version on the
    workspace's InsightState in the same transaction, so readers never see a mix. ``kind`` is
    ``segments``, ``features``, ``assumptions`` or ``trend``; ``dimension`` is an account
    dimension (``industry``…) or ``segment:<id>`` for a saved segment.
    """

    class Kind(models.TextChoices):
        SEGMENTS = "segments", "Segment metrics"
        FEATURES = "features", "Feature demand"
        ASSUMPTIONS = "assumptions", "Assumption support"
        TREND = "trend", "Quarterly trend"

    version = models.PositiveIntegerField()
    dimension = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, default="segments")
    payload = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    data_version = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-version", "dimension", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "version", "dimension", "kind"], name="snapshot_unique_part"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id} v{self.version} {self.kind}:{self.dimension}"


class InsightState(WorkspaceOwnedModel):
    """Per workspace: which snapshot version is published and whether data changed since.

    ``data_version`` is bumped after every committed data change; ``published_data_version`` is
    the data version the published snapshot reflects, so ``stale`` is the first being larger.
    ``last_version`` hands out snapshot versions; ``lease_until`` keeps two scheduled
    recomputes of one workspace from running at once.
    """

    published_version = models.PositiveIntegerField(default=0)
    data_version = models.PositiveBigIntegerField(
        default=0, help_text="Bumped on every data change; compared with snapshots for staleness."
    )
    dirty = models.BooleanField(default=False)
    computed_at = models.DateTimeField(null=True, blank=True)
    published_data_version = models.PositiveBigIntegerField(
        default=0, help_text="The data_version the published snapshot reflects."
    )
    last_version = models.PositiveIntegerField(
        default=0, help_text="The highest snapshot version handed out to a recompute."
    )
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="A scheduled recompute holds the workspace until then."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="insightstate_one_per_workspace"),
            models.CheckConstraint(
                condition=Q(published_version__lte=models.F("last_version")),
                name="insightstate_published_version_handed_out",
            ),
        ]
        indexes = [models.Index(fields=["dirty"], name="insightstate_dirty")]

    def __str__(self) -> str:
        return f"Insights of workspace {self.workspace_id}: v{self.published_version}"

    @property
    def stale(self) -> bool:
        return self.data_version > self.published_data_version


class InsightTask(WorkspaceOwnedModel):
    """A requested background recompute and how far it got; answers ``tasks/<id>/``.

    The id is the Celery task id, so a redelivered task updates the same row.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        INSIGHTS_RECOMPUTE = "insights_recompute", "Insights recompute"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.INSIGHTS_RECOMPUTE)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    message = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="insighttask_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "succeeded", "failed"]),
                name="insighttask_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="insighttask_ws_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id} ({self.state})"
