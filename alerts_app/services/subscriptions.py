"""Subscriptions: the role defaults of PRODUCT.md §12 and a member's own changes."""

from django.db import transaction

from accounts_app.models import Membership, Workspace
from events_app.models import EventType

from ..models import AlertPreference, Channel, DealScope, DigestFrequency, Subscription

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
