"""Reads for workspaces, memberships and accounts; every request-serving query starts here."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from .models import Account, Membership, Segment, Workspace

WORKSPACE_HEADER = "HTTP_X_WORKSPACE"
SESSION_KEY = "workspace_slug"


def membership_list(*, user: User | AnonymousUser) -> QuerySet[Membership]:
    """The user's memberships, workspace loaded, in a stable order."""
    if isinstance(user, AnonymousUser):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("workspace")
        .order_by("workspace__name", "workspace_id")
    )


def membership_resolve(*, user: User | AnonymousUser, slug: str | None = None) -> Membership | None:
    """The membership a request acts in: the named workspace, else the user's only one.

    A slug the user is not a member of resolves to None, whether or not it exists, so that
    another workspace's existence is never revealed.
    """
    memberships = membership_list(user=user)
    if slug:
        return memberships.filter(workspace__slug=slug).first()
    found = list(memberships[:2])
    return found[0] if len(found) == 1 else None


def membership_for_request(request: HttpRequest) -> Membership | None:
    """Header X-Workspace, then the workspace chosen in this session, then the only one.

    Pages fall back to the first workspace when a user has several and chose none yet.
    """
    user = request.user
    slug = request.META.get(WORKSPACE_HEADER) or request.session.get(SESSION_KEY)
    membership = membership_resolve(user=user, slug=slug)
    if membership is None and not request.META.get(WORKSPACE_HEADER):
        membership = membership_list(user=user).first()
    return membership


def workspace_members(*, workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("role", "user__username")
    )


def account_list(*, workspace: Workspace) -> QuerySet[Account]:
    """Accounts of a workspace with deal and contact counts for list pages.

    The counts join past the default manager, so they leave out by hand the deals and
    contacts the CRM deleted (PRODUCT.md §11)."""
    return Account.objects.for_workspace(workspace).annotate(
        deal_count=Count("deals", filter=Q(deals__crm_deleted_at=None), distinct=True),
        contact_count=Count("contacts", filter=Q(contacts__crm_deleted_at=None), distinct=True),
    )


def segment_list(*, workspace: Workspace) -> QuerySet[Segment]:
    return Segment.objects.for_workspace(workspace)


def segment_accounts(*, segment: Segment) -> QuerySet[Account]:
    """The accounts a saved segment matches."""
    return Account.objects.for_workspace(segment.workspace_id).filter(segment.account_q())
