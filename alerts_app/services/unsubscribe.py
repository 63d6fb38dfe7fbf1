"""One-click unsubscribe (RFC 8058): a signed link names a member and their subscriptions;
following it turns those subscriptions off. The signature is the authorisation, so the link
works without signing in, and only for the member it was made for."""

from django.db import transaction

from ..models import ChannelDelivery, DeliveryState, Subscription
from . import wording


def unsubscribe_subscriptions(*, token: str) -> list[Subscription] | None:
    """The subscriptions a link names, or None for a link this server did not sign (or one
    whose subscriptions are gone). A subscription of another member is never included."""
    read = wording.unsubscribe_read(token)
    if read is None:
        return None
    user_id, ids = read
    subscriptions = list(
        Subscription.objects.filter(pk__in=ids, user_id=user_id).select_related(
            "workspace", "segment", "user"
        )
    )
    return subscriptions or None


@transaction.atomic
def subscriptions_unsubscribe(*, subscriptions: list[Subscription]) -> int:
    """Turn the subscriptions off and drop what they still had waiting (e-mails not yet sent,
    digest lines); returns how many were on. Running it twice changes nothing."""
    ids = [s.pk for s in subscriptions]
    turned_off = Subscription.objects.filter(pk__in=ids, enabled=True).update(enabled=False)
    ChannelDelivery.objects.filter(
        subscription_id__in=ids, state__in=[DeliveryState.PENDING, DeliveryState.RETRYING]
    ).update(state=DeliveryState.SKIPPED, next_attempt_at=None, last_error="Unsubscribed.")
    for subscription in subscriptions:
        subscription.enabled = False
    return turned_off
