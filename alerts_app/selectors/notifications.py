"""Reads of a member's own notifications, subscriptions and alert preferences.

Every read is scoped by workspace *and* user: a member never reads another member's rows.
"""

from django.db.models import QuerySet
from django.utils.http import url_has_allowed_host_and_scheme

from accounts_app.models import Workspace

from ..models import AlertPreference, Notification, Subscription, WorkspaceAlertSettings


def notification_list(*, workspace: Workspace | int, user, unread: bool = False):
    """The member's notifications, newest first, with their event and its actor loaded."""
    queryset = (
        Notification.objects.for_workspace(workspace)
        .filter(user_id=user.pk)
        .select_related("event", "event__actor")
        .order_by("-id")
    )
    return queryset.filter(read_at=None) if unread else queryset


def _id(workspace: Workspace | int) -> int:
    return workspace.pk if isinstance(workspace, Workspace) else workspace


def notification_get(*, workspace: Workspace | int, user, pk) -> Notification:
    """One of the member's notifications (DoesNotExist for anyone else's)."""
    return notification_list(workspace=workspace, user=user).get(pk=pk)


def notification_unread_count(*, workspace: Workspace | int, user, cap: int = 99) -> int:
    """How many unread notifications the member has, counted up to ``cap + 1`` (so the bell
    can say "99+"): one COUNT over a LIMIT on the partial index ``notification_unread``."""
    workspace_id = _id(workspace)
    return (
        Notification.objects.filter(workspace_id=workspace_id, user_id=user.pk, read_at=None)
        .values("pk")[: cap + 1]
        .count()
    )


def subscription_list(*, workspace: Workspace | int, user) -> QuerySet[Subscription]:
    """The member's subscriptions in this workspace, with their saved segment loaded."""
    return (
        Subscription.objects.for_workspace(workspace)
        .filter(user_id=user.pk)
        .select_related("segment")
        .order_by("id")
    )


def alert_preference_get(*, workspace: Workspace | int, user) -> AlertPreference:
    """The member's digest hour and weekday (the defaults when they have none yet)."""
    workspace_id = _id(workspace)
    preference = AlertPreference.objects.filter(workspace_id=workspace_id, user_id=user.pk).first()
    return preference or AlertPreference(workspace_id=workspace_id, user_id=user.pk)


def workspace_alert_settings_get(*, workspace: Workspace | int) -> WorkspaceAlertSettings:
    workspace_id = _id(workspace)
    found = WorkspaceAlertSettings.objects.filter(workspace_id=workspace_id).first()
    return found or WorkspaceAlertSettings(workspace_id=workspace_id)


def safe_path(url: str) -> str:
    """``url`` when it is a path of this site ("/deals/7/"), else "" (never an external URL)."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None, require_https=False):
        return ""
    return url
