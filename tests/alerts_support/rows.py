"""Subscriptions, events and deliveries for the alert tests, without factories.py (shared)."""

from django.db import transaction

from accounts_app.models import Membership
from alerts_app.models import AlertPreference, Channel, ChannelDelivery, Subscription
from events_app.models import EventType
from events_app.services import event_record, events_dispatch_pending
from tests.factories import DealFactory, MembershipFactory, UserFactory


def member_with(workspace, *, role=Membership.Role.SALES, username=None, email=None, **pref):
    """A member with alert settings (so no role defaults are added) and nothing subscribed."""
    kwargs = {"username": username} if username else {}
    user = UserFactory.create(**kwargs)
    if email is not None:
        user.email = email
        user.save(update_fields=["email"])
    MembershipFactory.create(user=user, workspace=workspace, role=role)
    AlertPreference.objects.create(workspace=workspace, user=user, **pref)
    return user


def subscribe(user, workspace, *, types, channel=Channel.EMAIL, **fields):
    return Subscription.objects.create(
        workspace=workspace, user=user, event_types=list(types), channel=channel, **fields
    )


def deal_event(workspace, *, type=EventType.DEAL_RISK_RAISED, deal=None, summary=None, **data):
    """An event about a deal, recorded as a service would, then fanned out (no sending: the
    tests' transaction never commits, so the kick after commit does not run)."""
    deal = deal or DealFactory.create(account__workspace=workspace, account__name="Umbrella")
    payload = {
        "deal": deal.name,
        "deal_id": deal.pk,
        "account": deal.account.name if deal.account_id else "",
        "account_id": deal.account_id,
        "owner_id": deal.owner_id,
        "amount": str(deal.amount) if deal.amount is not None else None,
        "stage": deal.stage,
        **data,
    }
    with transaction.atomic():
        event = event_record(
            workspace=workspace,
            type=type,
            object_type="deal",
            object_id=deal.pk,
            object_url=f"/deals/{deal.pk}/",
            summary=summary or f"New risk on {deal.name}: no champion",
            data=payload,
        )
    events_dispatch_pending()
    return event


def other_event(workspace, *, type, summary, object_type="segment", object_url="", **data):
    with transaction.atomic():
        event = event_record(
            workspace=workspace,
            type=type,
            object_type=object_type,
            object_url=object_url,
            summary=summary,
            data=data,
        )
    events_dispatch_pending()
    return event


def deliveries(subscription):
    return list(ChannelDelivery.objects.filter(subscription=subscription).order_by("id"))
