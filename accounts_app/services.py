"""Writes for workspaces, memberships and accounts.

Each service names the fields it writes. A field left at ``UNSET`` is not given: an update
leaves it as it is, a create leaves the model's default (so a PATCH changes only what it names).
"""

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from common.exceptions import ApplicationError
from common.services import UNSET, Unset, given

from .models import Account, Membership, Segment, Workspace


@transaction.atomic
def workspace_create_or_update(
    *,
    slug: str,
    name: str = "",
    currency: str | Unset = UNSET,
    hourly_cost: Decimal | Unset = UNSET,
) -> tuple[Workspace, bool]:
    """Create the workspace with this slug, or update the name/settings of the existing one."""
    if slugify(slug) != slug:
        raise ApplicationError(f"'{slug}' is not a valid slug: use lowercase letters, digits, '-'.")
    found = Workspace.objects.select_for_update().filter(slug=slug).first()
    created = found is None
    workspace = found or Workspace(slug=slug, name=name or slug.replace("-", " ").title())
    if not created and name:
        workspace.name = name
    for field, value in given(currency=currency, hourly_cost=hourly_cost).items():
        setattr(workspace, field, value)
    workspace.full_clean()
    workspace.save()
    return workspace, created


@transaction.atomic
def membership_set(
    *, workspace: Workspace, user: AbstractBaseUser, role: str
) -> tuple[Membership, bool]:
    """Give the user this role in the workspace, adding the membership when missing."""
    if role not in Membership.Role.values:
        raise ApplicationError(
            f"Unknown role '{role}'. Use one of: {', '.join(Membership.Role.values)}."
        )
    membership, created = Membership.objects.select_for_update().get_or_create(  # type: ignore[misc]  # the stubs lose the field's model type through the form class
        workspace=workspace, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    return membership, created


def user_get_or_create(
    *, username: str, password: str | None = None, email: str = ""
) -> tuple[AbstractBaseUser, bool]:
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
def account_create(
    *,
    workspace: Workspace,
    name: str,
    domain: str | Unset = UNSET,
    external_id: str | Unset = UNSET,
    industry: str | Unset = UNSET,
    employee_count: int | None | Unset = UNSET,
    annual_revenue: Decimal | None | Unset = UNSET,
    country: str | Unset = UNSET,
    region: str | Unset = UNSET,
    deployment_model: str | Unset = UNSET,
    infrastructure: str | Unset = UNSET,
    lifecycle: str | Unset = UNSET,
) -> Account:
    fields = given(
        name=name,
        domain=domain,
        external_id=external_id,
        industry=industry,
        employee_count=employee_count,
        annual_revenue=annual_revenue,
        country=country,
        region=region,
        deployment_model=deployment_model,
        infrastructure=infrastructure,
        lifecycle=lifecycle,
    )
    account = Account(workspace=workspace, **fields)
    _validate(account)
    account.save()
    return account


@transaction.atomic
def account_update(
    *,
    account: Account,
    workspace: Workspace | None = None,
    name: str | Unset = UNSET,
    domain: str | Unset = UNSET,
    external_id: str | Unset = UNSET,
    industry: str | Unset = UNSET,
    employee_count: int | None | Unset = UNSET,
    annual_revenue: Decimal | None | Unset = UNSET,
    country: str | Unset = UNSET,
    region: str | Unset = UNSET,
    deployment_model: str | Unset = UNSET,
    infrastructure: str | Unset = UNSET,
    lifecycle: str | Unset = UNSET,
) -> Account:
    _check_owned(account, workspace)
    fields = given(
        name=name,
        domain=domain,
        external_id=external_id,
        industry=industry,
        employee_count=employee_count,
        annual_revenue=annual_revenue,
        country=country,
        region=region,
        deployment_model=deployment_model,
        infrastructure=infrastructure,
        lifecycle=lifecycle,
    )
    for field, value in fields.items():
        setattr(account, field, value)
    _validate(account)
    account.save()
    account.refresh_from_db(fields=["size_band"])
    return account


@transaction.atomic
def segment_create(
    *, workspace: Workspace, name: str, filters: dict, description: str = ""
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
def segment_update(
    *,
    workspace: Workspace,
    segment: Segment,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    filters: dict | Unset = UNSET,
) -> Segment:
    _check_owned(segment, workspace)
    for field, value in given(name=name, description=description, filters=filters).items():
        setattr(segment, field, value)
    _validate(segment)
    segment.save()
    return segment


@transaction.atomic
def segment_delete(*, workspace: Workspace, segment: Segment) -> None:
    _check_owned(segment, workspace)
    segment.delete()


def _check_owned(obj: Any, workspace: Workspace | None) -> None:
    """A service never changes another workspace's row, whatever its caller passed."""
    if workspace is not None and obj.workspace_id != workspace.pk:
        raise ApplicationError(f"This {obj._meta.verbose_name} belongs to another workspace.")


def _validate(obj: Account | Segment) -> None:
    """full_clean() that ignores the generated column, which the database fills in."""
    obj.full_clean(exclude=["size_band"] if isinstance(obj, Account) else None)


@transaction.atomic
def workspace_update(
    *,
    workspace: Workspace,
    name: str | Unset = UNSET,
    currency: str | Unset = UNSET,
    hourly_cost: Decimal | Unset = UNSET,
) -> Workspace:
    """Change a workspace's name, currency or hourly cost (the settings an admin edits; its
    slug and members are not settings, and this signature has no way to change them)."""
    fields = given(name=name, currency=currency, hourly_cost=hourly_cost)
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    for field, value in fields.items():
        setattr(workspace, field, value)
    workspace.full_clean()
    workspace.save(update_fields=[*fields, "updated_at"])
    return workspace
