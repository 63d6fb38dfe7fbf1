"""E-mail now and Slack: sending one delivery, retrying it, and the Slack URLs they go to.

A delivery is claimed by compare-and-swap before anything is sent: its ``attempts`` go up
and ``next_attempt_at`` becomes a lease (``SENDING_LEASE``) while it stays pending or
retrying, so a second task for the same delivery (the kick and the sweep both queued it, a
task run twice) finds nothing to claim and sends nothing. A delivery that succeeded, failed
or was skipped is never claimed again. A worker killed after the mail server took the
message but before the row was marked leaves the lease to run out, and the sweep sends it
once more: e-mail and Slack are at-least-once (the e-mail keeps its Message-ID, so most
clients show the copy as one message).

Failures (the mail server down or refusing, Slack answering other than 200) are retried after
1 min, 5 min and 30 min, then the delivery is failed; ``last_error`` says why, never with the
Slack URL, which is a secret.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts_app.models import Membership
from common import encryption
from common.exceptions import ApplicationError
from common.taskqueue import BROKER_ERRORS, PUBLISH_RETRY

from ..models import (
    Channel,
    ChannelDelivery,
    DeliveryState,
    Subscription,
    WorkspaceAlertSettings,
)
from . import wording

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd and 3rd failed attempt; the 4th failure is final.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
# How long a claimed delivery is left to its worker before the sweep sends it again.
SENDING_LEASE = timedelta(minutes=5)
# A new delivery is queued by the fan-out's kick; the sweep takes it only after this long.
KICK_GRACE = timedelta(seconds=30)
SWEEP_BATCH = 500
SLACK_TIMEOUT_SECONDS = 10
SLACK_HOSTS = ("hooks.slack.com",)
# Incoming webhooks (/services/…) and Workflow Builder webhooks (/triggers/…, /workflows/…).
SLACK_PATHS = ("/services/", "/triggers/", "/workflows/")
OPEN = (DeliveryState.PENDING, DeliveryState.RETRYING)


class _SendFailed(Exception):
    """A failure worth another attempt; the message is safe to store."""


class _Skip(Exception):
    """Nothing to send to (no e-mail address, no Slack URL, the member left)."""


def _claim(delivery_id: int, now: datetime) -> bool:
    due = Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
    claimed = ChannelDelivery.objects.filter(
        due, pk=delivery_id, state__in=OPEN, channel__in=[Channel.EMAIL, Channel.SLACK]
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE)
    return claimed == 1


def channel_delivery_send(*, delivery_id: int) -> str:
    """Send one e-mail-now or Slack delivery if it is due and nobody else is; returns the
    delivery's state afterwards (or 'not-claimed')."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return "not-claimed"
    delivery = (
        ChannelDelivery.objects.select_related(
            "event", "subscription__user", "subscription__segment", "workspace"
        )
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:  # deleted since (its subscription or event went)
        return "not-claimed"
    mine = ChannelDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    try:
        _check_recipient(delivery)
        if delivery.channel == Channel.EMAIL:
            _send_email(delivery)
        else:
            _send_slack(delivery)
    except _Skip as skip:
        mine.update(state=DeliveryState.SKIPPED, next_attempt_at=None, last_error=str(skip)[:500])
        return DeliveryState.SKIPPED
    except _SendFailed as failure:
        return _failed(delivery, str(failure))
    except Exception as exc:  # a bug or a misconfiguration: retried, then failed, never looped
        logger.exception("Channel delivery %s: unexpected error", delivery.pk)
        return _failed(delivery, f"Unexpected error: {type(exc).__name__}")
    # Sent: mark it whoever holds the lease now, so no later claim sends it again.
    ChannelDelivery.objects.filter(pk=delivery.pk, state__in=OPEN).update(
        state=DeliveryState.SUCCEEDED, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return DeliveryState.SUCCEEDED


def _failed(delivery: ChannelDelivery, reason: str) -> str:
    """Schedule the next attempt, or give up after the last; only while this claim holds."""
    attempt = delivery.attempts
    final = attempt > len(RETRY_DELAYS)
    ChannelDelivery.objects.filter(pk=delivery.pk, attempts=attempt, state__in=OPEN).update(
        state=DeliveryState.FAILED if final else DeliveryState.RETRYING,
        next_attempt_at=None if final else timezone.now() + RETRY_DELAYS[attempt - 1],
        last_error=f"Attempt {attempt}: {reason}"[:500],
    )
    logger.info("Channel delivery %s attempt %s failed: %s", delivery.pk, attempt, reason)
    return DeliveryState.FAILED if final else DeliveryState.RETRYING


def _check_recipient(delivery: ChannelDelivery) -> None:
    subscription = delivery.subscription
    if not subscription.enabled:
        raise _Skip("The subscription was turned off before this was sent.")
    member = Membership.objects.filter(
        workspace_id=delivery.workspace_id, user_id=subscription.user_id
    ).exists()
    if not member or not subscription.user.is_active:
        raise _Skip("The member is no longer in this workspace.")


# --- e-mail ---------------------------------------------------------------------------------


def message_id(local_part: str) -> str:
    """A Message-ID that stays the same when the same e-mail is sent again."""
    host = urlsplit(settings.DEALLENS_BASE_URL).hostname or "deallens.local"
    return f"<{local_part}@{host}>"


def email_headers(*, unsubscribe_url: str, message_id: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe, and no auto-replies to an automatic message."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "Message-ID": message_id,
    }


def email_send(message: EmailMultiAlternatives, connection: Any = None) -> None:
    """Hand one message to the mail server; what may go wrong becomes ``_SendFailed``."""
    if connection is not None:
        message.connection = connection
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise _SendFailed(f"Mail server: {type(exc).__name__}: {exc}"[:300]) from exc


def one_line(text: str) -> str:
    """A header value: no line breaks (Django refuses them), not too long."""
    return " ".join(str(text).split())[:200]


def _send_email(delivery: ChannelDelivery) -> None:
    subscription, event = delivery.subscription, delivery.event
    address = (subscription.user.email or "").strip()
    if not address:
        raise _Skip(f"{subscription.user} has no e-mail address.")
    unsubscribe = wording.unsubscribe_url(
        user_id=subscription.user_id, subscription_ids=[subscription.pk]
    )
    context = {
        "event": event,
        "object_name": wording.event_object_name(event),
        "detail": wording.event_detail(event),
        "link": wording.event_link(event),
        "reason": wording.subscription_describe(subscription),
        "workspace": delivery.workspace,
        "unsubscribe_url": unsubscribe,
        "settings_url": wording.absolute_url("/settings/alerts/"),
    }
    name = str(context["object_name"])
    subject = event.summary if name in event.summary else f"{name}: {event.summary}"
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string("alerts_app/email/event.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=email_headers(
            unsubscribe_url=unsubscribe,
            message_id=message_id(f"alert-{delivery.pk}.{event.uid.hex}"),
        ),
    )
    message.attach_alternative(
        render_to_string("alerts_app/email/event.html", context), "text/html"
    )
    email_send(message)


# --- Slack ----------------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Slack's mrkdwn control characters, escaped as its docs ask."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(*, event: Any, workspace_name: str) -> dict[str, Any]:
    """A Block Kit message: the deal (or object) linked, what changed, and a context line."""
    name, link = wording.event_object_name(event), wording.event_link(event)
    detail = wording.event_detail(event)
    # A link's label ends at "|": none in the name.
    lines = [f"*<{link}|{slack_escape(name).replace('|', '/')}>*", slack_escape(event.summary)]
    if detail:
        lines.append(f"_{slack_escape(detail)}_")
    return {
        # The notification's text (and what clients without blocks show).
        "text": f"{slack_escape(name)}: {slack_escape(event.summary)} {link}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}},
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"{slack_escape(event.get_type_display())} · "
                        f"{slack_escape(workspace_name)} · <{link}|Open in DealLens>",
                    }
                ],
            },
        ],
    }


