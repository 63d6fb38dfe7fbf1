"""Writes for deals, their people and cases, conversations, action items, tags and scorecards.

Every write validates the whole row (``full_clean()``: field rules, ``clean()`` and database
constraints) before saving, so a bad value is a ValidationError with field messages, never an
IntegrityError half-way through (STYLE.md §2).

Each service names the fields it writes. A field left at ``UNSET`` is not given: an update
leaves it as it is, a create leaves the model's default (so a PATCH changes only what it names).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts_app.models import Account, Workspace
from common.services import UNSET, Unset, check_owned, given, save_validated
from events_app.services import change_watch
from personas_app.models import Contact

from .events import (
    conversation_logged_event,
    deal_created_events,
    deal_risk_watch,
    deal_stage_events,
)
from .models import ActionItem, BusinessCase, Conversation, Deal, DealRole, ScorecardItem, Tag

# --- deals ------------------------------------------------------------------------------------


@transaction.atomic
def deal_create(
    *,
    workspace: Workspace,
    account: Account,
    name: str,
    stage: str | Unset = UNSET,
    amount: Decimal | None | Unset = UNSET,
    created_on: dt.date | None | Unset = UNSET,
    close_date: dt.date | None | Unset = UNSET,
    owner: AbstractBaseUser | None | Unset = UNSET,
    loss_reason: str | Unset = UNSET,
    loss_notes: str | Unset = UNSET,
    competitor: str | Unset = UNSET,
    cost_of_sale: Decimal | None | Unset = UNSET,
    external_id: str | Unset = UNSET,
) -> Deal:
    fields = given(
        account=account,
        name=name,
        stage=stage,
        amount=amount,
        created_on=created_on,
        close_date=close_date,
        owner=owner,
        loss_reason=loss_reason,
        loss_notes=loss_notes,
        competitor=competitor,
        cost_of_sale=cost_of_sale,
        external_id=external_id,
    )
    deal = save_validated(Deal(workspace=workspace), **fields)
    deal_created_events(deal)
    return deal


@transaction.atomic
def deal_update(
    *,
    workspace: Workspace,
    deal: Deal,
    account: Account | Unset = UNSET,
    name: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    amount: Decimal | None | Unset = UNSET,
    created_on: dt.date | None | Unset = UNSET,
    close_date: dt.date | None | Unset = UNSET,
    owner: AbstractBaseUser | None | Unset = UNSET,
    loss_reason: str | Unset = UNSET,
    loss_notes: str | Unset = UNSET,
    competitor: str | Unset = UNSET,
    cost_of_sale: Decimal | None | Unset = UNSET,
    external_id: str | Unset = UNSET,
) -> Deal:
    check_owned(deal, workspace)
    fields = given(
        account=account,
        name=name,
        stage=stage,
        amount=amount,
        created_on=created_on,
        close_date=close_date,
        owner=owner,
        loss_reason=loss_reason,
        loss_notes=loss_notes,
        competitor=competitor,
        cost_of_sale=cost_of_sale,
        external_id=external_id,
    )
    old_stage = Deal.all_objects.filter(pk=deal.pk).values_list("stage", flat=True).first()
    # Another account means other people around the deal; other fields leave risks as they are
    # (closing clears them, and says so with deal.won/deal.lost).
    moved = account is not UNSET and account.pk != deal.account_id
    with deal_risk_watch(workspace_id=workspace.pk, deal_ids=(deal.pk,) if moved else ()):
        deal = save_validated(deal, **fields)
    if old_stage is not None:
        deal_stage_events(deal, old_stage=old_stage)
    return deal


@transaction.atomic
def deal_delete(*, workspace: Workspace, deal: Deal) -> None:
    """Delete a deal with its roles, business cases and scorecard; conversations stay."""
    check_owned(deal, workspace)
    deal.delete()


# --- deal roles -------------------------------------------------------------------------------


@transaction.atomic
def deal_role_create(
    *,
    workspace: Workspace,
    deal: Deal,
    contact: Contact,
    role: str,
    is_primary: bool | Unset = UNSET,
    stance: str | Unset = UNSET,
    last_engaged_on: dt.date | None | Unset = UNSET,
) -> DealRole:
    fields = given(
        deal=deal,
        contact=contact,
        role=role,
        is_primary=is_primary,
        stance=stance,
        last_engaged_on=last_engaged_on,
    )
    with deal_risk_watch(workspace_id=workspace.pk, deal_ids=(deal.pk,)):
        return save_validated(DealRole(workspace=workspace), **fields)


@transaction.atomic
def deal_role_update(
    *,
    workspace: Workspace,
    deal_role: DealRole,
    deal: Deal | Unset = UNSET,
    contact: Contact | Unset = UNSET,
    role: str | Unset = UNSET,
    is_primary: bool | Unset = UNSET,
    stance: str | Unset = UNSET,
    last_engaged_on: dt.date | None | Unset = UNSET,
) -> DealRole:
    check_owned(deal_role, workspace)
    fields = given(
        deal=deal,
        contact=contact,
        role=role,
        is_primary=is_primary,
        stance=stance,
        last_engaged_on=last_engaged_on,
    )
    deals = {deal_role.deal_id} | ({deal.pk} if isinstance(deal, Deal) else set())
    with deal_risk_watch(workspace_id=workspace.pk, deal_ids=tuple(deals)):
        return save_validated(deal_role, **fields)


@transaction.atomic
def deal_role_delete(*, workspace: Workspace, deal_role: DealRole) -> None:
    check_owned(deal_role, workspace)
    with deal_risk_watch(workspace_id=workspace.pk, deal_ids=(deal_role.deal_id,)):
        deal_role.delete()


# --- business cases ---------------------------------------------------------------------------


@transaction.atomic
def business_case_create(
    *,
    workspace: Workspace,
    deal: Deal,
    metric: str,
    description: str | Unset = UNSET,
    estimated_annual_value: Decimal | None | Unset = UNSET,
) -> BusinessCase:
    fields = given(
        deal=deal,
        metric=metric,
        description=description,
        estimated_annual_value=estimated_annual_value,
    )
    return save_validated(BusinessCase(workspace=workspace), **fields)


@transaction.atomic
def business_case_update(
    *,
    workspace: Workspace,
    business_case: BusinessCase,
    deal: Deal | Unset = UNSET,
    metric: str | Unset = UNSET,
    description: str | Unset = UNSET,
    estimated_annual_value: Decimal | None | Unset = UNSET,
) -> BusinessCase:
    check_owned(business_case, workspace)
    fields = given(
        deal=deal,
        metric=metric,
        description=description,
        estimated_annual_value=estimated_annual_value,
    )
    return save_validated(business_case, **fields)


@transaction.atomic
def business_case_delete(*, workspace: Workspace, business_case: BusinessCase) -> None:
    check_owned(business_case, workspace)
    business_case.delete()


# --- tags -------------------------------------------------------------------------------------


@transaction.atomic
def tag_create(*, workspace: Workspace, name: str, kind: str | Unset = UNSET) -> Tag:
    fields = given(name=(name or "").strip(), kind=kind)
    return save_validated(Tag(workspace=workspace), **fields)


@transaction.atomic
def tag_update(
    *, workspace: Workspace, tag: Tag, name: str | Unset = UNSET, kind: str | Unset = UNSET
) -> Tag:
    check_owned(tag, workspace)
    if name is not UNSET:
        name = (name or "").strip()
    return save_validated(tag, **given(name=name, kind=kind))


@transaction.atomic
def tag_delete(*, workspace: Workspace, tag: Tag) -> None:
    """Delete a tag; the conversations it was on lose it."""
    check_owned(tag, workspace)
    tag.delete()


# --- conversations ----------------------------------------------------------------------------


def _check_related_workspace(workspace: Workspace, **related: Iterable | None) -> None:
    errors = {
        field: "Every item must belong to this workspace."
        for field, objects in related.items()
        if objects is not None and any(obj.workspace_id != workspace.pk for obj in objects)
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def conversation_create(
    *,
    workspace: Workspace,
    participants: Iterable[Contact] = (),
    tags: Iterable[Tag] = (),
    account: Account,
    occurred_on: dt.date,
    title: str,
    deal: Deal | None | Unset = UNSET,
    kind: str | Unset = UNSET,
    logged_by: AbstractBaseUser | None | Unset = UNSET,
    notes: str | Unset = UNSET,
    duration_minutes: int | None | Unset = UNSET,
    sentiment: str | Unset = UNSET,
    stated_reason: str | Unset = UNSET,
) -> Conversation:
    """Log a conversation with its participants (contacts) and tags."""
    participants, tags = list(participants), list(tags)
    _check_related_workspace(workspace, participants=participants, tags=tags)
    fields = given(
        account=account,
        deal=deal,
        occurred_on=occurred_on,
        kind=kind,
        logged_by=logged_by,
        title=title,
        notes=notes,
        duration_minutes=duration_minutes,
        sentiment=sentiment,
        stated_reason=stated_reason,
    )
    conversation = save_validated(Conversation(workspace=workspace), **fields)
    conversation.participants.set(participants)
    conversation.tags.set(tags)
    conversation_logged_event(conversation)
    return conversation


@transaction.atomic
def conversation_update(
    *,
    workspace: Workspace,
    conversation: Conversation,
    participants: Iterable[Contact] | None = None,
    tags: Iterable[Tag] | None = None,
    account: Account | Unset = UNSET,
    deal: Deal | None | Unset = UNSET,
    occurred_on: dt.date | Unset = UNSET,
    kind: str | Unset = UNSET,
    logged_by: AbstractBaseUser | None | Unset = UNSET,
    title: str | Unset = UNSET,
    notes: str | Unset = UNSET,
    duration_minutes: int | None | Unset = UNSET,
    sentiment: str | Unset = UNSET,
    stated_reason: str | Unset = UNSET,
) -> Conversation:
    """Change a conversation; participants and tags, when given, replace the old ones."""
    check_owned(conversation, workspace)
    participants = None if participants is None else list(participants)
    tags = None if tags is None else list(tags)
    _check_related_workspace(workspace, participants=participants, tags=tags)
    fields = given(
        account=account,
        deal=deal,
        occurred_on=occurred_on,
        kind=kind,
        logged_by=logged_by,
        title=title,
        notes=notes,
        duration_minutes=duration_minutes,
        sentiment=sentiment,
        stated_reason=stated_reason,
    )
    save_validated(conversation, **fields)
    if participants is not None:
        conversation.participants.set(participants)
    if tags is not None:
        conversation.tags.set(tags)
    return conversation


@transaction.atomic
def conversation_delete(*, workspace: Workspace, conversation: Conversation) -> None:
    """Delete a conversation with its action items and evidence."""
    check_owned(conversation, workspace)
    # Its evidence goes with it, which can move an assumption's status (insights_app watches).
    with change_watch(workspace_id=workspace.pk, conversation_ids=(conversation.pk,)):
        conversation.delete()


# --- action items -----------------------------------------------------------------------------


@transaction.atomic
def action_item_create(
    *,
    workspace: Workspace,
    conversation: Conversation,
    text: str,
    owner: AbstractBaseUser | None | Unset = UNSET,
    due_on: dt.date | None | Unset = UNSET,
    done: bool | Unset = UNSET,
) -> ActionItem:
    fields = given(conversation=conversation, text=text, owner=owner, due_on=due_on, done=done)
    return save_validated(ActionItem(workspace=workspace), **fields)


@transaction.atomic
def action_item_update(
    *,
    workspace: Workspace,
    action_item: ActionItem,
    conversation: Conversation | Unset = UNSET,
    text: str | Unset = UNSET,
    owner: AbstractBaseUser | None | Unset = UNSET,
    due_on: dt.date | None | Unset = UNSET,
    done: bool | Unset = UNSET,
) -> ActionItem:
    check_owned(action_item, workspace)
    fields = given(conversation=conversation, text=text, owner=owner, due_on=due_on, done=done)
    return save_validated(action_item, **fields)


@transaction.atomic
def action_item_delete(*, workspace: Workspace, action_item: ActionItem) -> None:
    check_owned(action_item, workspace)
    action_item.delete()


# --- scorecard --------------------------------------------------------------------------------


@transaction.atomic
def deal_scorecard_set(
    *, workspace: Workspace, deal: Deal, items: Iterable[dict], user: AbstractBaseUser | None = None
) -> None:
    """Set MEDDPICC letters of a deal by hand: ``[{"key", "status", "note"?}]``.

    A status overrides what the data says for that key; ``status=None`` clears the hand-set
    value, so the key goes back to the derived (auto) one. Keys not named stay as they are.
    """
    check_owned(deal, workspace)
    items = list(items)
    keys = [item["key"] for item in items]
    if len(set(keys)) != len(keys):
        raise ValidationError({"items": "Name each key at most once."})
    existing = {
        row.key: row
        for row in ScorecardItem.objects.select_for_update().filter(deal=deal, key__in=keys)
    }
    clear = [item["key"] for item in items if item.get("status") is None]
    ScorecardItem.objects.filter(deal=deal, key__in=clear).delete()
    for item in items:
        if item.get("status") is None:
            continue
        row = existing.get(item["key"]) or ScorecardItem(
            workspace=workspace, deal=deal, key=item["key"]
        )
        fields = {"status": item["status"], "set_by": user}
        if "note" in item:
            fields["note"] = item["note"] or ""
        save_validated(row, **fields)
