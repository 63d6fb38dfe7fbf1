"""Who hears a deal event (PRODUCT.md §12): event types, my deals or all, a minimum amount,
a saved segment; written as services write events, fanned out by the outbox sweep."""

from decimal import Decimal

import pytest

from accounts_app.models import Membership
from alerts_app.models import AlertPreference, Channel, Notification, Subscription
from events_app.models import EventType
from tests.factories import (
    AccountFactory,
    DealFactory,
    MembershipFactory,
    SegmentFactory,
    UserFactory,
)

from .support import deal_event, other_event

pytestmark = pytest.mark.django_db


def _member(workspace, name, role=Membership.Role.SALES, **subscription):
    """A member whose only subscription is the one given (in the app)."""
    user = UserFactory.create(username=name)
    MembershipFactory.create(user=user, workspace=workspace, role=role)
    AlertPreference.objects.create(workspace=workspace, user=user)  # no role defaults
    if subscription:
        Subscription.objects.create(
            workspace=workspace, user=user, channel=Channel.IN_APP, **subscription
        )
    return user


def _heard(event) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("user__username", flat=True))


def test_mine_all_amount_and_segment(workspace):
    fintech = AccountFactory.create(workspace=workspace, industry="Fintech")
    retail = AccountFactory.create(workspace=workspace, industry="Retail")
    segment = SegmentFactory.create(
        workspace=workspace, name="Fintech", filters={"industry": "Fintech"}
    )
    owner = _member(workspace, "owner", event_types=["deal.risk_raised"], scope="mine")
    _member(workspace, "everyone", event_types=["deal.risk_raised"], scope="all")
    _member(workspace, "big", event_types=["deal.risk_raised"], min_amount=Decimal("100000"))
    _member(workspace, "fin", event_types=["deal.risk_raised"], segment=segment)
    _member(workspace, "wins", event_types=["deal.won"])
    _member(workspace, "off", event_types=["deal.risk_raised"], enabled=False)

    small_fintech = DealFactory.create(account=fintech, owner=owner)
    big_retail = DealFactory.create(account=retail, owner=None)
    assert _heard(deal_event(workspace, small_fintech, amount="5000")) == {
        "owner",
        "everyone",
        "fin",
    }
    assert _heard(deal_event(workspace, big_retail, amount="250000")) == {"everyone", "big"}
    # An unknown amount never passes a minimum.
    assert _heard(deal_event(workspace, big_retail, amount=None)) == {"everyone"}
    assert _heard(deal_event(workspace, big_retail, type=EventType.DEAL_WON)) == {"wins"}


def test_events_not_about_a_deal_pass_the_deal_filters(workspace):
    _member(
        workspace, "mine-only", event_types=["import.finished"], scope="mine", min_amount=Decimal(1)
    )
    assert _heard(other_event(workspace)) == {"mine-only"}


def test_role_defaults_reach_a_member_who_never_opened_the_settings(workspace):
    sales = UserFactory.create(username="sally")
    MembershipFactory.create(user=sales, workspace=workspace, role=Membership.Role.SALES)
    pm = UserFactory.create(username="pat")
    MembershipFactory.create(user=pm, workspace=workspace, role=Membership.Role.PM)
    deal = DealFactory.create(account__workspace=workspace, owner=sales)
    assert _heard(deal_event(workspace, deal)) == {"sally"}
    other = DealFactory.create(account__workspace=workspace, owner=None)
    assert _heard(deal_event(workspace, other)) == set()  # sales: their deals only
