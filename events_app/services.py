"""Writing events into the outbox and handing them on after commit (PRODUCT.md §12).

``event_record`` is called by the service that makes a change, inside its transaction: the
event commits or rolls back with the change. After commit one task per transaction sweeps the
outbox (``events_dispatch_pending``); the fan-outs registered by higher apps (alerts_app) turn
each event into notifications and deliveries. With the broker down the kick is lost but the
rows are not: the beat sweep (settings ``events-dispatch-pending``) sends them when it is back.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts_app.models import Workspace
from common.taskqueue import BROKER_ERRORS, PUBLISH_RETRY

from .models import Event

logger = logging.getLogger(__name__)

# How many outbox rows one sweep hands on before it re-queues itself.
DISPATCH_BATCH = 200

Fanout = Callable[[Event], None]
Watcher = Callable[..., AbstractContextManager[None]]
_fanouts: list[Fanout] = []
_watchers: list[Watcher] = []


def fanout_register(fanout: Fanout) -> None:
    """A higher app's handler, called once per event inside the sweep's transaction; it must
    be idempotent by event (a worker killed mid-sweep sweeps the event again)."""
    if fanout not in _fanouts:
        _fanouts.append(fanout)


def watcher_register(watcher: Watcher) -> None:
    """A higher app's before-and-after look at a change of lower rows (deals_app compares the
    risk codes of the deals a contact or an advocacy edge touches)."""
    if watcher not in _watchers:
        _watchers.append(watcher)


@contextmanager
def change_watch(*, workspace_id: int, **scope: Any) -> Iterator[None]:
    """Run the registered watchers around a change (inside its transaction).

    ``scope`` names the rows the change touches by kind (``deal_ids``, ``contact_ids``,
    ``account_ids``, ``conversation_ids``, ``assumption_ids``); each watcher reads the kinds
    it knows and ignores the rest.
    """
    scope = {kind: tuple(ids) for kind, ids in scope.items() if ids}
    with ExitStack() as stack:
        if scope:
            for watcher in _watchers:
                stack.enter_context(watcher(workspace_id=workspace_id, **scope))
        yield


def _request_actor() -> Any:
    """The signed-in user of the request being served, if any (django-simple-history's
    middleware keeps the request; DRF sets the token's user on it)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user if isinstance(user, get_user_model()) else None
    return None


def event_record(
    *,
    workspace: Workspace | int,
    type: str,
    object_type: str,
    object_id: Any = "",
    object_url: str = "",
    summary: str,
    data: dict | None = None,
    actor: Any = None,
) -> Event:
    """Write one event in the caller's transaction; it is handed on after that commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record must run inside the transaction of its change.")
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    event = Event(
        workspace_id=workspace_id,
        type=type,
        occurred_at=timezone.now(),
        actor=actor if actor is not None else _request_actor(),
        object_type=object_type,
        object_id=str(object_id or ""),
        object_url=object_url,
        summary=summary[:300],
        data=data or {},
    )
    event.full_clean(exclude=["workspace", "actor"])
    event.save()
    _kick_after_commit()
    return event


def _kick_after_commit() -> None:
    connection = transaction.get_connection()
    # One kick per transaction, however many events it wrote.
    if any(entry[1] is _kick for entry in connection.run_on_commit):
        return
    transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    from .tasks import events_dispatch  # the task calls back into this module

    try:
        events_dispatch.apply_async(retry_policy=PUBLISH_RETRY)
    except BROKER_ERRORS:
        # The rows wait in the outbox; the beat sweep sends them when the broker is back.
        logger.warning("Broker unavailable: events wait in the outbox for the next sweep.")


def events_dispatch_pending(*, limit: int = DISPATCH_BATCH) -> int:
    """Hand on up to ``limit`` undispatched events, oldest first; returns how many.

    Each event is claimed with ``SKIP LOCKED`` in its own transaction, so two sweeps never hand
    on one event twice, and a sweep killed half-way leaves the rest for the next one.
    """
    done = 0
    while done < limit:
        with transaction.atomic():
            event = (
                Event.objects.select_for_update(skip_locked=True)
                .filter(dispatched_at=None)
                .order_by("id")
                .first()
            )
            if event is None:
                break
            for fanout in _fanouts:
                fanout(event)
            Event.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
        done += 1
    return done


def events_pending_count() -> int:
    return Event.objects.filter(dispatched_at=None).count()
