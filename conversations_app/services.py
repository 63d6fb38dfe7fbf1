"""Log (or rewrite) a conversation with everything heard in it, in one transaction.

A product manager's one form becomes: the conversation, new contacts met on the call, tags
created on the fly, action items, evidence for assumptions and feature mentions (with feature
requests created on the fly). Either all of it is saved or none of it is.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts_app.models import Account, Membership, Workspace
from accounts_app.services import account_create
from deals_app.models import ActionItem, Conversation, Tag
from deals_app.services import conversation_create, conversation_update
from insights_app.events import assumption_status_watch, feature_request_created_event
from insights_app.models import Evidence, FeatureMention, FeatureRequest
from personas_app.models import Contact
from personas_app.services import check_owned, save_validated


@dataclass
class LogRows:
    """What hangs off a conversation: rows as plain dicts of field values (model instances)."""

    new_contacts: list[dict] = field(default_factory=list)  # {"name", "title", "persona"}
    tag_names: dict[str, list[str]] = field(default_factory=dict)  # kind -> names
    action_items: list[dict] = field(default_factory=list)  # {"text", "owner", "due_on", "done"}
    evidence: list[dict] = field(default_factory=list)  # {"assumption", "verdict", "quote"}
    mentions: list[dict] = field(default_factory=list)
    # mentions: {"feature" or "new_feature_title", "importance", "quote"}


def _tags(workspace: Workspace, tag_names: dict[str, list[str]]) -> list[Tag]:
    """The named tags of each kind, created when new (names compared without regard to case)."""
    tags: list[Tag] = []
    for kind, names in tag_names.items():
        if kind not in Tag.Kind.values:
            raise ValidationError({"tags": f"Unknown tag kind {kind!r}."})
        wanted: dict[str, str] = {}
        for name in names:
            name = " ".join(name.split())
            if name:
                wanted.setdefault(name.lower(), name)
        if not wanted:
            continue
        existing = {
            tag.name.lower(): tag
            for tag in Tag.objects.filter(workspace=workspace, kind=kind)
            if tag.name.lower() in wanted
        }
        for key, name in wanted.items():
            tag = existing.get(key) or save_validated(
                Tag(workspace=workspace), name=name[:100], kind=kind
            )
            tags.append(tag)
    return tags


def _account(workspace: Workspace, account: Account | None, new_account_name: str) -> Account:
    """The picked account, else the one named in "or new account": an existing account of that
    name (any case) is reused, so a typed name never makes a duplicate; otherwise it is created
    through the accounts service."""
    if account is not None:
        if account.workspace_id != workspace.pk:
            raise ValidationError({"account": "Pick an account of this workspace."})
        return account
    name = " ".join((new_account_name or "").split())
    if not name:
        raise ValidationError({"account": "Pick an account, or name a new one."})
    same = list(Account.objects.for_workspace(workspace).filter(name__iexact=name)[:2])
    if len(same) == 1:
        return same[0]
    return account_create(workspace=workspace, name=name[:255])


def _split_name(name: str) -> tuple[str, str]:
    parts = " ".join(name.split()).rsplit(" ", 1)
    return ("", parts[0]) if len(parts) == 1 else (parts[0], parts[1])


def _feature(workspace: Workspace, row: dict) -> FeatureRequest:
    feature = row.get("feature")
    if feature is not None:
        return feature
    title = " ".join((row.get("new_feature_title") or "").split())
    if not title:
        raise ValidationError({"mentions": "Pick a feature or name a new one."})
    found = FeatureRequest.objects.filter(workspace=workspace, title__iexact=title).first()
    if found is not None:
        return found
    feature = save_validated(FeatureRequest(workspace=workspace), title=title[:255])
    feature_request_created_event(feature)
    return feature


def _write_rows(workspace: Workspace, conversation: Conversation, rows: LogRows) -> None:
    owners = {item["owner"].pk for item in rows.action_items if item.get("owner") is not None}
    members = set(
        Membership.objects.filter(workspace=workspace, user_id__in=owners).values_list(
            "user_id", flat=True
        )
    )
    if owners - members:
        raise ValidationError({"action_items": "An action item's owner must be a member here."})
    for item in rows.action_items:
        save_validated(
            ActionItem(workspace=workspace, conversation=conversation),
            text=item["text"],
            owner=item.get("owner"),
            due_on=item.get("due_on"),
            done=bool(item.get("done")),
        )
    for row in rows.evidence:
        save_validated(
            Evidence(workspace=workspace, conversation=conversation),
            assumption=row["assumption"],
            verdict=row["verdict"],
            quote=row.get("quote", ""),
        )
    for row in rows.mentions:
        save_validated(
            FeatureMention(workspace=workspace, conversation=conversation),
            feature=_feature(workspace, row),
            account=conversation.account,
            deal=conversation.deal,
            importance=row.get("importance") or FeatureMention.Importance.IMPORTANT,
            quote=row.get("quote", ""),
        )


def _new_contacts(workspace: Workspace, account, new_contacts: list[dict]) -> list:
    created = []
    for row in new_contacts:
        first, last = _split_name(row.get("name") or "")
        if not last:
            continue
        created.append(
            save_validated(
                Contact(workspace=workspace),
                account=account,
                first_name=first[:100],
                last_name=last[:100],
                title=(row.get("title") or "").strip()[:200],
                persona=row.get("persona"),
            )
        )
    return created


@transaction.atomic
def conversation_log(
    *,
    workspace: Workspace,
    logged_by,
    participants: Iterable = (),
    rows: LogRows | None = None,
    new_account_name: str = "",
    **fields,
) -> Conversation:
    """Log a conversation and everything heard in it; any invalid row rolls back all of it.

    Without an ``account``, ``new_account_name`` names it: reused when it exists (any case),
    created otherwise, in the same transaction as the conversation."""
    rows = rows or LogRows()
    account = fields["account"] = _account(workspace, fields.get("account"), new_account_name)
    contacts = list(participants) + _new_contacts(workspace, account, rows.new_contacts)
    conversation = conversation_create(
        workspace=workspace,
        logged_by=logged_by,
        participants=contacts,
        tags=_tags(workspace, rows.tag_names),
        **fields,
    )
    with _status_watch(workspace, conversation, rows):
        _write_rows(workspace, conversation, rows)
    return conversation


@transaction.atomic
def conversation_log_update(
    *,
    workspace: Workspace,
    conversation: Conversation,
    participants: Iterable = (),
    rows: LogRows | None = None,
    new_account_name: str = "",
    **fields,
) -> Conversation:
    """Rewrite a logged conversation: its rows (action items, evidence, mentions) are replaced."""
    check_owned(conversation, workspace)
    rows = rows or LogRows()
    picked = fields.get("account", conversation.account)
    account = fields["account"] = _account(workspace, picked, new_account_name)
    contacts = list(participants) + _new_contacts(workspace, account, rows.new_contacts)
    conversation = conversation_update(
        workspace=workspace,
        conversation=conversation,
        participants=contacts,
        tags=_tags(workspace, rows.tag_names),
        **fields,
    )
    with _status_watch(workspace, conversation, rows):
        conversation.action_items.all().delete()
        conversation.evidence.all().delete()
        conversation.feature_mentions.all().delete()
        _write_rows(workspace, conversation, rows)
    return conversation


def _status_watch(workspace: Workspace, conversation: Conversation, rows: LogRows):
    """assumption.status_changed for the assumptions this conversation's evidence had or gets."""
    named = tuple(row["assumption"].pk for row in rows.evidence if row.get("assumption"))
    return assumption_status_watch(
        workspace_id=workspace.pk,
        assumption_ids=named,
        conversation_ids=(conversation.pk,),
    )
