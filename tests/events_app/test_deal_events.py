"""Deal events (PRODUCT.md §12): written by the deal services in the transaction of the change,
never for a change that rolled back; risk events from the risk codes before and after."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from deals_app.models import Stage
from deals_app.services import (
    deal_create,
    deal_role_create,
    deal_role_delete,
    deal_role_update,
    deal_update,
)
from events_app.models import Event
from personas_app.services import advocacy_create, advocacy_delete, contact_update
from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    DealRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def types(**filters):
    return list(Event.objects.filter(**filters).order_by("id").values_list("type", flat=True))


def risk_events(deal):
    return [
        (e.type, e.data["code"])
        for e in Event.objects.filter(
            object_id=str(deal.pk), type__startswith="deal.risk"
        ).order_by("id")
    ]


@pytest.fixture
def owner(workspace):
    return UserFactory.create(username="sam")


@pytest.fixture
def covered_deal(workspace, owner):
    """An open deal with an engaged economic buyer and a champion who reports to them."""
    account = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    buyer = ContactFactory.create(workspace=workspace, account=account, last_name="Buyer")
    champion = ContactFactory.create(
        workspace=workspace, account=account, last_name="Champ", reports_to=buyer
    )
    deal = DealFactory.create(
        workspace=workspace,
        account=account,
        stage=Stage.EVALUATION,
        owner=owner,
        amount=Decimal("120000"),
        name="Charlotte platform",
    )
    today = timezone.localdate()
    DealRoleFactory.create(
        workspace=workspace, deal=deal, contact=buyer, role="economic_buyer", last_engaged_on=today
    )
    role = DealRoleFactory.create(
        workspace=workspace, deal=deal, contact=champion, role="champion", last_engaged_on=today
    )
    return deal, role, champion, buyer


def test_creating_a_deal_writes_deal_created_with_what_filters_need(workspace, owner):
    account = AccountFactory.create(workspace=workspace, name="Initech")
    deal = deal_create(
        workspace=workspace,
        account=account,
        name="Initech pilot",
        owner=owner,
        amount=Decimal("5000"),
    )
    event = Event.objects.get(type="deal.created")
    assert event.workspace_id == workspace.pk
    assert event.object_type == "deal" and event.object_id == str(deal.pk)
    assert event.object_url == f"/deals/{deal.pk}/"
    assert event.data["owner_id"] == owner.pk
    assert event.data["amount"] == "5000.00" or Decimal(event.data["amount"]) == 5000
    assert event.data["account_id"] == account.pk
    assert "Initech pilot" in event.summary
    assert event.dispatched_at is None  # waits in the outbox until after commit


def test_a_stage_change_and_winning_write_stage_changed_then_won(covered_deal, workspace):
    deal = covered_deal[0]
    deal_update(workspace=workspace, deal=deal, stage=Stage.NEGOTIATION)
    deal_update(
        workspace=workspace, deal=deal, stage=Stage.CLOSED_WON, close_date=timezone.localdate()
    )
    assert types(object_id=str(deal.pk)) == [
        "deal.stage_changed",
        "deal.stage_changed",
        "deal.won",
    ]
    moved = Event.objects.filter(type="deal.stage_changed").order_by("id").last()
    assert moved.data["from_stage"] == "negotiation" and moved.data["to_stage"] == "closed_won"
    # Closing clears every risk without a "risk cleared" per code.
    assert risk_events(deal) == []


def test_losing_names_the_reason(covered_deal, workspace):
    deal = covered_deal[0]
    deal_update(
        workspace=workspace,
        deal=deal,
        stage=Stage.CLOSED_LOST,
        loss_reason="price",
        close_date=timezone.localdate(),
    )
    lost = Event.objects.get(type="deal.lost")
    assert lost.data["loss_reason"] == "price" and "price" in lost.summary.lower()


def test_an_update_that_leaves_the_stage_writes_no_stage_event(covered_deal, workspace):
    deal = covered_deal[0]
    deal_update(workspace=workspace, deal=deal, name="Charlotte platform (EMEA)")
    assert types() == []


def test_removing_the_champion_raises_no_champion_and_adding_one_clears_it(covered_deal, workspace):
    deal, role, champion, _buyer = covered_deal
    deal_role_delete(workspace=workspace, deal_role=role)
    assert ("deal.risk_raised", "no_champion") in risk_events(deal)
    raised = Event.objects.get(type="deal.risk_raised", data__code="no_champion")
    assert raised.data["owner_id"] == deal.owner_id
    assert raised.data["message"]  # the sentence a person acts on
    assert "Charlotte platform" in raised.summary

    deal_role_create(
        workspace=workspace,
        deal=deal,
        contact=champion,
        role="champion",
        last_engaged_on=timezone.localdate(),
    )
    assert ("deal.risk_cleared", "no_champion") in risk_events(deal)


def test_one_event_per_code(covered_deal, workspace):
    deal, role, _champion, _buyer = covered_deal
    deal_role_delete(workspace=workspace, deal_role=role)
    codes = [code for kind, code in risk_events(deal) if kind == "deal.risk_raised"]
    assert sorted(codes) == sorted(set(codes))
    assert {"no_champion", "single_threaded"} <= set(codes)


def test_a_change_that_moves_no_risk_writes_none(covered_deal, workspace):
    deal, role, _champion, _buyer = covered_deal
    deal_role_update(workspace=workspace, deal_role=role, is_primary=True)
    assert risk_events(deal) == []


def test_the_champion_leaving_the_company_raises_champion_left(covered_deal, workspace):
    deal, _role, champion, _buyer = covered_deal
    contact_update(workspace=workspace, contact=champion, has_left=True)
    assert ("deal.risk_raised", "champion_left") in risk_events(deal)
    contact_update(workspace=workspace, contact=champion, has_left=False)
    assert ("deal.risk_cleared", "champion_left") in risk_events(deal)


def test_cutting_the_path_to_the_buyer_raises_no_path_and_an_advocate_restores_it(
    covered_deal, workspace
):
    deal, _role, champion, buyer = covered_deal
    contact_update(workspace=workspace, contact=champion, reports_to=None)
    assert ("deal.risk_raised", "no_path_to_buyer") in risk_events(deal)
    edge = advocacy_create(workspace=workspace, advocate=champion, audience=buyer)
    assert ("deal.risk_cleared", "no_path_to_buyer") in risk_events(deal)
    advocacy_delete(workspace=workspace, advocacy=edge)
    assert risk_events(deal).count(("deal.risk_raised", "no_path_to_buyer")) == 2


def test_a_rolled_back_change_writes_no_event(covered_deal, workspace):
    deal, role, _champion, _buyer = covered_deal
    with pytest.raises(RuntimeError), transaction.atomic():
        deal_role_delete(workspace=workspace, deal_role=role)
        deal_update(workspace=workspace, deal=deal, stage=Stage.PROPOSAL)
        assert Event.objects.count() >= 2  # written inside the transaction…
        raise RuntimeError("the request failed after the writes")
    assert Event.objects.count() == 0  # …and gone with it


def test_an_invalid_change_writes_no_event(covered_deal, workspace):
    from django.core.exceptions import ValidationError

    deal = covered_deal[0]
    with pytest.raises(ValidationError):
        deal_update(workspace=workspace, deal=deal, stage="nonsense")
    assert Event.objects.count() == 0


def test_events_belong_to_the_workspace_of_the_change(covered_deal, workspace, other_workspace):
    deal, role, *_ = covered_deal
    deal_role_delete(workspace=workspace, deal_role=role)
    assert Event.objects.filter(workspace=other_workspace).count() == 0
    assert Event.objects.filter(workspace=workspace).count() > 0
