"""Template context: the current workspace, the member's role and the workspaces to switch to."""

from .scoping import request_membership
from .selectors import membership_list


def workspace(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    membership = request_membership(request)
    return {
        "current_membership": membership,
        "current_workspace": membership.workspace if membership else None,
        "current_role": membership.role if membership else None,
        "workspace_choices": lambda: list(membership_list(user=request.user)),
    }
