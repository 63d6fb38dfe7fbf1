"""Subscriptions: the role defaults of PRODUCT.md §12 and a member's own changes."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts_app.models import Membership, Segment, Workspace
from common.encryption import encrypt
from common.exceptions import ApplicationError
from events_app.models import EventType

from ..models import (
    AlertPreference,
    Channel,
    DealScope,
    DigestFrequency,
    Subscription,
    WorkspaceAlertSettings,
)
from .channels import slack_url_hint, slack_url_validate

E = EventType
# Sales hears about risks on their deals, PMs about assumptions, execs get a weekly digest of
# segment shifts, admins about imports and failing syncs.
ROLE_DEFAULTS: dict[str, list[dict]] = {
    Membership.Role.SALES: [
        {
            "event_types": [E.DEAL_RISK_RAISED, E.DEAL_RISK_CLEARED, E.DEAL_WON, E.DEAL_LOST],
            "channel": Channel.IN_APP,
            "scope": DealScope.MINE,
        },
        {"event_types": [E.DEAL_RISK_RAISED], "channel": Channel.EMAIL, "scope": DealScope.MINE},
    ],
    Membership.Role.PM: [
        {
            "event_types": [
                E.ASSUMPTION_STATUS_CHANGED,
                E.FEATURE_REQUEST_CREATED,
                E.SURVEY_ANSWERED,
            ],
            "channel": Channel.IN_APP,
        },
        {"event_types": [E.ASSUMPTION_STATUS_CHANGED], "channel": Channel.EMAIL},
    ],
    Membership.Role.EXEC: [
        {"event_types": [E.SEGMENT_SHIFTED, E.DEAL_WON], "channel": Channel.IN_APP},
        {
            "event_types": [E.SEGMENT_SHIFTED],
            "channel": Channel.DIGEST,
            "digest_frequency": DigestFrequency.WEEKLY,
        },
    ],
    Membership.Role.ADMIN: [
        {
            "event_types": [E.IMPORT_FINISHED, E.SYNC_FAILED, E.SEGMENT_SHIFTED],
            "channel": Channel.IN_APP,
        },
        {"event_types": [E.SYNC_FAILED], "channel": Channel.EMAIL},
    ],
}


@transaction.atomic
def subscription_defaults_ensure(*, workspace: Workspace | int) -> int:
    """Give every member without alert settings yet their role's defaults; returns how many
    members got them. One query when everyone has them (the common case)."""
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    if not _members_without_settings(workspace_id):
        return 0
    # Two sweeps at once must not both give a member the defaults (two e-mails per event).
    Workspace.objects.select_for_update().filter(pk=workspace_id).first()
    missing = _members_without_settings(workspace_id)
    AlertPreference.objects.bulk_create(
        [AlertPreference(workspace_id=workspace_id, user_id=user_id) for user_id, _ in missing]
    )
    Subscription.objects.bulk_create(
        [
            Subscription(workspace_id=workspace_id, user_id=user_id, **default)
            for user_id, role in missing
            for default in ROLE_DEFAULTS.get(role, [])
        ]
    )
    return len(missing)


def _members_without_settings(workspace_id: int) -> list[tuple[int, str]]:
    return list(
        Membership.objects.filter(workspace_id=workspace_id)
        .exclude(
            user_id__in=AlertPreference.objects.filter(workspace_id=workspace_id).values("user_id")
        )
        .values_list("user_id", "role")
    )


# --- a member's own subscriptions (PRODUCT.md §12) --------------------------------------------

_KEEP = object()  # "leave this field as it is" in subscription_update
SUBSCRIPTION_FIELDS = (
    "event_types",
    "channel",
    "scope",
    "min_amount",
    "segment",
    "digest_frequency",
    "enabled",
)


def _slack_url_clean(url: str, *, field: str) -> str:
    """The one rule for Slack URLs (channels.slack_url_validate), as a field error."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > 500:
        raise ValidationError({field: ["At most 500 characters."]})
    try:
        return slack_url_validate(url)
    except ApplicationError as exc:
        raise ValidationError({field: [exc.message]}) from exc


def _event_types_clean(event_types) -> list[str]:
    if not isinstance(event_types, list | tuple) or not event_types:
        raise ValidationError({"event_types": ["Choose at least one event type."]})
    unknown = [str(t) for t in event_types if t not in EventType.values]
    if unknown:
        raise ValidationError(
            {"event_types": [f"Unknown event type: {', '.join(sorted(unknown))[:200]}."]}
        )
    return [t for t in EventType.values if t in event_types]  # the list's own order, no repeats


def _segment_clean(workspace_id: int, segment):
    if segment is None or segment == "":
        return None
    segment_id = getattr(segment, "pk", segment)
    found = Segment.objects.filter(workspace_id=workspace_id, pk=segment_id).first()
    if found is None:
        raise ValidationError({"segment": ["No such saved segment in this workspace."]})
    return found


def _preference_ensure(workspace_id: int, user) -> None:
    """A member who changes their subscriptions has settings: the role defaults are then
    given (once) before the change, never added on top of it later."""
    subscription_defaults_ensure(workspace=workspace_id)
    AlertPreference.objects.get_or_create(workspace_id=workspace_id, user_id=user.pk)


