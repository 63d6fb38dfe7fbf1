"""Writes for personas, contacts and advocacy edges (STYLE.md §2: validate, then save)."""

from typing import Any, TypeVar

from django.db import transaction

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from common.models import WorkspaceOwnedModel

from .models import Advocacy, Contact, Persona

_Row = TypeVar("_Row", bound=WorkspaceOwnedModel)


def check_owned(obj: WorkspaceOwnedModel, workspace: Workspace) -> None:
    """A service never changes another workspace's row, whatever its caller passed."""
    if obj.workspace_id != workspace.pk:
        raise ApplicationError(f"This {obj._meta.verbose_name} belongs to another workspace.")


def save_validated(obj: _Row, **fields: Any) -> _Row:
    """Set the fields, run every model rule and constraint (full_clean), then save."""
    for field, value in fields.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def persona_create(*, workspace: Workspace, **fields: Any) -> Persona:
    return save_validated(Persona(workspace=workspace), **fields)


@transaction.atomic
def persona_update(*, workspace: Workspace, persona: Persona, **fields: Any) -> Persona:
    check_owned(persona, workspace)
    return save_validated(persona, **fields)


@transaction.atomic
def persona_delete(*, workspace: Workspace, persona: Persona) -> None:
    """Delete a persona; its contacts stay, without a persona."""
    check_owned(persona, workspace)
    persona.delete()


@transaction.atomic
def contact_create(*, workspace: Workspace, **fields: Any) -> Contact:
    return save_validated(Contact(workspace=workspace), **fields)


@transaction.atomic
def contact_update(*, workspace: Workspace, contact: Contact, **fields: Any) -> Contact:
    check_owned(contact, workspace)
    return save_validated(contact, **fields)


@transaction.atomic
def contact_delete(*, workspace: Workspace, contact: Contact) -> None:
    """Delete a contact with their deal roles and advocacy edges; direct reports stay."""
    check_owned(contact, workspace)
    contact.delete()


@transaction.atomic
def advocacy_create(*, workspace: Workspace, **fields: Any) -> Advocacy:
    return save_validated(Advocacy(workspace=workspace), **fields)


@transaction.atomic
def advocacy_update(*, workspace: Workspace, advocacy: Advocacy, **fields: Any) -> Advocacy:
    check_owned(advocacy, workspace)
    return save_validated(advocacy, **fields)


@transaction.atomic
def advocacy_delete(*, workspace: Workspace, advocacy: Advocacy) -> None:
    check_owned(advocacy, workspace)
    advocacy.delete()
