"""Outbound webhooks (PRODUCT.md §12): an admin's endpoints, and the signed deliveries to them.

Every request follows the Standard Webhooks specification: ``webhook-id`` is the event's id
(the same on every attempt and on a replay, so a receiver drops duplicates by it),
``webhook-timestamp`` the time of the attempt, ``webhook-signature`` an HMAC-SHA256 over
``id.timestamp.body`` with the endpoint's ``whsec_`` secret (encrypted at rest, shown once).

A delivery is claimed by compare-and-swap, and the claim is a lease: ``next_attempt_at`` moves
to ``now + lease`` (twice the request timeout, plus a margin) and ``last_attempt_at`` to now.
No second worker claims it before the lease ends; a worker killed mid-request leaves it
pending or retrying with a lease that runs out, and the beat sweep queues it again (same
``webhook-id``). An attempt writes its outcome only while the row still holds its claim
(``last_attempt_at`` unchanged), so a late worker never overwrites a newer attempt.

Auto-disable (after Svix): an endpoint whose every attempt has failed for 5 days, or for
24 hours with at least 10 deliveries failing in them, is switched off, its pending deliveries
are skipped, and every admin of the workspace gets a notification and an e-mail.
"""

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts_app.models import Membership, Workspace
from common import encryption
from common.exceptions import ApplicationError
from common.services import UNSET, Unset, check_owned, given, save_validated

from ..models import (
    EVENT_TYPE_VALUES,
    DeliveryState,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
)
from .webhook_http import Answer, post_signed, url_check
from .webhook_payload import iso_utc, secret_generate, signed_request

logger = logging.getLogger(__name__)

# Seconds to wait after failed attempt 1, 2, …: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h.
RETRY_SCHEDULE = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
JITTER = 0.1  # ± a tenth of the wait, so endpoints that failed together do not retry together
DISABLE_AFTER = timedelta(days=5)
DISABLE_FAST_AFTER = timedelta(hours=24)
DISABLE_FAST_FAILURES = 10
# A new delivery's kick normally takes it at once; the sweep leaves it this long first.
SWEEP_GRACE = timedelta(seconds=5)
SWEEP_BATCH = 500
OPEN = (DeliveryState.PENDING, DeliveryState.RETRYING)


# --- endpoints ----------------------------------------------------------------------------------


def _secret_store(endpoint: WebhookEndpoint) -> str:
    secret = secret_generate()
    endpoint.secret_encrypted = encryption.encrypt(secret)
    endpoint.secret_hint = f"whsec_…{secret[-4:]}"
    return secret


def _event_types_clean(event_types) -> list[str]:
    if not isinstance(event_types, list | tuple) or not all(
        isinstance(t, str) for t in event_types
    ):
        raise ApplicationError("Event types must be a list.", extra={"event_types": ["A list."]})
    unknown = sorted(set(event_types) - set(EVENT_TYPE_VALUES))
    if unknown:
        raise ApplicationError(
            f"Unknown event types: {', '.join(unknown)}.",
            extra={"event_types": [f"Unknown event type: {', '.join(unknown)}."]},
        )
    return [t for t in EVENT_TYPE_VALUES if t in event_types]  # the catalogue's order, once each


def _url_clean(url: str) -> str:
    url = (url or "").strip()
    url_check(url)  # a ValidationError on "url": not http(s), unresolvable, private
    return url