def slack_url_for(subscription: Subscription) -> str:
    """The subscription's own incoming webhook, else the workspace's; '' when neither."""
    token = subscription.slack_url_encrypted
    if not token:
        settings_row = WorkspaceAlertSettings.objects.filter(
            workspace_id=subscription.workspace_id
        ).first()
        token = settings_row.slack_url_encrypted if settings_row else ""
    return encryption.decrypt(token) if token else ""


def _send_slack(delivery: ChannelDelivery) -> None:
    from slack_sdk.webhook import WebhookClient

    try:
        url = slack_url_for(delivery.subscription)
    except encryption.SecretUnreadable as exc:
        raise _Skip(str(exc)) from exc
    if not url:
        raise _Skip("No Slack incoming webhook is set for this subscription or the workspace.")
    message = slack_message(event=delivery.event, workspace_name=delivery.workspace.name)
    try:
        response = WebhookClient(url, timeout=SLACK_TIMEOUT_SECONDS).send_dict(message)
    except Exception as exc:  # urllib's errors, timeouts, TLS: all worth another attempt
        reason = str(exc).replace(url, "[Slack URL]")
        raise _SendFailed(f"Slack: {type(exc).__name__}: {reason}"[:300]) from exc
    if response.status_code != 200:
        body = str(response.body or "").replace(url, "[Slack URL]")[:200]
        raise _SendFailed(f"Slack answered {response.status_code}: {body}")


