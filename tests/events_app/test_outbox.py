"""The outbox (PRODUCT.md §12): events are handed on after commit, once each, and wait when
the broker is down until the sweep sends them."""

import pytest
from kombu.exceptions import OperationalError

from alerts_app.models import Notification, Subscription
from alerts_app.services.fanout import event_fanout
from deals_app.services import deal_role_delete
from events_app import tasks as event_tasks
from events_app.models import Event
from events_app.services import events_dispatch_pending
from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    DealRoleFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_deal(workspace):
    owner = UserFactory.create(username="sam")
    MembershipFactory.create(user=owner, workspace=workspace, role="sales")
    account = AccountFactory.create(workspace=workspace)
    deal = DealFactory.create(workspace=workspace, account=account, owner=owner, stage="proposal")
    champion = ContactFactory.create(workspace=workspace, account=account)
    role = DealRoleFactory.create(workspace=workspace, deal=deal, contact=champion, role="champion")
    return owner, deal, role


def test_after_commit_the_owner_hears_of_a_lost_champion(
    workspace, sales_deal, django_capture_on_commit_callbacks
):
    owner, deal, role = sales_deal
    with django_capture_on_commit_callbacks(execute=True):
        deal_role_delete(workspace=workspace, deal_role=role)
    raised = Event.objects.get(type="deal.risk_raised", data__code="no_champion")
    assert raised.dispatched_at is not None
    notification = Notification.objects.get(user=owner, event=raised)
    assert notification.read_at is None
    # The owner's role defaults were given on the way (sales: risks on my deals).
    assert Subscription.objects.filter(user=owner, channel="in_app").exists()


def test_another_sales_lead_does_not_hear_of_a_deal_that_is_not_theirs(
    workspace, sales_deal, django_capture_on_commit_callbacks
):
    _owner, _deal, role = sales_deal
    colleague = UserFactory.create()
    MembershipFactory.create(user=colleague, workspace=workspace, role="sales")
    with django_capture_on_commit_callbacks(execute=True):
        deal_role_delete(workspace=workspace, deal_role=role)
    assert not Notification.objects.filter(user=colleague).exists()


def test_a_fanout_run_twice_notifies_once(workspace, sales_deal):
    owner, _deal, role = sales_deal
    deal_role_delete(workspace=workspace, deal_role=role)
    event = Event.objects.get(type="deal.risk_raised", data__code="no_champion")
    event_fanout(event)
    event_fanout(event)
    assert Notification.objects.filter(user=owner, event=event).count() == 1


def test_with_the_broker_down_events_wait_and_the_sweep_sends_them(
    workspace, sales_deal, monkeypatch, django_capture_on_commit_callbacks
):
    owner, _deal, role = sales_deal

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(event_tasks.events_dispatch, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        deal_role_delete(workspace=workspace, deal_role=role)  # the write still succeeds
    assert Event.objects.filter(dispatched_at=None).count() >= 1
    assert not Notification.objects.filter(user=owner).exists()

    monkeypatch.undo()
    sent = events_dispatch_pending()
    assert sent >= 1
    assert Event.objects.filter(dispatched_at=None).count() == 0
    assert Notification.objects.filter(user=owner).count() == 1
    assert events_dispatch_pending() == 0  # nothing is handed on twice


def test_members_of_another_workspace_never_hear(
    workspace, other_workspace, sales_deal, django_capture_on_commit_callbacks
):
    _owner, _deal, role = sales_deal
    outsider = UserFactory.create()
    MembershipFactory.create(user=outsider, workspace=other_workspace, role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        deal_role_delete(workspace=workspace, deal_role=role)
    assert not Notification.objects.filter(user=outsider).exists()
    assert not Notification.objects.filter(workspace=other_workspace).exists()


def test_nobody_is_told_about_their_own_change(workspace, sales_deal):
    owner, _deal, role = sales_deal
    deal_role_delete(workspace=workspace, deal_role=role)
    event = Event.objects.get(type="deal.risk_raised", data__code="no_champion")
    event.actor = owner  # the owner removed the champion themselves
    event.save(update_fields=["actor"])
    event_fanout(event)
    assert not Notification.objects.filter(user=owner).exists()