def webhook_endpoint_create(
    *,
    workspace: Workspace,
    url: str,
    event_types=(),
    description: str = "",
    created_by=None,
    enabled: bool = True,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret, in plain text this once (only its hint is kept readable)."""
    endpoint = WebhookEndpoint(
        workspace=workspace,
        url=_url_clean(url),
        event_types=_event_types_clean(list(event_types)),
        description=description,
        enabled=enabled,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    secret = _secret_store(endpoint)
    return save_validated(endpoint), secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    workspace: Workspace,
    endpoint: WebhookEndpoint,
    url: str | Unset = UNSET,
    event_types: list[str] | Unset = UNSET,
    description: str | Unset = UNSET,
    enabled: bool | Unset = UNSET,
) -> WebhookEndpoint:
    """Change what was given. Switching it on again clears why and since when it failed;
    switching it off skips what waits for it."""
    check_owned(endpoint, workspace)
    fields = given(url=url, event_types=event_types, description=description, enabled=enabled)
    if "url" in fields:
        fields["url"] = _url_clean(str(fields["url"]))
    if "event_types" in fields:
        fields["event_types"] = _event_types_clean(fields["event_types"])
    if fields.get("enabled") is True and not endpoint.enabled:
        fields.update(disabled_reason="", failing_since=None)
    if fields.get("enabled") is False and endpoint.enabled:
        fields.setdefault("disabled_reason", "Switched off by an admin.")
        _skip_waiting(endpoint, "The endpoint was switched off.")
    return save_validated(endpoint, **fields)


def webhook_endpoint_delete(*, workspace: Workspace, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its delivery log."""
    check_owned(endpoint, workspace)
    endpoint.delete()


def webhook_endpoint_rotate_secret(*, workspace: Workspace, endpoint: WebhookEndpoint) -> str:
    """A new secret, effective for the next attempt; returned in plain text this once."""
    check_owned(endpoint, workspace)
    secret = _secret_store(endpoint)
    endpoint.save(update_fields=["secret_encrypted", "secret_hint", "updated_at"])
    return secret


def _skip_waiting(endpoint: WebhookEndpoint, why: str) -> None:
    """Nothing more goes to a switched-off endpoint; a delivery's last error stays readable."""
    waiting = WebhookDelivery.objects.filter(endpoint=endpoint, state__in=OPEN)
    waiting.filter(error="").update(error=why)
    waiting.update(state=DeliveryState.SKIPPED, next_attempt_at=None)


# --- attempts -----------------------------------------------------------------------------------


def retry_delay(attempt: int) -> timedelta | None:
    """How long after failed attempt ``attempt`` (1-based) the next one comes; None: no more."""
    if attempt < 1 or attempt > len(RETRY_SCHEDULE):
        return None
    base = RETRY_SCHEDULE[attempt - 1]
    return timedelta(seconds=base * (1 + random.uniform(-JITTER, JITTER)))  # noqa: S311


def lease() -> timedelta:
    """How long a claimed attempt may take before another worker may try again."""
    return timedelta(seconds=2 * float(settings.DEALLENS_WEBHOOK_TIMEOUT_SECONDS) + 5)


def delivery_under_way(delivery: WebhookDelivery) -> bool:
    """Whether an attempt holds the delivery now (claimed, no outcome yet, lease running)."""
    return (
        delivery.state in OPEN
        and delivery.last_attempt_at is not None
        and delivery.duration_ms is None
        and delivery.last_attempt_at > timezone.now() - lease()
    )


def webhook_delivery_attempt(*, delivery_id: int) -> bool:
    """Make one attempt of a delivery whose time has come; False when there was nothing to do
    (delivered already, not due, or another worker holds it)."""
    now = timezone.now()
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, state__in=OPEN)
        .filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
        .update(
            last_attempt_at=now,
            next_attempt_at=now + lease(),
            attempts=F("attempts") + 1,
            duration_ms=None,  # None while under way: every outcome writes one
        )
    )
    if claimed != 1:
        return False
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "event__workspace", "event__actor")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:  # its endpoint was deleted meanwhile
        return False
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        _finish(
            delivery,
            claimed_at=now,
            state=DeliveryState.SKIPPED,
            duration_ms=0,
            error="Endpoint is off.",
        )
        return True
    try:
        secret = encryption.decrypt(endpoint.secret_encrypted)
    except encryption.SecretUnreadable as exc:
        answer = Answer(None, "", 0, str(exc))
    else:
        body, headers = signed_request(event=delivery.event, secret=secret, at=timezone.now())
        answer = post_signed(url=endpoint.url, body=body, headers=headers)
    _record(delivery, claimed_at=now, answer=answer)
    return True


def _finish(delivery: WebhookDelivery, *, claimed_at: datetime, **fields) -> bool:
    """Write an attempt's outcome if the row still holds this attempt's claim."""
    return (
        WebhookDelivery.objects.filter(pk=delivery.pk, last_attempt_at=claimed_at).update(
            **{"next_attempt_at": None, **fields}
        )
        == 1
    )


@transaction.atomic
def _record(delivery: WebhookDelivery, *, claimed_at: datetime, answer: Answer) -> None:
    outcome = {
        "response_status": answer.status,
        "response_excerpt": answer.excerpt[:500],
        "duration_ms": answer.duration_ms,
        "error": answer.error[:500],
    }
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=delivery.endpoint_id).first()
    if endpoint is None:  # deleted while the request was out: nothing left to record
        return
    if answer.ok:
        written = _finish(delivery, claimed_at=claimed_at, state=DeliveryState.SUCCEEDED, **outcome)
        if written and endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since", "updated_at"])
        return
    attempt = WebhookDelivery.objects.filter(pk=delivery.pk).values_list("attempts", flat=True)
    delay = retry_delay(attempt.first() or MAX_ATTEMPTS)
    if delay is None:
        written = _finish(delivery, claimed_at=claimed_at, state=DeliveryState.FAILED, **outcome)
    else:
        written = _finish(
            delivery,
            claimed_at=claimed_at,
            state=DeliveryState.RETRYING,
            **{**outcome, "next_attempt_at": timezone.now() + delay},
        )
    if written:
        _failure_noted(endpoint)


