"""Reads behind the forms that create and edit a deal: the workspace's accounts and members to
choose from (one query each, whatever the rows)."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts_app.models import Account, Workspace


def deal_account_choices(*, workspace: Workspace) -> QuerySet[Account]:
    """This workspace's accounts by name: the choices of a new deal's account."""
    return Account.objects.for_workspace(workspace).only("id", "name").order_by("name", "id")


def deal_owner_choices(*, workspace: Workspace) -> QuerySet:
    """The members of this workspace by name: who may own a deal."""
    return (
        get_user_model()
        .objects.filter(memberships__workspace=workspace)
        .order_by("first_name", "last_name", "username")
    )


def member_label(user) -> str:
    return user.get_full_name() or user.username
