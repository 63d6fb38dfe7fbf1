"""Deals, roles and conversations reject bad data: clear messages, and the database agrees."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deals_app.models import Conversation, Deal, DealRole
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    DealRoleFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db


def _db_rejects(obj, constraint: str):
    # PostgreSQL names the constraint; SQLite names unique constraints by their columns.
    pattern = f"{constraint}|UNIQUE constraint failed"
    with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
        obj.save()


def test_negative_amount_is_rejected_with_a_message_and_by_the_database():
    deal = DealFactory.build(account=AccountFactory.create(), amount=Decimal("-1"))
    deal.workspace = deal.account.workspace
    with pytest.raises(ValidationError) as exc:
        deal.full_clean()
    assert "amount" in exc.value.message_dict
    _db_rejects(deal, "deal_amount_non_negative")


def test_unknown_amount_is_allowed():
    deal = DealFactory.create(amount=None)
    deal.full_clean()


def test_close_date_before_created_on_is_rejected():
    deal = DealFactory.create()
    deal.created_on, deal.close_date = dt.date(2026, 5, 1), dt.date(2026, 4, 30)
    with pytest.raises(ValidationError) as exc:
        deal.full_clean()
    assert exc.value.message_dict["close_date"] == [
        "Close date cannot be before the date the deal was opened."
    ]
    _db_rejects(deal, "deal_close_not_before_created")


def test_close_date_is_free_when_created_on_is_unknown():
    deal = DealFactory.create(created_on=None, close_date=dt.date(2020, 1, 1))
    deal.full_clean()


@pytest.mark.parametrize("stage", [s for s in Deal.Stage if s != Deal.Stage.CLOSED_LOST])
def test_loss_reason_only_on_closed_lost_deals(stage):
    deal = DealFactory.create(stage=stage)
    deal.loss_reason = Deal.LossReason.PRICE
    with pytest.raises(ValidationError) as exc:
        deal.full_clean()
    assert exc.value.message_dict["loss_reason"] == [
        "Only a closed lost deal can have a loss reason."
    ]
    _db_rejects(deal, "deal_loss_reason_only_when_lost")


def test_a_lost_deal_keeps_its_loss_reason():
    deal = DealFactory.create(stage=Deal.Stage.CLOSED_LOST, loss_reason=Deal.LossReason.COMPETITOR)
    deal.full_clean()
    assert Deal.objects.get(pk=deal.pk).get_loss_reason_display() == "Competitor"


def test_stage_outside_the_choices_is_rejected_by_the_database():
    deal = DealFactory.create()
    deal.stage = "won"
    with pytest.raises(ValidationError):
        deal.full_clean()
    _db_rejects(deal, "deal_stage_valid")


def test_external_id_is_unique_per_workspace_only():
    first = DealFactory.create(external_id="006A")
    duplicate = DealFactory.build(
        account=AccountFactory.create(workspace=first.workspace), external_id="006A"
    )
    duplicate.workspace = first.workspace
    with pytest.raises(ValidationError, match="Another deal in this workspace has this external"):
        duplicate.full_clean()
    _db_rejects(duplicate, "deal_external_id_unique_per_workspace")
    # The same CRM id in another workspace, and empty ids, are fine.
    DealFactory.create(external_id="006A", account=AccountFactory.create())
    DealFactory.create(external_id="", account=first.account)
    DealFactory.create(external_id="", account=first.account)


def test_deal_of_an_account_in_another_workspace_is_rejected():
    account = AccountFactory.create()
    deal = DealFactory.build(account=account)
    deal.workspace = WorkspaceFactory.create()
    with pytest.raises(ValidationError) as exc:
        deal.full_clean()
    assert exc.value.message_dict["account"] == ["This account belongs to another workspace."]


def test_one_primary_role_per_deal():
    role = DealRoleFactory.create(is_primary=True, role=DealRole.Role.CHAMPION)
    second = DealRoleFactory.build(
        deal=role.deal,
        contact=ContactFactory.create(account=role.deal.account),
        is_primary=True,
    )
    second.workspace = role.workspace
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "This deal already has a primary contact." in str(exc.value)
    _db_rejects(second, "dealrole_one_primary_per_deal")


def test_a_contact_may_hold_several_roles_in_a_deal_but_not_the_same_twice():
    role = DealRoleFactory.create(role=DealRole.Role.CHAMPION)
    DealRoleFactory.create(deal=role.deal, contact=role.contact, role=DealRole.Role.USER)
    twice = DealRole(
        workspace=role.workspace, deal=role.deal, contact=role.contact, role=DealRole.Role.CHAMPION
    )
    with pytest.raises(ValidationError, match="already has this role"):
        twice.full_clean()
    _db_rejects(twice, "dealrole_unique_contact_role")


def test_a_contact_of_another_account_is_allowed_and_marked_external():
    role = DealRoleFactory.create()
    partner = ContactFactory.create(account=AccountFactory.create(workspace=role.workspace))
    external = DealRole(
        workspace=role.workspace, deal=role.deal, contact=partner, role=DealRole.Role.INFLUENCER
    )
    external.full_clean()
    external.save()
    assert external.is_external and not role.is_external


def test_stated_reason_only_on_win_loss_conversations():
    conversation = ConversationFactory.create(kind=Conversation.Kind.DEMO)
    conversation.stated_reason = Deal.LossReason.PRICE
    with pytest.raises(ValidationError) as exc:
        conversation.full_clean()
    assert exc.value.message_dict["stated_reason"] == [
        "Only a win/loss interview has a stated reason."
    ]
    _db_rejects(conversation, "conversation_stated_reason_only_win_loss")
    conversation.kind = Conversation.Kind.WIN_LOSS
    conversation.full_clean()
    conversation.save()


def test_conversation_deal_must_belong_to_the_same_account():
    deal = DealFactory.create()
    conversation = ConversationFactory.create(
        account=AccountFactory.create(workspace=deal.workspace)
    )
    conversation.deal = deal
    with pytest.raises(ValidationError) as exc:
        conversation.full_clean()
    assert exc.value.message_dict["deal"] == ["This deal belongs to another account."]