# --- auto-disable -------------------------------------------------------------------------------


def _failure_noted(endpoint: WebhookEndpoint) -> None:
    """Start the failing clock, and switch the endpoint off when it has failed long enough."""
    now = timezone.now()
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since", "updated_at"])
        return
    if not endpoint.enabled:
        return
    failing_for = now - endpoint.failing_since
    if failing_for >= DISABLE_AFTER:
        webhook_endpoint_auto_disable(endpoint=endpoint)
    elif failing_for >= DISABLE_FAST_AFTER:
        failed = WebhookDelivery.objects.filter(
            endpoint=endpoint,
            state__in=[DeliveryState.RETRYING, DeliveryState.FAILED],
            last_attempt_at__gte=now - DISABLE_FAST_AFTER,
        ).count()
        if failed >= DISABLE_FAST_FAILURES:
            webhook_endpoint_auto_disable(endpoint=endpoint)


def webhook_endpoint_auto_disable(*, endpoint: WebhookEndpoint) -> None:
    """Switch off a failing endpoint and tell every admin of its workspace, in the app and by
    e-mail (after commit; a mail server that is down loses the e-mail, not the switch)."""
    since = iso_utc(endpoint.failing_since or timezone.now())
    endpoint.enabled = False
    endpoint.disabled_reason = (
        f"Switched off automatically: every delivery has failed since {since}."
    )
    endpoint.save(update_fields=["enabled", "disabled_reason", "updated_at"])
    _skip_waiting(endpoint, "The endpoint was switched off after failing.")
    path = reverse("webhook-detail", args=[endpoint.pk])
    message = f"Webhook endpoint {endpoint.url} was switched off: it kept failing since {since}."
    admins = list(
        Membership.objects.filter(
            workspace_id=endpoint.workspace_id, role=Membership.Role.ADMIN
        ).select_related("user")
    )
    Notification.objects.bulk_create(
        [
            Notification(
                workspace_id=endpoint.workspace_id, user=m.user, message=message[:300], url=path
            )
            for m in admins
        ]
    )
    recipients = [m.user.email for m in admins if m.user.email]
    body = (
        f"{message}\n\nFix the receiver, then switch the endpoint on again and replay what it "
        f"missed:\n{settings.DEALLENS_BASE_URL}{path}\n"
    )

    def mail() -> None:
        try:
            send_mail("DealLens: a webhook endpoint was switched off", body, None, recipients)
        except Exception:  # the switch and the notifications stand without the e-mail
            logger.exception("Could not e-mail the admins about webhook endpoint %s", endpoint.pk)

    if recipients:
        transaction.on_commit(mail)


# --- the sweep and replays ----------------------------------------------------------------------


def _queue(delivery_ids) -> int:
    from common.taskqueue import BROKER_ERRORS, PUBLISH_RETRY

    from ..tasks import webhook_deliver

    queued = 0
    try:
        for pk in delivery_ids:
            webhook_deliver.apply_async((pk,), retry_policy=PUBLISH_RETRY)
            queued += 1
    except BROKER_ERRORS:
        logger.warning("Broker unavailable: webhook deliveries wait for the next sweep.")
    return queued


def webhook_deliveries_due() -> int:
    """Beat: queue the deliveries whose time has come — retries, kicks that were lost, and
    attempts whose worker died (their lease ran out). Returns how many were queued."""
    now = timezone.now()
    due = (
        WebhookDelivery.objects.filter(state__in=OPEN, endpoint__enabled=True)
        .filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at=None, created_at__lte=now - SWEEP_GRACE)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return _queue(list(due))


@transaction.atomic
def webhook_delivery_replay(*, workspace: Workspace, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again with the same ``webhook-id``, queued after commit; the retry
    schedule starts over. Refused while an attempt is under way or the endpoint is off."""
    check_owned(delivery, workspace)
    delivery = (
        WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    )
    if not delivery.endpoint.enabled:
        raise ApplicationError("Switch the endpoint on before replaying its deliveries.")
    if delivery_under_way(delivery):
        raise ApplicationError("This delivery is being sent right now; try again in a moment.")
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = None
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
    transaction.on_commit(lambda: _queue([delivery.pk]), robust=True)
    return delivery


def webhook_secrets_rotate() -> int:
    """Re-encrypt every endpoint's secret with the newest key (``rotate_encryption_keys``);
    returns how many were re-encrypted."""
    done = 0
    for endpoint in WebhookEndpoint.objects.only("pk", "secret_encrypted").iterator():
        if encryption.is_current(endpoint.secret_encrypted):
            continue
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            secret_encrypted=encryption.rotate(endpoint.secret_encrypted)
        )
        done += 1
    return done
