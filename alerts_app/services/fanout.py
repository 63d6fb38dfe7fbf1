"""Events → notifications and deliveries (PRODUCT.md §12).

Called by events_app's outbox sweep, once per event, inside the transaction that marks the
event dispatched. Every row it writes is unique per (member or subscription or endpoint, event)
and written with ``ignore_conflicts``, so a sweep run twice for one event (a worker killed
after writing, before marking) creates nothing twice. The sending happens in tasks queued
after commit; a page or an API call never waits for it.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from accounts_app.models import Membership
from accounts_app.selectors import segment_accounts
from events_app.models import DEAL_EVENT_TYPES, Event

from ..models import (
    Channel,
    ChannelDelivery,
    DealScope,
    DeliveryState,
    Notification,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from .subscriptions import subscription_defaults_ensure


def _amount(value) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def subscription_matches(subscription: Subscription, event: Event, *, in_segment) -> bool:
    """Whether a subscription hears this event: its type, and for a deal event the filters."""
    if event.type not in subscription.event_types:
        return False
    if event.type not in DEAL_EVENT_TYPES:
        return True
    data = event.data
    if subscription.scope == DealScope.MINE and data.get("owner_id") != subscription.user_id:
        return False
    if subscription.min_amount is not None:
        amount = _amount(data.get("amount"))
        if amount is None or amount < subscription.min_amount:
            return False
    return subscription.segment_id is None or in_segment(subscription.segment_id)


def event_fanout(event: Event) -> None:
    """Write the notifications and deliveries of one event and queue the sending."""
    subscription_defaults_ensure(workspace=event.workspace_id)
    members = Membership.objects.filter(workspace_id=event.workspace_id).values("user_id")
    subscriptions = list(
        Subscription.objects.filter(
            workspace_id=event.workspace_id, enabled=True, user_id__in=members
        ).select_related("segment")
    )
    account_id = event.data.get("account_id")
    segment_hits: dict[int, bool] = {}

    def in_segment(segment_id: int) -> bool:
        if segment_id not in segment_hits:
            segment = next(s.segment for s in subscriptions if s.segment_id == segment_id)
            segment_hits[segment_id] = (
                account_id is not None
                and segment is not None
                and segment_accounts(segment=segment).filter(pk=account_id).exists()
            )
        return segment_hits[segment_id]

    # Nobody is told about their own change (as in Linear or GitHub); webhooks hear everything.
    matching = [
        s
        for s in subscriptions
        if s.user_id != event.actor_id and subscription_matches(s, event, in_segment=in_segment)
    ]
    in_app_users = {s.user_id for s in matching if s.channel == Channel.IN_APP}
    Notification.objects.bulk_create(
        [
            Notification(workspace_id=event.workspace_id, user_id=user_id, event=event)
            for user_id in sorted(in_app_users)
        ],
        ignore_conflicts=True,
    )
    ChannelDelivery.objects.bulk_create(
        [
            ChannelDelivery(
                workspace_id=event.workspace_id, subscription=s, event=event, channel=s.channel
            )
            for s in matching
            if s.channel != Channel.IN_APP
        ],
        ignore_conflicts=True,
    )
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            workspace_id=event.workspace_id, enabled=True
        )
        if endpoint.takes(event.type)
    ]
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(workspace_id=event.workspace_id, endpoint=endpoint, event=event)
            for endpoint in endpoints
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: deliveries_kick(event_id=event.pk), robust=True)


def deliveries_kick(*, event_id: int) -> None:
    """Queue the sending of an event's e-mails now, Slack messages and webhook deliveries.

    With the broker down nothing is lost: the rows stay pending and the beat sweeps
    (``alerts-deliveries-due``) send them.
    """
    from common.taskqueue import BROKER_ERRORS, PUBLISH_RETRY

    from ..tasks import channel_deliver, webhook_deliver

    channel_ids = ChannelDelivery.objects.filter(
        event_id=event_id,
        channel__in=[Channel.EMAIL, Channel.SLACK],
        state=DeliveryState.PENDING,
    ).values_list("pk", flat=True)
    webhook_ids = WebhookDelivery.objects.filter(
        event_id=event_id, state=DeliveryState.PENDING
    ).values_list("pk", flat=True)
    try:
        for pk in channel_ids:
            channel_deliver.apply_async((pk,), retry_policy=PUBLISH_RETRY)
        for pk in webhook_ids:
            webhook_deliver.apply_async((pk,), retry_policy=PUBLISH_RETRY)
    except BROKER_ERRORS:
        pass  # the beat sweep sends what is still pending
