"""Reads of the outbound webhooks: an admin's endpoints and their delivery log."""

from django.db.models import OuterRef, QuerySet, Subquery

from accounts_app.models import Workspace

from ..models import WebhookDelivery, WebhookEndpoint


def webhook_endpoint_list(*, workspace: Workspace) -> QuerySet[WebhookEndpoint]:
    """The workspace's endpoints, oldest first, each with its last delivery's state and time
    (two subqueries, so the list costs one query however many endpoints there are)."""
    last = WebhookDelivery.objects.filter(endpoint=OuterRef("pk")).order_by("-id")
    return (
        WebhookEndpoint.objects.filter(workspace=workspace)
        .annotate(
            last_delivery_state=Subquery(last.values("state")[:1]),
            last_delivery_at=Subquery(last.values("last_attempt_at")[:1]),
        )
        .order_by("id")
    )


def webhook_endpoint_get(*, workspace: Workspace, pk) -> WebhookEndpoint:
    """One endpoint of the workspace (DoesNotExist for another workspace's)."""
    return webhook_endpoint_list(workspace=workspace).get(pk=pk)


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's delivery log, newest first, with each event's id, type and summary."""
    return (
        WebhookDelivery.objects.filter(workspace_id=endpoint.workspace_id, endpoint=endpoint)
        .select_related("event")
        .order_by("-id")
    )


def webhook_delivery_get(*, endpoint: WebhookEndpoint, pk) -> WebhookDelivery:
    """One delivery of the endpoint (DoesNotExist for any other's)."""
    return webhook_delivery_list(endpoint=endpoint).get(pk=pk)
