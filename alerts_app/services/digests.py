"""Daily and weekly e-mail digests (PRODUCT.md §12), sent by the hourly beat task.

Each member whose ``digest_hour`` is this hour (settings.TIME_ZONE) gets one e-mail with their
pending digest lines: daily subscriptions every day, weekly ones on their ``digest_weekday``.
Members are taken in batches, each batch in one transaction: the due preferences are locked
(``SKIP LOCKED``: a second run at the same time leaves them to the first), their lines read in
one query, the e-mails sent over one connection, then the lines of the e-mails that went out
are marked sent in the same transaction that records ``last_daily_digest_at`` /
``last_weekly_digest_at``. A preference whose digest already went this hour is not due, so the
beat task run twice sends nothing twice; an e-mail the mail server refused leaves its lines
pending for the next digest. Queries per batch do not grow with its members.

At-least-once, as for e-mail now: the e-mails go out before the transaction commits, so a
commit that fails after sending sends the same digest again on the next run in that hour.
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from accounts_app.models import Membership

from ..models import AlertPreference, Channel, ChannelDelivery, DeliveryState, DigestFrequency
from . import wording
from .channels import _SendFailed, email_headers, email_send, message_id

logger = logging.getLogger(__name__)

BATCH = 100  # members per transaction
MAX_LINES = 50  # lines per digest; the rest are counted with a link to /notifications/
TYPE_ORDER = {event_type: index for index, event_type in enumerate(wording.HEADINGS)}


@dataclass
class Digest:
    """One member's digest: which frequencies are due, and their lines."""

    preference: AlertPreference
    hour: datetime
    daily: bool
    weekly: bool
    deliveries: list[ChannelDelivery] = field(default_factory=list)


def _hour_start(now: datetime) -> datetime:
    local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
    return local.replace(minute=0, second=0, microsecond=0)


def digests_send_due(now: datetime | None = None) -> int:
    """Send the digests due this hour; returns how many e-mails went out."""
    now = now or timezone.now()
    hour = _hour_start(now)
    sent, after_id = 0, 0
    while True:
        batch_sent, after_id = _send_batch(now, hour, after_id)
        sent += batch_sent
        if after_id is None:
            return sent


def _due(hour: datetime) -> Q:
    daily = Q(last_daily_digest_at=None) | Q(last_daily_digest_at__lt=hour)
    weekly = Q(digest_weekday=hour.weekday()) & (
        Q(last_weekly_digest_at=None) | Q(last_weekly_digest_at__lt=hour)
    )
    return Q(digest_hour=hour.hour) & (daily | weekly)


@transaction.atomic
def _send_batch(now: datetime, hour: datetime, after_id: int) -> tuple[int, Any]:
    member = Membership.objects.filter(workspace=OuterRef("workspace"), user=OuterRef("user"))
    preferences = list(
        AlertPreference.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(_due(hour), Exists(member), pk__gt=after_id, user__is_active=True)
        .select_related("user", "workspace")
        .order_by("pk")[:BATCH]
    )
    if not preferences:
        return 0, None
    digests = {
        (p.workspace_id, p.user_id): Digest(
            preference=p,
            hour=hour,
            daily=p.last_daily_digest_at is None or p.last_daily_digest_at < hour,
            weekly=p.digest_weekday == hour.weekday()
            and (p.last_weekly_digest_at is None or p.last_weekly_digest_at < hour),
        )
        for p in preferences
    }
    lines = (
        ChannelDelivery.objects.filter(
            channel=Channel.DIGEST,
            state=DeliveryState.PENDING,
            subscription__enabled=True,
            workspace_id__in={p.workspace_id for p in preferences},
            subscription__user_id__in={p.user_id for p in preferences},
        )
        .select_related("event", "subscription__segment")
        .order_by("-event__occurred_at", "-event_id")
    )
    for delivery in lines:
        digest = digests.get((delivery.workspace_id, delivery.subscription.user_id))
        frequency = delivery.subscription.digest_frequency
        if digest and (digest.weekly if frequency == DigestFrequency.WEEKLY else digest.daily):
            digest.deliveries.append(delivery)

    sent_ids: list[int] = []
    done: list[Digest] = []
    connection = get_connection()
    try:
        connection.open()  # one connection for the batch (Django opens one per send otherwise)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("Digests wait: the mail server is not answering (%s).", exc)
        return 0, None  # nothing recorded: the next run in this hour tries again
    try:
        for digest in digests.values():
            if not digest.deliveries:
                done.append(digest)  # nothing pending: no e-mail, and this hour is done
                continue
            message = _message(digest)
            if message is None:
                continue
            try:
                email_send(message, connection)
            except _SendFailed as failure:
                logger.warning(
                    "Digest of preference %s not sent: %s", digest.preference.pk, failure
                )
                if _server_gone(failure.__cause__):
                    break  # the rest of the batch waits for the next run
                continue  # this message was refused; the others may go
            done.append(digest)
            sent_ids.extend(d.pk for d in digest.deliveries)
    finally:
        connection.close()
    _record(now, done, sent_ids)
    return sum(1 for d in done if d.deliveries), preferences[-1].pk


