"""Template context of alerts_app: the bell's unread count in every page's header, read
lazily (one query, and only when a template shows the bell)."""

from functools import cached_property

from accounts_app.scoping import request_membership

from .selectors.notifications import notification_unread_count

BELL_CAP = 99


class Bell:
    """The member's unread count in the current workspace, counted once, on first read."""

    def __init__(self, *, workspace_id: int, user) -> None:
        self.workspace_id, self.user = workspace_id, user

    @cached_property
    def count(self) -> int:
        return notification_unread_count(workspace=self.workspace_id, user=self.user, cap=BELL_CAP)

    @property
    def label(self) -> str:
        return f"{BELL_CAP}+" if self.count > BELL_CAP else str(self.count)


def notification_bell(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    membership = request_membership(request)  # cached on the request: no query of its own
    if membership is None:
        return {}
    return {"notification_bell": Bell(workspace_id=membership.workspace_id, user=request.user)}