def slack_url_validate(url: str) -> str:
    """A Slack incoming-webhook URL (``https://hooks.slack.com/services/…``), stripped; with
    DEALLENS_WEBHOOKS_ALLOW_PRIVATE (tests, closed networks) any http(s) URL, so a local
    receiver can stand in for Slack."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE:
        if parts.scheme in ("https", "http") and parts.hostname:
            return url
    elif (
        parts.scheme == "https"
        and parts.hostname in SLACK_HOSTS
        and parts.port in (None, 443)
        and any(parts.path.startswith(p) and len(parts.path) > len(p) for p in SLACK_PATHS)
    ):
        return url
    message = "Enter a Slack incoming-webhook URL (https://hooks.slack.com/services/…)."
    raise ApplicationError(message, extra={"slack_url": [message]})


def slack_url_hint(url: str) -> str:
    """Enough to recognise a stored URL without revealing it: its host and last characters."""
    return f"{urlsplit(url).hostname}/…{url.rstrip('/')[-4:]}"[:40]


def slack_url_encrypt(url: str) -> str:
    """The stored form of a validated URL ('' clears it)."""
    return encryption.encrypt(slack_url_validate(url)) if (url or "").strip() else ""


def subscription_slack_url_set(*, subscription: Subscription, url: str) -> Subscription:
    """A subscription's own Slack incoming webhook (empty: the workspace's is used)."""
    subscription.slack_url_encrypted = slack_url_encrypt(url)
    subscription.save(update_fields=["slack_url_encrypted", "updated_at"])
    return subscription


# --- the sweep ------------------------------------------------------------------------------


def channel_deliveries_due(*, now: datetime | None = None) -> int:
    """Queue the e-mail and Slack deliveries whose time has come: retries, pending ones whose
    kick was lost, and claimed ones whose worker died (the lease ran out). Returns how many."""
    from ..tasks import channel_deliver

    now = now or timezone.now()
    due = ChannelDelivery.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at=None, created_at__lte=now - KICK_GRACE),
        channel__in=[Channel.EMAIL, Channel.SLACK],
        state__in=OPEN,
    ).order_by("id")
    ids = list(due.values_list("pk", flat=True)[:SWEEP_BATCH])
    queued = 0
    try:
        for pk in ids:
            channel_deliver.apply_async((pk,), retry_policy=PUBLISH_RETRY)
            queued += 1
    except BROKER_ERRORS:
        logger.warning("Broker unavailable: %s channel deliveries wait.", len(ids) - queued)
    return queued


def slack_urls_rotate() -> int:
    """Re-encrypt every stored Slack URL with the newest key (``rotate_encryption_keys``)."""
    done = 0
    for model in (Subscription, WorkspaceAlertSettings):
        rows = model.objects.exclude(slack_url_encrypted="").only("pk", "slack_url_encrypted")
        for row in rows.iterator():
            if not encryption.is_current(row.slack_url_encrypted):
                model.objects.filter(pk=row.pk).update(
                    slack_url_encrypted=encryption.rotate(row.slack_url_encrypted)
                )
                done += 1
    return done
