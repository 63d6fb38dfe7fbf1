"""The one place a page request gets its workspace; views build on WorkspaceViewMixin."""

from typing import TYPE_CHECKING

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views import View

from .models import Membership
from .selectors import membership_for_request


def request_membership(request) -> Membership | None:
    """The member's membership for this request, resolved once and cached on the request."""
    try:
        membership: Membership | None = request._deallens_membership
    except AttributeError:  # first call in this request (None, no membership, is cached too)
        membership = request._deallens_membership = membership_for_request(request)
    return membership


def request_workspace(request):
    membership = request_membership(request)
    return membership.workspace if membership else None


if TYPE_CHECKING:
    # The mixin goes before a Django view: the checker sees the view's request and kwargs.
    _ViewBase = View
else:
    _ViewBase = object


class WorkspaceViewMixin(LoginRequiredMixin, _ViewBase):
    """Logged in, a member of the workspace; querysets scoped to it.

    Subclasses set ``model`` (or override ``get_base_queryset``) and optionally
    ``write_roles``: the membership roles allowed to use unsafe methods.
    """

    write_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = request_membership(request)
        if self.membership is None:
            raise PermissionDenied("You are not a member of any workspace.")
        self.workspace = self.membership.workspace
        if request.method not in ("GET", "HEAD", "OPTIONS") and not self.can_write():
            raise PermissionDenied("Your role in this workspace cannot change this.")
        return super().dispatch(request, *args, **kwargs)

    def can_write(self) -> bool:
        return self.membership.role == Membership.Role.ADMIN or self.membership.role in (
            self.write_roles
        )

    def get_base_queryset(self):
        return self.model.objects.for_workspace(self.workspace)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = self.can_write()
        return context
