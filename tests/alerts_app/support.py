"""Helpers of the alerts tests: events written the way services write them, then fanned out."""

from django.db import transaction

from events_app.models import EventType
from events_app.services import event_record, events_dispatch_pending


def deal_event(
    workspace,
    deal,
    *,
    type=EventType.DEAL_RISK_RAISED,
    actor=None,
    summary=None,
    amount="50000.00",
    owner_id=None,
    account_id=None,
):
    """Record one deal event in a transaction and run the outbox sweep (the fan-out)."""
    with transaction.atomic():
        event = event_record(
            workspace=workspace,
            type=type,
            object_type="deal",
            object_id=deal.pk,
            object_url=f"/deals/{deal.pk}/",
            summary=summary or f"{deal.name}: no champion any more",
            data={
                "deal_id": deal.pk,
                "name": deal.name,
                "owner_id": owner_id if owner_id is not None else deal.owner_id,
                "amount": amount,
                "account_id": account_id if account_id is not None else deal.account_id,
                "code": "no_champion",
            },
            actor=actor,
        )
    events_dispatch_pending()
    return event


def other_event(workspace, *, type=EventType.IMPORT_FINISHED, summary="Import finished", url=""):
    with transaction.atomic():
        event = event_record(
            workspace=workspace,
            type=type,
            object_type="import",
            object_id=1,
            object_url=url,
            summary=summary,
        )
    events_dispatch_pending()
    return event
