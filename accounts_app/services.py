"""Writes for workspaces, memberships and accounts."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils.text import slugify

from common.exceptions import ApplicationError
from common.models import WorkspaceOwnedModel

from .models import Account, Membership, Segment, Workspace


@transaction.atomic
def workspace_create_or_update(
    *, slug: str, name: str = "", **fields: Any
) -> tuple[Workspace, bool]:
    """Create the workspace with this slug, or update the name/settings of the existing one."""
    if slugify(slug) != slug:
        raise ApplicationError(f"'{slug}' is not a valid slug: use lowercase letters, digits, '-'.")
    workspace = Workspace.objects.select_for_update().filter(slug=slug).first()
    created = workspace is None
    if workspace is None:
        workspace = Workspace(slug=slug, name=name or slug.replace("-", " ").title())
    elif name:
        workspace.name = name
    for field, value in fields.items():
        setattr(workspace, field, value)
    workspace.full_clean()
    workspace.save()
    return workspace, created


@transaction.atomic
def membership_set(*, workspace: Workspace, user: User, role: str) -> tuple[Membership, bool]:
    """Give the user this role in the workspace, adding the membership when missing."""
    if role not in Membership.Role.values:
        raise ApplicationError(
            f"Unknown role '{role}'. Use one of: {', '.join(Membership.Role.values)}."
        )
    membership, created = Membership.objects.select_for_update().get_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    return membership, created


def user_get_or_create(
    *, username: str, password: str | None = None, email: str = ""
) -> tuple[User, bool]:
    """The user with this name; created (with the password, else unusable) when missing."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user, True


@transaction.atomic
def account_create(*, workspace: Workspace, **fields: Any) -> Account:
    account = Account(workspace=workspace, **fields)
    _validate(account)
    account.save()
    return account


@transaction.atomic
def account_update(
    *, account: Account, workspace: Workspace | None = None, **fields: Any
) -> Account:
    _check_owned(account, workspace)
    for field, value in fields.items():
        setattr(account, field, value)
    _validate(account)
    account.save()
    account.refresh_from_db(fields=["size_band"])
    return account


@transaction.atomic
def segment_create(
    *, workspace: Workspace, name: str, filters: dict[str, Any], description: str = ""
) -> Segment:
    segment = Segment(workspace=workspace, name=name, filters=filters, description=description)
    _validate(segment)
    segment.save()
    return segment


@transaction.atomic
def account_delete(*, workspace: Workspace, account: Account) -> None:
    """Delete an account with its contacts, deals and conversations (database cascade)."""
    _check_owned(account, workspace)
    account.delete()


@transaction.atomic
def segment_update(*, workspace: Workspace, segment: Segment, **fields: Any) -> Segment:
    _check_owned(segment, workspace)
    for field, value in fields.items():
        setattr(segment, field, value)
    _validate(segment)
    segment.save()
    return segment


@transaction.atomic
def segment_delete(*, workspace: Workspace, segment: Segment) -> None:
    _check_owned(segment, workspace)
    segment.delete()


def _check_owned(obj: WorkspaceOwnedModel, workspace: Workspace | None) -> None:
    """A service never changes another workspace's row, whatever its caller passed."""
    if workspace is not None and obj.workspace_id != workspace.pk:
        raise ApplicationError(f"This {obj._meta.verbose_name} belongs to another workspace.")


def _validate(obj: models.Model) -> None:
    """full_clean() that ignores the generated column, which the database fills in."""
    obj.full_clean(exclude=["size_band"] if isinstance(obj, Account) else None)


WORKSPACE_EDITABLE_FIELDS = ("name", "currency", "hourly_cost")


@transaction.atomic
def workspace_update(*, workspace: Workspace, **fields: Any) -> Workspace:
    """Change a workspace's name, currency or hourly cost (the settings an admin edits)."""
    unknown = sorted(set(fields) - set(WORKSPACE_EDITABLE_FIELDS))
    if unknown:
        raise ApplicationError(
            f"Cannot change {', '.join(unknown)} of a workspace. "
            f"Editable: {', '.join(WORKSPACE_EDITABLE_FIELDS)}."
        )
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    for field, value in fields.items():
        setattr(workspace, field, value)
    workspace.full_clean()
    workspace.save(update_fields=[*fields, "updated_at"])
    return workspace