def _server_gone(error: BaseException | None) -> bool:
    """A failure that ends the batch's sending; the others (a refused address, a message too
    big) are about one message. SMTPException is an OSError too, so it is told apart first."""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _record(now: datetime, done: list[Digest], sent_ids: list[int]) -> None:
    """Mark the lines sent and the hour done, in the batch's transaction (two queries)."""
    if sent_ids:
        ChannelDelivery.objects.filter(pk__in=sent_ids, state=DeliveryState.PENDING).update(
            state=DeliveryState.SUCCEEDED, sent_at=now, attempts=F("attempts") + 1
        )
    daily = [d.preference.pk for d in done if d.daily]
    weekly = [d.preference.pk for d in done if d.weekly]
    if daily or weekly:
        AlertPreference.objects.filter(pk__in=daily + weekly).update(
            last_daily_digest_at=Case(
                When(pk__in=daily or [0], then=Value(now)), default=F("last_daily_digest_at")
            ),
            last_weekly_digest_at=Case(
                When(pk__in=weekly or [0], then=Value(now)), default=F("last_weekly_digest_at")
            ),
        )


def _line(delivery: ChannelDelivery) -> dict[str, Any]:
    event = delivery.event
    return {
        "event": event,
        "object_name": wording.event_object_name(event),
        "summary": event.summary,
        "detail": wording.event_detail(event),
        "link": wording.event_link(event),
    }


def _groups(deliveries: list[ChannelDelivery]) -> tuple[list[dict[str, Any]], int]:
    """Lines grouped under a heading per event type, newest first; one line per event even
    when two subscriptions brought it; at most MAX_LINES, with how many more there are."""
    seen: set[int] = set()
    unique = []
    for delivery in deliveries:  # already newest first
        if delivery.event_id not in seen:
            seen.add(delivery.event_id)
            unique.append(delivery)
    shown, more = unique[:MAX_LINES], max(len(unique) - MAX_LINES, 0)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for delivery in shown:
        grouped[delivery.event.type].append(_line(delivery))
    groups = [
        {"type": t, "heading": wording.HEADINGS.get(t, t), "lines": grouped[t]}
        for t in sorted(grouped, key=lambda t: TYPE_ORDER.get(t, len(TYPE_ORDER)))
    ]
    return groups, more


def _message(digest: Digest) -> EmailMultiAlternatives | None:
    preference = digest.preference
    address = (preference.user.email or "").strip()
    if not address:
        return None  # lines stay pending; an address added later gets them
    groups, more = _groups(digest.deliveries)
    subscriptions = {d.subscription_id: d.subscription for d in digest.deliveries}
    frequencies = {s.digest_frequency for s in subscriptions.values()}
    kind = (
        "daily"
        if frequencies == {DigestFrequency.DAILY}
        else "weekly"
        if frequencies == {DigestFrequency.WEEKLY}
        else ""
    )
    unsubscribe = wording.unsubscribe_url(
        user_id=preference.user_id, subscription_ids=list(subscriptions)
    )
    count = len({d.event_id for d in digest.deliveries})
    context = {
        "workspace": preference.workspace,
        "kind": kind,
        "groups": groups,
        "count": count,
        "more": more,
        "notifications_url": wording.absolute_url("/notifications/"),
        "reasons": [wording.subscription_describe(s) for s in subscriptions.values()],
        "unsubscribe_url": unsubscribe,
        "settings_url": wording.absolute_url("/settings/alerts/"),
    }
    title = f"Your {kind + ' ' if kind else ''}DealLens digest"
    subject = f"{title}: {count} update{'s' if count != 1 else ''} in {preference.workspace.name}"
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=render_to_string("alerts_app/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=email_headers(
            unsubscribe_url=unsubscribe,
            message_id=message_id(f"digest-{preference.pk}.{digest.hour:%Y%m%d%H}"),
        ),
    )
    message.attach_alternative(
        render_to_string("alerts_app/email/digest.html", context), "text/html"
    )
    return message
