"""Read state of a member's in-app notifications (the bell)."""

from django.db import transaction
from django.utils import timezone

from accounts_app.models import Workspace

from ..models import Notification


@transaction.atomic
def notification_read(*, workspace: Workspace, user, notification: Notification) -> Notification:
    """Mark one of the member's own notifications read (a second call changes nothing)."""
    if notification.workspace_id != workspace.pk or notification.user_id != user.pk:
        raise Notification.DoesNotExist("No such notification.")
    if notification.read_at is None:
        now = timezone.now()
        # Compare-and-swap: two clicks at once set one time.
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=now)
        notification.read_at = Notification.objects.values_list("read_at", flat=True).get(
            pk=notification.pk
        )
    return notification


def notifications_read_all(*, workspace: Workspace, user) -> int:
    """Mark every unread notification of the member in this workspace read, in one UPDATE;
    returns how many were unread."""
    return Notification.objects.filter(
        workspace_id=workspace.pk, user_id=user.pk, read_at=None
    ).update(read_at=timezone.now())
