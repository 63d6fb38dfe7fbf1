"""Outbox sweep: thin, safe to run twice (an event is claimed once and its fan-out is
idempotent by event id)."""

from celery import shared_task

from .services import DISPATCH_BATCH


@shared_task
def events_dispatch() -> int:
    from .services import events_dispatch_pending

    sent = events_dispatch_pending()
    if sent >= DISPATCH_BATCH:  # more waiting: another sweep, not one endless task
        events_dispatch.delay()
    return sent
