"""Reads of the conversation pages: the timeline, one conversation's page, and the log form's
look-ups. Always workspace-first (STYLE.md §3).

The list queryset itself (``deals_app.selectors.conversation_list``) stays in deals_app, because
the conversation REST API there serves the same rows; the timeline narrows it here.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts_app.models import Account, Workspace
from deals_app.history import conversation_history
from deals_app.models import ActionItem, Conversation, Deal
from deals_app.selectors import account_dimension_q, conversation_list, tag_list
from insights_app.models import Evidence, FeatureMention
from personas_app.models import Contact, Persona

ACCOUNT_LOOKUP_LIMIT = 20
TIMELINE_DIMENSIONS = ("industry", "infrastructure", "deployment_model", "size_band")


# --- the timeline ------------------------------------------------------------------------------


@dataclass
class Timeline:
    """The timeline's rows (a lazy queryset) and the account it is narrowed to, if any."""

    conversations: QuerySet[Conversation]
    account: Account | None = None


def conversation_timeline_choices(*, workspace: Workspace) -> dict:
    """The timeline filter form's choices (lazy querysets): tags, personas and members."""
    return {
        "tags": tag_list(workspace=workspace),
        "personas": Persona.objects.for_workspace(workspace).only("id", "name"),
        "members": get_user_model()
        .objects.filter(memberships__workspace=workspace)
        .order_by("first_name", "last_name", "username"),
    }


def conversation_timeline(*, workspace: Workspace, filters: dict, user) -> Timeline:
    """``conversation_list`` narrowed by the timeline's filters (``ConversationFilterForm``),
    each an indexed or EXISTS condition; ``logged_by="me"`` means ``user``."""
    conversations = conversation_list(
        workspace=workspace, kind=filters["kind"], search=filters["q"]
    )
    through = Conversation.participants.through.objects
    tagged = Conversation.tags.through.objects
    account = None
    if filters["account"]:
        conversations = conversations.filter(account_id=filters["account"])
        account = Account.objects.for_workspace(workspace).filter(pk=filters["account"]).first()
    if filters["tag"]:
        conversations = conversations.filter(
            Exists(tagged.filter(conversation_id=OuterRef("pk"), tag_id=filters["tag"]))
        )
    if filters["persona"]:
        conversations = conversations.filter(
            Exists(
                through.filter(
                    conversation_id=OuterRef("pk"), contact__persona_id=filters["persona"]
                )
            )
        )
    if filters["logged_by"] == "me":
        conversations = conversations.filter(logged_by=user)
    elif filters["logged_by"]:
        conversations = conversations.filter(logged_by_id=int(filters["logged_by"]))
    if filters["date_from"]:
        conversations = conversations.filter(occurred_on__gte=filters["date_from"])
    if filters["date_to"]:
        conversations = conversations.filter(occurred_on__lte=filters["date_to"])
    for dimension in TIMELINE_DIMENSIONS:
        if filters[dimension]:
            conversations = conversations.filter(account_dimension_q(dimension, filters[dimension]))
    return Timeline(conversations=conversations, account=account)


# --- one conversation --------------------------------------------------------------------------


def conversation_for_page(*, workspace: Workspace, pk: int) -> Conversation:
    """A conversation of the workspace with all its page shows, in a constant number of queries."""
    queryset = (
        Conversation.objects.for_workspace(workspace)  # type: ignore[type-var]  # Prefetch objects beside names; a stub limitation
        .select_related("account", "deal", "logged_by")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Contact.objects.select_related("persona").order_by(
                    "last_name", "first_name"
                ),
            ),
            "tags",
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("assumption")),
            Prefetch("feature_mentions", queryset=FeatureMention.objects.select_related("feature")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def conversation_page(*, workspace: Workspace, pk: int) -> dict:
    """What the conversation page shows: the conversation (as ``conversation_for_page``) and its
    newest changes (``history``)."""
    conversation = conversation_for_page(workspace=workspace, pk=pk)
    history = conversation_history(workspace=workspace, conversation=conversation)
    return {"conversation": conversation, "history": history}


def conversation_get(*, workspace: Workspace, pk: int) -> Conversation:
    """A conversation of the workspace with its account, or 404."""
    return get_object_or_404(
        Conversation.objects.for_workspace(workspace).select_related("account"), pk=pk
    )


def action_item_get(*, workspace: Workspace, pk: int, conversation_id: int) -> ActionItem:
    """An action item of the workspace on the given conversation, or 404."""
    return get_object_or_404(
        ActionItem.objects.for_workspace(workspace), pk=pk, conversation_id=conversation_id
    )


# --- the log form's look-ups -------------------------------------------------------------------


def account_matches(*, workspace: Workspace, text: str) -> list[Account]:
    """The workspace's accounts a typed value names: ``#id``/id, else an exact name (any case)."""
    text = (text or "").strip()
    if not text:
        return []
    accounts = Account.objects.for_workspace(workspace).only("id", "name", "domain")
    key = text.removeprefix("#")
    if key.isdigit():
        found = list(accounts.filter(pk=int(key)))
        if found:
            return found
    return list(accounts.filter(name__iexact=text)[:5])


def account_lookup(*, workspace: Workspace, q: str) -> list[dict]:
    """Up to ``ACCOUNT_LOOKUP_LIMIT`` accounts whose name contains ``q``: id, name, domain."""
    if not q:
        return []
    return list(
        Account.objects.for_workspace(workspace)  # type: ignore[arg-type]  # annotated/values() rows typed as TypedDicts by the stubs
        .filter(name__icontains=q)
        .order_by("name", "id")
        .values("id", "name", "domain")[:ACCOUNT_LOOKUP_LIMIT]
    )


def account_people(*, workspace: Workspace, account: Account) -> dict:
    """The account's contacts (id, name, title) and deals (id, name, stage), for the log form."""
    contacts = (
        Contact.objects.for_workspace(workspace)
        .filter(account=account)
        .order_by("last_name", "first_name")
        .values("id", "first_name", "last_name", "title")
    )
    deals = (
        Deal.objects.for_workspace(workspace)
        .filter(account=account)
        .order_by("name")
        .values("id", "name", "stage")
    )
    return {
        "contacts": [
            {
                "id": c["id"],
                "name": f"{c['first_name']} {c['last_name']}".strip(),
                "title": c["title"],
            }
            for c in contacts
        ],
        "deals": list(deals),
    }


TAG_OPTIONS_LIMIT = 500  # per kind: the log form's suggestions, most used first


def tag_options(*, workspace: Workspace) -> dict[str, list[str]]:
    """The workspace's tag names by kind (``pain``, ``constraint``, ``topic``), most used first,
    so the log form suggests an existing tag instead of a near-duplicate."""
    options: dict[str, list[str]] = {kind: [] for kind in ("pain", "constraint", "topic")}
    rows = (
        tag_list(workspace=workspace)
        .annotate(uses=Count("conversations"))
        .order_by("kind", "-uses", "name")
        .values_list("kind", "name")
    )
    for kind, name in rows:
        names = options.setdefault(kind, [])
        if len(names) < TAG_OPTIONS_LIMIT:
            names.append(name)
    return options
