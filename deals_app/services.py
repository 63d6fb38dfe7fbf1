"""Writes for deals, their people and cases, conversations, action items, tags and scorecards.

Every write validates the whole row (``full_clean()``: field rules, ``clean()`` and database
constraints) before saving, so a bad value is a ValidationError with field messages, never an
IntegrityError half-way through (STYLE.md §2).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts_app.models import Workspace
from personas_app.services import check_owned, save_validated

from .models import ActionItem, BusinessCase, Conversation, Deal, DealRole, ScorecardItem, Tag

# --- deals ------------------------------------------------------------------------------------


@transaction.atomic
def deal_create(*, workspace: Workspace, **fields) -> Deal:
    return save_validated(Deal(workspace=workspace), **fields)


@transaction.atomic
def deal_update(*, workspace: Workspace, deal: Deal, **fields) -> Deal:
    check_owned(deal, workspace)
    return save_validated(deal, **fields)


@transaction.atomic
def deal_delete(*, workspace: Workspace, deal: Deal) -> None:
    """Delete a deal with its roles, business cases and scorecard; conversations stay."""
    check_owned(deal, workspace)
    deal.delete()


# --- deal roles -------------------------------------------------------------------------------


@transaction.atomic
def deal_role_create(*, workspace: Workspace, **fields) -> DealRole:
    return save_validated(DealRole(workspace=workspace), **fields)


@transaction.atomic
def deal_role_update(*, workspace: Workspace, deal_role: DealRole, **fields) -> DealRole:
    check_owned(deal_role, workspace)
    return save_validated(deal_role, **fields)


@transaction.atomic
def deal_role_delete(*, workspace: Workspace, deal_role: DealRole) -> None:
    check_owned(deal_role, workspace)
    deal_role.delete()


# --- business cases ---------------------------------------------------------------------------


@transaction.atomic
def business_case_create(*, workspace: Workspace, **fields) -> BusinessCase:
    return save_validated(BusinessCase(workspace=workspace), **fields)


@transaction.atomic
def business_case_update(
    *, workspace: Workspace, business_case: BusinessCase, **fields
) -> BusinessCase:
    check_owned(business_case, workspace)
    return save_validated(business_case, **fields)


@transaction.atomic
def business_case_delete(*, workspace: Workspace, business_case: BusinessCase) -> None:
    check_owned(business_case, workspace)
    business_case.delete()


# --- tags -------------------------------------------------------------------------------------


@transaction.atomic
def tag_create(*, workspace: Workspace, **fields) -> Tag:
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    return save_validated(Tag(workspace=workspace), **fields)


@transaction.atomic
def tag_update(*, workspace: Workspace, tag: Tag, **fields) -> Tag:
    check_owned(tag, workspace)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    return save_validated(tag, **fields)


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
    *, workspace: Workspace, participants: Iterable = (), tags: Iterable = (), **fields
) -> Conversation:
    """Log a conversation with its participants (contacts) and tags."""
    participants, tags = list(participants), list(tags)
    _check_related_workspace(workspace, participants=participants, tags=tags)
    conversation = save_validated(Conversation(workspace=workspace), **fields)
    conversation.participants.set(participants)
    conversation.tags.set(tags)
    return conversation


@transaction.atomic
def conversation_update(
    *,
    workspace: Workspace,
    conversation: Conversation,
    participants: Iterable | None = None,
    tags: Iterable | None = None,
    **fields,
) -> Conversation:
    """Change a conversation; participants and tags, when given, replace the old ones."""
    check_owned(conversation, workspace)
    participants = None if participants is None else list(participants)
    tags = None if tags is None else list(tags)
    _check_related_workspace(workspace, participants=participants, tags=tags)
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
    conversation.delete()


# --- action items -----------------------------------------------------------------------------


@transaction.atomic
def action_item_create(*, workspace: Workspace, **fields) -> ActionItem:
    return save_validated(ActionItem(workspace=workspace), **fields)


@transaction.atomic
def action_item_update(*, workspace: Workspace, action_item: ActionItem, **fields) -> ActionItem:
    check_owned(action_item, workspace)
    return save_validated(action_item, **fields)


@transaction.atomic
def action_item_delete(*, workspace: Workspace, action_item: ActionItem) -> None:
    check_owned(action_item, workspace)
    action_item.delete()


# --- scorecard --------------------------------------------------------------------------------


@transaction.atomic
def deal_scorecard_set(
    *, workspace: Workspace, deal: Deal, items: Iterable[dict], user=None
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
