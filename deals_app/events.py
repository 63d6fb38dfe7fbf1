"""The events deals_app writes (PRODUCT.md §12), always inside the transaction of the change.

- ``deal.created``, ``deal.stage_changed``, ``deal.won``, ``deal.lost``: from deal_create and
  deal_update.
- ``deal.risk_raised`` / ``deal.risk_cleared``: one per risk code (§5), from comparing the risk
  codes of the deals a change touches before and after it (``deal_risk_watch``). Roles call it
  directly; changes of contacts and advocacy edges (personas_app, a lower layer) reach it through
  events_app's ``change_watch``, where this module registers it. A deal that closes in the
  change gets its won/lost event, not a "risk cleared" per code.

Event data carries what filters and messages need (owner id, amount, account id, names), so a
delivery never has to read the deal again.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events_app.models import Event, EventType
from events_app.services import event_record
from personas_app.models import Contact

from .models import OPEN_STAGES, Conversation, Deal, Stage
from .selectors.risks import RISK_LABELS, Risk, deal_risks_for

# A change touching more open deals than this (a contact on hundreds of deals) compares the
# risks of this many; the rest are left to the pages, which always show the current risks.
RISK_WATCH_LIMIT = 200


def deal_event_data(deal: Deal, **extra: Any) -> dict:
    """What every deal event carries (names as they were when it happened)."""
    return {
        "deal_id": deal.pk,
        "deal": deal.name,
        "account_id": deal.account_id,
        "account": deal.account.name,
        "owner_id": deal.owner_id,
        "amount": None if deal.amount is None else str(deal.amount),
        "stage": deal.stage,
        **extra,
    }


def deal_event(deal: Deal, type: str, summary: str, **extra: Any) -> Event:
    return event_record(
        workspace=deal.workspace_id,
        type=type,
        object_type="deal",
        object_id=deal.pk,
        object_url=reverse("deal-detail", args=[deal.pk]),
        summary=summary,
        data=deal_event_data(deal, **extra),
    )


def deal_created_events(deal: Deal) -> None:
    deal_event(deal, EventType.DEAL_CREATED, f"New deal {deal.name} at {deal.account.name}")


def deal_stage_events(deal: Deal, *, old_stage: str) -> None:
    """Stage changed, and won or lost when the new stage closes the deal."""
    if deal.stage == old_stage:
        return
    old_label, new_label = Stage(old_stage).label, Stage(deal.stage).label
    deal_event(
        deal,
        EventType.DEAL_STAGE_CHANGED,
        f"{deal.name} moved from {old_label} to {new_label}",
        from_stage=old_stage,
        to_stage=deal.stage,
    )
    if deal.stage == Stage.CLOSED_WON:
        deal_event(deal, EventType.DEAL_WON, f"{deal.name} was won")
    elif deal.stage == Stage.CLOSED_LOST:
        reason = deal.get_loss_reason_display() if deal.loss_reason else ""
        summary = f"{deal.name} was lost" + (f" ({reason.lower()})" if reason else "")
        deal_event(deal, EventType.DEAL_LOST, summary, loss_reason=deal.loss_reason)


def conversation_logged_event(conversation: Conversation) -> None:
    account, deal = conversation.account, conversation.deal
    logged_by = conversation.logged_by
    event_record(
        workspace=conversation.workspace_id,
        type=EventType.CONVERSATION_LOGGED,
        object_type="conversation",
        object_id=conversation.pk,
        object_url=reverse("conversation-detail", args=[conversation.pk]),
        summary=f"{conversation.get_kind_display()} with {account.name}: {conversation.title}",
        data={
            "conversation_id": conversation.pk,
            "title": conversation.title,
            "kind": conversation.kind,
            "occurred_on": conversation.occurred_on.isoformat(),
            "account_id": account.pk,
            "account": account.name,
            "deal_id": deal.pk if deal else None,
            "deal": deal.name if deal else None,
            "owner_id": deal.owner_id if deal else None,
            "logged_by_id": logged_by.pk if logged_by else None,
        },
        actor=logged_by,
    )


def _watched_deals(
    workspace_id: int, deal_ids: tuple, contact_ids: tuple, account_ids: tuple
) -> list[Deal]:
    """The open deals whose risks a change of these rows can move: the deals named, the deals
    the contacts hold roles on, and the deals of every account whose people (and so whose
    influence graph) the change touches."""
    accounts = set(account_ids)
    if contact_ids:
        accounts.update(
            Contact.all_objects.filter(workspace_id=workspace_id, pk__in=contact_ids).values_list(
                "account_id", flat=True
            )
        )
    where = Q(pk__in=deal_ids) | Q(account_id__in=accounts)
    if contact_ids:
        where |= Q(roles__contact_id__in=contact_ids)
    ids = (
        Deal.objects.filter(workspace_id=workspace_id, stage__in=OPEN_STAGES)
        .filter(where)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")[:RISK_WATCH_LIMIT]
    )
    return _load(workspace_id, list(ids))


def _load(workspace_id: int, ids: list[int]) -> list[Deal]:
    return list(
        Deal.objects.filter(workspace_id=workspace_id, pk__in=ids)
        .select_related("account")
        .only(
            "id",
            "workspace_id",
            "name",
            "stage",
            "amount",
            "owner_id",
            "account_id",
            "account__name",
            "loss_reason",
        )
        .order_by("pk")
    )


def _codes(deals: list[Deal], today: dt.date) -> dict[int, dict[str, Risk]]:
    risks = deal_risks_for(deals=deals, today=today)
    return {pk: {risk.code: risk for risk in found} for pk, found in risks.items()}


@contextmanager
def deal_risk_watch(
    *,
    workspace_id: int,
    deal_ids: tuple = (),
    contact_ids: tuple = (),
    account_ids: tuple = (),
    **_other: Any,
) -> Iterator[None]:
    """Write ``deal.risk_raised``/``deal.risk_cleared`` for what the wrapped change moved."""
    if not (deal_ids or contact_ids or account_ids):
        yield
        return
    today = timezone.localdate()
    before_deals = _watched_deals(workspace_id, deal_ids, contact_ids, account_ids)
    before = _codes(before_deals, today)
    yield
    after_deals = _load(workspace_id, [deal.pk for deal in before_deals])
    after = _codes(after_deals, today)
    for deal in after_deals:
        if deal.is_closed:
            continue  # closing clears every risk; deal.won/deal.lost says so once
        was, now = before.get(deal.pk, {}), after.get(deal.pk, {})
        for code in RISK_LABELS:  # most severe first
            if code in now and code not in was:
                deal_event(
                    deal,
                    EventType.DEAL_RISK_RAISED,
                    f"Risk on {deal.name}: {RISK_LABELS[code]}",
                    code=code,
                    label=RISK_LABELS[code],
                    message=now[code].message,
                )
            elif code in was and code not in now:
                deal_event(
                    deal,
                    EventType.DEAL_RISK_CLEARED,
                    f"Risk cleared on {deal.name}: {RISK_LABELS[code]}",
                    code=code,
                    label=RISK_LABELS[code],
                    message=was[code].message,
                )