def _subscription_save(subscription: Subscription, *, slack_url, workspace_id: int) -> None:
    subscription.event_types = _event_types_clean(subscription.event_types)
    subscription.segment = _segment_clean(workspace_id, subscription.segment)
    if slack_url is not _KEEP and slack_url is not None:
        url = _slack_url_clean(slack_url, field="slack_url")
        subscription.slack_url_encrypted = encrypt(url) if url else ""
    if subscription.channel != Channel.SLACK:
        subscription.slack_url_encrypted = ""  # no secret kept for a channel that is not used
    elif not subscription.slack_url_encrypted and not _workspace_slack_url_is_set(workspace_id):
        raise ValidationError(
            {
                "slack_url": [
                    "Give a Slack incoming-webhook URL (no workspace Slack URL is set yet)."
                ]
            }
        )
    subscription.full_clean(exclude=["workspace", "user"])
    subscription.save()


def _workspace_slack_url_is_set(workspace_id: int) -> bool:
    return (
        WorkspaceAlertSettings.objects.filter(workspace_id=workspace_id)
        .exclude(slack_url_encrypted="")
        .exists()
    )


@transaction.atomic
def subscription_create(
    *,
    workspace: Workspace,
    user,
    event_types,
    channel: str = Channel.IN_APP,
    scope: str = DealScope.ALL,
    min_amount: Decimal | None = None,
    segment=None,
    digest_frequency: str = DigestFrequency.DAILY,
    slack_url: str | None = None,
    enabled: bool = True,
) -> Subscription:
    """Add one of the member's own subscriptions (after their role defaults, if first)."""
    _preference_ensure(workspace.pk, user)
    subscription = Subscription(
        workspace=workspace,
        user=user,
        event_types=event_types,
        channel=channel,
        scope=scope,
        min_amount=min_amount,
        segment=segment,
        digest_frequency=digest_frequency,
        enabled=enabled,
    )
    _subscription_save(subscription, slack_url=slack_url, workspace_id=workspace.pk)
    return subscription


@transaction.atomic
def subscription_update(
    *, workspace: Workspace, user, subscription: Subscription, slack_url=_KEEP, **changes
) -> Subscription:
    """Change the member's own subscription; fields left out stay. ``slack_url``: None or
    left out keeps the stored URL, "" removes it, a URL replaces it."""
    subscription = _own(workspace, user, subscription, lock=True)
    unknown = set(changes) - set(SUBSCRIPTION_FIELDS)
    if unknown:
        raise ValidationError({name: ["Not a subscription field."] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(subscription, name, value)
    _subscription_save(subscription, slack_url=slack_url, workspace_id=workspace.pk)
    return subscription


@transaction.atomic
def subscription_delete(*, workspace: Workspace, user, subscription: Subscription) -> None:
    """Remove one of the member's own subscriptions (their settings stay theirs: no defaults
    come back unless they ask for them)."""
    subscription = _own(workspace, user, subscription, lock=True)
    _preference_ensure(workspace.pk, user)
    subscription.delete()


def _own(workspace: Workspace, user, subscription: Subscription, *, lock: bool) -> Subscription:
    queryset = Subscription.objects.filter(
        workspace_id=workspace.pk, user_id=user.pk, pk=subscription.pk
    )
    found = (queryset.select_for_update() if lock else queryset).first()
    if found is None:
        raise Subscription.DoesNotExist("No such subscription.")
    return found


@transaction.atomic
def subscriptions_reset_to_defaults(*, workspace: Workspace, user) -> list[Subscription]:
    """Replace the member's subscriptions with their role's defaults (digest hour stays)."""
    role = (
        Membership.objects.filter(workspace_id=workspace.pk, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise ApplicationError("You are not a member of this workspace.")
    _preference_ensure(workspace.pk, user)
    Subscription.objects.filter(workspace_id=workspace.pk, user_id=user.pk).delete()
    return Subscription.objects.bulk_create(
        [
            Subscription(workspace_id=workspace.pk, user_id=user.pk, **default)
            for default in ROLE_DEFAULTS.get(role, [])
        ]
    )


@transaction.atomic
def alert_preference_update(
    *, workspace: Workspace, user, digest_hour: int, digest_weekday: int
) -> AlertPreference:
    """The member's digest hour (0–23, workspace time) and weekly digest day (0 = Monday)."""
    _preference_ensure(workspace.pk, user)
    preference = AlertPreference.objects.select_for_update().get(
        workspace_id=workspace.pk, user_id=user.pk
    )
    preference.digest_hour, preference.digest_weekday = digest_hour, digest_weekday
    preference.full_clean(exclude=["workspace", "user"])
    preference.save(update_fields=["digest_hour", "digest_weekday", "updated_at"])
    return preference


@transaction.atomic
def workspace_slack_url_set(*, workspace: Workspace, url: str) -> WorkspaceAlertSettings:
    """Store (encrypted) the workspace's Slack incoming-webhook URL; "" removes it. The page
    shows only its hint afterwards. Admins only: the caller checks the role."""
    clean = _slack_url_clean(url, field="slack_url")
    settings_row, _created = WorkspaceAlertSettings.objects.select_for_update().get_or_create(
        workspace=workspace
    )
    settings_row.slack_url_encrypted = encrypt(clean) if clean else ""
    settings_row.slack_url_hint = slack_url_hint(clean) if clean else ""
    settings_row.save(update_fields=["slack_url_encrypted", "slack_url_hint", "updated_at"])
    return settings_row
