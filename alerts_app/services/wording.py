"""How an event and a subscription read in an e-mail, a digest and a Slack message: the
object's name, what changed, the link, and why the member hears about it. No writes."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from events_app.models import EventType

from ..models import Channel, DealScope, DigestFrequency, Subscription

UNSUBSCRIBE_SALT = "alerts_app.unsubscribe"

# Digest headings, one per event type, in the order a digest lists them.
HEADINGS: dict[str, str] = {
    EventType.DEAL_RISK_RAISED: "Risks raised",
    EventType.DEAL_RISK_CLEARED: "Risks cleared",
    EventType.DEAL_WON: "Deals won",
    EventType.DEAL_LOST: "Deals lost",
    EventType.DEAL_STAGE_CHANGED: "Stage changes",
    EventType.DEAL_CREATED: "New deals",
    EventType.SEGMENT_SHIFTED: "Segments that shifted",
    EventType.ASSUMPTION_STATUS_CHANGED: "Assumptions that changed status",
    EventType.FEATURE_REQUEST_CREATED: "New feature requests",
    EventType.CONVERSATION_LOGGED: "Conversations logged",
    EventType.SURVEY_ANSWERED: "Survey answers",
    EventType.IMPORT_FINISHED: "Imports finished",
    EventType.SYNC_FAILED: "CRM syncs that failed",
}

_METRIC_NAMES = {"win_rate": "win rate", "pipeline": "pipeline", "pipeline_share": "pipeline"}


def absolute_url(path: str) -> str:
    """A link for outside the app (mail, Slack): DEALLENS_BASE_URL and a path."""
    if path.startswith(("https://", "http://")):
        return path
    return f"{settings.DEALLENS_BASE_URL}/{path.lstrip('/')}"


def event_link(event: Any) -> str:
    return absolute_url(event.object_url or "/notifications/")


def event_object_name(event: Any) -> str:
    """The deal (or other object) an event is about, as a person names it."""
    data = event.data or {}
    if event.type == EventType.SEGMENT_SHIFTED:
        dimension = str(data.get("dimension", "")).replace("_", " ").capitalize()
        value = data.get("value") or "(none)"
        return f"{dimension}: {value}" if dimension else str(value)
    for key in ("deal", "name", "title", "statement", "account"):
        if data.get(key):
            return str(data[key])
    return str(event.object_type).replace("_", " ").capitalize()


def _number(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def _percent(value: Decimal) -> Decimal:
    """Win rates may come as shares (0.42) or percentages (42): shown as percentages."""
    return value * 100 if abs(value) <= 1 else value


def segment_shift_line(data: dict) -> str:
    """'Win rate 42% → 28% (−14 points)' or 'Pipeline 120,000 → 80,000 (−33%)'."""
    metric = str(data.get("metric", ""))
    name = _METRIC_NAMES.get(metric, metric.replace("_", " ")).capitalize()
    before, after = _number(data.get("before")), _number(data.get("after"))
    if before is None or after is None:
        return name
    if "rate" in metric:
        b, a = _percent(before), _percent(after)
        delta = a - b
        sign = "+" if delta >= 0 else "−"
        return f"{name} {b:.0f}% → {a:.0f}% ({sign}{abs(delta):.0f} points)"
    change = ""
    if before:
        share = (after - before) / abs(before) * 100
        change = f" ({'+' if share >= 0 else '−'}{abs(share):.0f}%)"
    return f"{name} {before:,.0f} → {after:,.0f}{change}"


def event_detail(event: Any) -> str:
    """A second line under the summary, when the event carries one (a risk's message, a
    segment's before and after)."""
    data = event.data or {}
    if event.type == EventType.SEGMENT_SHIFTED:
        return segment_shift_line(data)
    if event.type in (EventType.DEAL_RISK_RAISED, EventType.DEAL_RISK_CLEARED):
        return str(data.get("message", ""))
    return ""


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def subscription_describe(subscription: Subscription) -> str:
    """'deal risk raised on your deals, by e-mail as it happens' — why a member hears."""
    labels = []
    for value in subscription.event_types:
        try:
            labels.append(str(EventType(value).label).lower())
        except ValueError:
            labels.append(str(value))
    what = _join(labels) if labels else "no events"
    filters = []
    if subscription.scope == DealScope.MINE:
        filters.append("on your deals")
    if subscription.min_amount is not None:
        filters.append(f"of at least {subscription.min_amount:,.0f}")
    if subscription.segment_id is not None:
        filters.append(f"in the segment “{subscription.segment}”")
    ways: dict[str, str] = {
        Channel.EMAIL: "by e-mail as it happens",
        Channel.SLACK: "in Slack",
        Channel.IN_APP: "in the app",
    }
    how = ways.get(subscription.channel, "")
    if subscription.channel == Channel.DIGEST:
        frequency = DigestFrequency(subscription.digest_frequency).label.lower()
        how = f"in a {frequency} digest"
    return " ".join([what, *filters]) + f", {how}"


def unsubscribe_token(*, user_id: int, subscription_ids: list[int]) -> str:
    """A signed, unguessable link payload: these subscriptions of this member, nothing else."""
    return signing.dumps({"u": user_id, "s": sorted(subscription_ids)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, list[int]] | None:
    """(user id, subscription ids) of a token this server signed; None for any other."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, ids = int(payload["u"]), [int(pk) for pk in payload["s"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (user_id, ids) if ids else None


def unsubscribe_url(*, user_id: int, subscription_ids: list[int]) -> str:
    token = unsubscribe_token(user_id=user_id, subscription_ids=subscription_ids)
    return absolute_url(reverse("alerts-unsubscribe", kwargs={"token": token}))
