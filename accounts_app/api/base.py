"""The workspace-scoped base every API view builds on (STYLE.md §3).

The workspace comes from the ``X-Workspace: SLUG`` header, else the member's only workspace.
A slug the user is not a member of is a 404 (its existence is not revealed).
"""

from django.db import models
from rest_framework import exceptions, permissions, viewsets

from accounts_app.models import Membership
from accounts_app.selectors import membership_resolve

SAFE_METHODS = permissions.SAFE_METHODS


class WorkspaceNotFound(exceptions.NotFound):
    default_detail = "No such workspace, or you are not a member of it."


class WorkspaceAmbiguous(exceptions.ValidationError):
    default_detail = {
        "detail": ["You belong to several workspaces: name one in the X-Workspace header."]
    }


def membership_for_api_request(request) -> Membership:
    """Resolve (once per request) the membership this API request acts in, or raise."""
    cached = getattr(request, "_deallens_api_membership", None)
    if cached is not None:
        return cached
    slug = request.headers.get("X-Workspace", "").strip()
    membership = membership_resolve(user=request.user, slug=slug or None)
    if membership is None:
        if slug:
            raise WorkspaceNotFound()
        if request.user.memberships.exists():
            raise WorkspaceAmbiguous()
        raise exceptions.PermissionDenied("You are not a member of any workspace.")
    request._deallens_api_membership = membership
    return membership


class WorkspaceRolePermission(permissions.BasePermission):
    """Everyone in a workspace reads; writes need one of the view's ``write_roles`` (or admin)."""

    message = "Your role in this workspace cannot change this."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        membership = membership_for_api_request(request)
        if request.method in SAFE_METHODS:
            return True
        return membership.role == Membership.Role.ADMIN or membership.role in getattr(
            view, "write_roles", ()
        )


class WorkspaceViewMixin:
    """Resolves the workspace, scopes the queryset and stamps new rows with the workspace."""

    permission_classes = [permissions.IsAuthenticated, WorkspaceRolePermission]
    write_roles: tuple[str, ...] = ()

    @property
    def membership(self) -> Membership:
        return membership_for_api_request(self.request)

    @property
    def workspace(self):
        return self.membership.workspace

    def get_queryset(self) -> models.QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return self.queryset.none()
        return super().get_queryset().for_workspace(self.workspace)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and self.request.user.is_authenticated:
            context["workspace"] = self.workspace
        return context


class WorkspaceModelViewSet(WorkspaceViewMixin, viewsets.ModelViewSet):
    """CRUD on a workspace-owned model; objects of other workspaces are simply not found."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
