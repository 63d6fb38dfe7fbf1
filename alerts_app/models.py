"""Who hears about which events, and how each hearing went (PRODUCT.md §12).

- ``AlertPreference``: a member's digest hour and weekday, and whether their subscriptions are
  still the role defaults (created the first time an event or a page needs them).
- ``Subscription``: event types × deal filter × channel (in-app, e-mail now, digest, Slack).
- ``Notification``: one in-app line per member and event (the bell).
- ``ChannelDelivery``: one e-mail, digest line or Slack message per subscription and event;
  unique per pair, so a fan-out run twice sends nothing twice.
- ``WebhookEndpoint`` / ``WebhookDelivery``: an admin's signed outbound webhooks and their log.
- ``WorkspaceAlertSettings``: the workspace's Slack incoming-webhook URL.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel, WorkspaceOwnedModel
from events_app.models import EventType


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "E-mail now"
    DIGEST = "digest", "E-mail digest"
    SLACK = "slack", "Slack"


class DealScope(models.TextChoices):
    MINE = "mine", "My deals"
    ALL = "all", "All deals"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class AlertPreference(WorkspaceOwnedModel):
    """A member's alert settings in one workspace."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences"
    )
    digest_hour = models.PositiveSmallIntegerField(
        default=8,
        validators=[MaxValueValidator(23)],
        help_text="Hour of the day (workspace time) the digest is sent.",
    )
    digest_weekday = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(6)],
        help_text="Day a weekly digest is sent: 0 is Monday.",
    )
    last_daily_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_weekly_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="alert_pref_unique_member"),
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="alert_pref_hour_valid"),
            models.CheckConstraint(
                condition=Q(digest_weekday__lte=6), name="alert_pref_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Alert settings of {self.user} in {self.workspace}"


class Subscription(WorkspaceOwnedModel):
    """What one member hears about through one channel, and for which deals.

    The deal filters (``scope``, ``min_amount``, ``segment``) apply to events about a deal;
    other events (an import, an assumption) pass them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    event_types = models.JSONField(default=list, help_text="Event types (PRODUCT.md §12).")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IN_APP)
    scope = models.CharField(max_length=10, choices=DealScope.choices, default=DealScope.ALL)
    min_amount = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Only deals of at least this amount.",
    )
    segment = models.ForeignKey(
        "accounts_app.Segment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Only deals of accounts in this saved segment.",
    )
    digest_frequency = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.DAILY
    )
    # Fernet token of a Slack incoming-webhook URL for this subscription alone (else the
    # workspace's); never shown again once saved.
    slack_url_encrypted = models.TextField(blank=True, editable=False)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workspace", "enabled"], name="alert_sub_ws_enabled")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="alert_sub_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(scope__in=DealScope.values), name="alert_sub_scope_valid"
            ),
            models.CheckConstraint(
                condition=Q(min_amount=None) | Q(min_amount__gte=0),
                name="alert_sub_min_amount_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.event_types)} via {self.get_channel_display()}"


class Notification(WorkspaceOwnedModel):
    """One line in a member's bell: an event, or a notice of DealLens itself (a webhook
    endpoint switched off) with its own ``message`` and ``url``; read when ``read_at`` is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(
        "events_app.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["workspace", "user"],
                condition=Q(read_at=None),
                name="notification_unread",
            ),
            models.Index(fields=["workspace", "user", "-id"], name="notification_list"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_unique_event"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: event {self.event_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class ChannelDelivery(WorkspaceOwnedModel):
    """One event for one e-mail, digest or Slack subscription; unique per pair, so sending is
    idempotent by event id. Digest lines wait as ``pending`` until the member's digest."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("events_app.Event", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["channel", "state"],
                condition=Q(state__in=["pending", "retrying"]),
                name="channel_delivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="channel_delivery_unique_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} of event {self.event_id}: {self.state}"


class WebhookEndpoint(WorkspaceOwnedModel):
    """An admin's receiver: a URL, the event types it takes (none = all), a signing secret."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, blank=True)
    # Fernet token of the ``whsec_`` secret: shown once when created, never again.
    secret_encrypted = models.TextField(editable=False)
    secret_hint = models.CharField(max_length=20, blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def takes(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookDelivery(WorkspaceOwnedModel):
    """One event for one endpoint: every attempt and a replay keep the event's ``webhook-id``."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("events_app.Event", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                condition=Q(state__in=["pending", "retrying"]),
                name="webhook_delivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="webhook_delivery_unique_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} ← event {self.event_id}: {self.state}"


class WorkspaceAlertSettings(TimeStampedModel):
    """Alert settings of a whole workspace: the Slack incoming webhook its messages go to."""

    workspace = models.OneToOneField(
        "accounts_app.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    slack_url_encrypted = models.TextField(blank=True, editable=False)
    slack_url_hint = models.CharField(max_length=40, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Alert settings of {self.workspace}"


# Every event type a subscription or an endpoint may name.
EVENT_TYPE_VALUES = tuple(EventType.values)
