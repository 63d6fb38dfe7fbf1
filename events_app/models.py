"""The event outbox (PRODUCT.md §12): what changed, written in the transaction of the change.

An event row exists exactly when its change committed: the services that change deals, roles,
conversations, assumptions and the rest write it beside the change, never a signal after it.
``dispatched_at`` is the outbox flag: empty until the fan-out (alerts_app) has turned the event
into notifications and deliveries, so an event written while Redis was down still goes out.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.models import WorkspaceOwnedModel


class EventType(models.TextChoices):
    DEAL_CREATED = "deal.created", "Deal created"
    DEAL_STAGE_CHANGED = "deal.stage_changed", "Deal stage changed"
    DEAL_WON = "deal.won", "Deal won"
    DEAL_LOST = "deal.lost", "Deal lost"
    DEAL_RISK_RAISED = "deal.risk_raised", "Deal risk raised"
    DEAL_RISK_CLEARED = "deal.risk_cleared", "Deal risk cleared"
    CONVERSATION_LOGGED = "conversation.logged", "Conversation logged"
    ASSUMPTION_STATUS_CHANGED = "assumption.status_changed", "Assumption status changed"
    FEATURE_REQUEST_CREATED = "feature_request.created", "Feature request created"
    IMPORT_FINISHED = "import.finished", "Import finished"
    SYNC_FAILED = "sync.failed", "CRM sync failed"
    SURVEY_ANSWERED = "survey.answered", "Survey answered"
    SEGMENT_SHIFTED = "segment.shifted", "Segment shifted"


# Events about one deal: subscription filters (mine, amount, segment) read their data.
DEAL_EVENT_TYPES = frozenset(
    {
        EventType.DEAL_CREATED,
        EventType.DEAL_STAGE_CHANGED,
        EventType.DEAL_WON,
        EventType.DEAL_LOST,
        EventType.DEAL_RISK_RAISED,
        EventType.DEAL_RISK_CLEARED,
    }
)


class Event(WorkspaceOwnedModel):
    """One change people may want to hear about, as PRODUCT.md §12 shapes it.

    ``data`` carries what deliveries and filters need without reading the changed row again
    (a deal's name, owner id, amount and account id; a risk's code and message), so a
    notification still reads right after the deal changed again or was deleted.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    object_url = models.CharField(max_length=300, blank=True)
    summary = models.CharField(max_length=300, help_text="One line a person reads.")
    data = models.JSONField(default=dict, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "type", "occurred_at"], name="event_ws_type_time"),
            # The outbox sweep reads only the few rows not yet fanned out.
            models.Index(fields=["id"], condition=Q(dispatched_at=None), name="event_undispatched"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=EventType.values), name="event_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.summary}"

    @property
    def public_id(self) -> str:
        """The id receivers see (the Standard Webhooks ``webhook-id`` too)."""
        return f"evt_{self.uid.hex}"
