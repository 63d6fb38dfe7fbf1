"""Writes for personas, contacts and advocacy edges (STYLE.md §2: validate, then save)."""

from django.db import transaction

from accounts_app.models import Workspace
from common.services import check_owned, save_validated

from .models import Advocacy, Contact, Persona


@transaction.atomic
def persona_create(*, workspace: Workspace, **fields) -> Persona:
    return save_validated(Persona(workspace=workspace), **fields)


@transaction.atomic
def persona_update(*, workspace: Workspace, persona: Persona, **fields) -> Persona:
    check_owned(persona, workspace)
    return save_validated(persona, **fields)


@transaction.atomic
def persona_delete(*, workspace: Workspace, persona: Persona) -> None:
    """Delete a persona; its contacts stay, without a persona."""
    check_owned(persona, workspace)
    persona.delete()


@transaction.atomic
def contact_create(*, workspace: Workspace, **fields) -> Contact:
    return save_validated(Contact(workspace=workspace), **fields)


@transaction.atomic
def contact_update(*, workspace: Workspace, contact: Contact, **fields) -> Contact:
    check_owned(contact, workspace)
    return save_validated(contact, **fields)


@transaction.atomic
def contact_delete(*, workspace: Workspace, contact: Contact) -> None:
    """Delete a contact with their deal roles and advocacy edges; direct reports stay."""
    check_owned(contact, workspace)
    contact.delete()


@transaction.atomic
def advocacy_create(*, workspace: Workspace, **fields) -> Advocacy:
    return save_validated(Advocacy(workspace=workspace), **fields)


@transaction.atomic
def advocacy_update(*, workspace: Workspace, advocacy: Advocacy, **fields) -> Advocacy:
    check_owned(advocacy, workspace)
    return save_validated(advocacy, **fields)


@transaction.atomic
def advocacy_delete(*, workspace: Workspace, advocacy: Advocacy) -> None:
    check_owned(advocacy, workspace)
    advocacy.delete()
