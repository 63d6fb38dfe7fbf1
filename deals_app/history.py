"""Who changed what and when: history of deals, deal roles and conversations.

django-simple-history keeps a historical row per save or delete of ``Deal``, ``DealRole`` and
``Conversation`` (``<model>.history``), with the user of the request
(``HistoryRequestMiddleware``; on the API, DRF's token authentication sets the same request's
user before any write). Bulk writes send no model signals, so the CRM import records its rows
here with ``history_record_bulk`` (one historical row per created or changed record, none for
unchanged ones). ``seed_demo`` (demo_app) writes with COPY and keeps no history: the demo
starts with none.

The readers below turn the newest historical rows into entries for the deal and conversation
pages: a bounded number of entries, each diffed against the row before it, in a constant
number of queries whatever the length of the history.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Model, OuterRef, Q, Subquery
from simple_history.utils import get_history_manager_for_model

from accounts_app.models import Account
from deals_app.models import Conversation, Deal, DealRole
from personas_app.models import Contact

HISTORY_LIMIT = 12  # entries shown on a page
IMPORT_REASON = "CRM import"

# Fields shown in an entry, in this order; others (ids, timestamps) are not news to a reader.
DEAL_FIELDS = (
    "name",
    "stage",
    "amount",
    "close_date",
    "owner",
    "loss_reason",
    "loss_notes",
    "competitor",
    "cost_of_sale",
    "created_on",
    "external_id",
)
ROLE_FIELDS = ("role", "contact", "is_primary", "stance", "last_engaged_on")
CONVERSATION_FIELDS = (
    "title",
    "occurred_on",
    "kind",
    "deal",
    "account",
    "notes",
    "duration_minutes",
    "sentiment",
    "stated_reason",
    "logged_by",
)
TEXT_FIELDS = {"notes", "loss_notes"}  # long text: "edited", not both versions


def history_record_bulk(model, objs: Sequence[Model], *, created: bool, batch_size: int) -> None:
    """Historical rows for records written with bulk_create/bulk_update (which send no signal).

    ``objs`` must have their primary keys (bulk_create sets them on PostgreSQL and SQLite).
    Models without history are ignored. The user is the request's, if any (an import run in
    the web process); the change reason says it was an import.
    """
    if not objs or not hasattr(model._meta, "simple_history_manager_attribute"):
        return
    get_history_manager_for_model(model).bulk_history_create(
        objs, batch_size=batch_size, update=not created, default_change_reason=IMPORT_REASON
    )


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    text: bool = False  # a long text: say it was edited, without the values


@dataclass
class HistoryEntry:
    when: datetime
    who: str  # the user's name, or "" when no user made it (an import, a task)
    reason: str
    action: str  # "created", "changed" or "deleted"
    subject: str  # what changed: "Deal", "Ana Lee as Champion", "Conversation"
    changes: list[Change] = field(default_factory=list)

    @property
    def fields(self) -> str:
        return ", ".join(change.label for change in self.changes)


def _records(queryset, *, limit: int) -> list[tuple[object, object | None]]:
    """The newest ``limit`` historical rows, each with the row before it (two queries)."""
    model = queryset.model
    previous = (
        model.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    records = list(
        queryset.select_related("history_user")
        .annotate(previous_id=Subquery(previous))
        .order_by("-history_date", "-history_id")[:limit]
    )
    wanted = [record.previous_id for record in records if record.previous_id]
    before = model.objects.in_bulk(wanted) if wanted else {}
    return [(record, before.get(record.previous_id)) for record in records]


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class _Names:
    """Display names of the users, contacts, accounts and deals the entries mention (one
    query per kind, whatever the number of entries)."""

    def __init__(self, pairs: Iterable[tuple[object, object | None]], fields: Sequence[str]):
        wanted: dict[str, set[int]] = {}
        for record, before in pairs:
            for row in (record, before):
                if row is None:
                    continue
                for name in fields:
                    field_ = row._meta.get_field(name)  # type: ignore[attr-defined]  # a model row
                    if field_.is_relation:
                        value = getattr(row, field_.attname)
                        if value is not None:
                            wanted.setdefault(name, set()).add(value)
        self.names: dict[str, dict[int, str]] = {}
        for name, ids in wanted.items():
            self.names[name] = self._load(name, ids)

    @staticmethod
    def _load(name: str, ids: set[int]) -> dict[int, str]:
        if name in {"owner", "logged_by"}:
            users = get_user_model().objects.filter(pk__in=ids)
            return {user.pk: _user_name(user) for user in users}
        if name == "contact":
            contacts = Contact.objects.filter(pk__in=ids).only("first_name", "last_name")
            return {c.pk: f"{c.first_name} {c.last_name}".strip() for c in contacts}
        if name == "deal":
            return dict(Deal.objects.filter(pk__in=ids).values_list("pk", "name"))
        if name == "account":
            return dict(Account.objects.filter(pk__in=ids).values_list("pk", "name"))
        return {}

    def get(self, name: str, pk) -> str:
        if pk is None:
            return ""
        return self.names.get(name, {}).get(pk, f"#{pk} (deleted)")


def _display(row, name: str, names: _Names) -> str:
    field_ = row._meta.get_field(name)
    if field_.is_relation:
        return names.get(name, getattr(row, field_.attname))
    value = getattr(row, name)
    if value is None or value == "":
        return ""
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _entries(pairs, *, fields, names: _Names, subject) -> list[HistoryEntry]:
    entries = []
    for record, before in pairs:
        changes = []
        if record.history_type == "~" and before is not None:
            for name in fields:
                attname = record._meta.get_field(name).attname
                if getattr(record, attname) == getattr(before, attname):
                    continue
                label = _label(record, name)
                if name in TEXT_FIELDS:
                    changes.append(Change(label, text=True))
                else:
                    changes.append(
                        Change(label, _display(before, name, names), _display(record, name, names))
                    )
            if not changes:
                continue  # a save that changed nothing shown (a timestamp, an id)
        action = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_user_name(record.history_user),
                reason=record.history_change_reason or "",
                action=action,
                subject=subject(record, names),
                changes=changes,
            )
        )
    return entries


def deal_history(*, workspace, deal: Deal, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The newest changes of a deal and of its persona map (roles), newest first.

    Six queries at most, whatever the length of the history.
    """
    workspace_id = getattr(workspace, "pk", workspace)
    deals = Deal.history.filter(workspace_id=workspace_id, id=deal.pk)
    roles = DealRole.history.filter(workspace_id=workspace_id, deal_id=deal.pk)
    deal_pairs = _records(deals, limit=limit)
    role_pairs = _records(roles, limit=limit)
    names = _Names(deal_pairs, ("owner",))
    role_names = _Names(role_pairs, ("contact",))

    def role_subject(record, names_):
        role = dict(DealRole.Role.choices).get(record.role, record.role)
        return f"{names_.get('contact', record.contact_id)} as {role}"

    entries = _entries(deal_pairs, fields=DEAL_FIELDS, names=names, subject=lambda r, n: "Deal")
    entries += _entries(role_pairs, fields=ROLE_FIELDS, names=role_names, subject=role_subject)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def conversation_history(
    *, workspace, conversation: Conversation, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """The newest changes of a conversation, newest first (at most five queries)."""
    workspace_id = getattr(workspace, "pk", workspace)
    rows = Conversation.history.filter(workspace_id=workspace_id, id=conversation.pk)
    pairs = _records(rows, limit=limit)
    names = _Names(pairs, ("deal", "account", "logged_by"))
    return _entries(
        pairs, fields=CONVERSATION_FIELDS, names=names, subject=lambda r, n: "Conversation"
    )
