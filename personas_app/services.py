"""Writes for personas, contacts and advocacy edges (STYLE.md §2: validate, then save).

Each service names the fields it writes. A field left at ``UNSET`` is not given: an update
leaves it as it is, a create leaves the model's default (so a PATCH changes only what it names).
"""

from django.db import transaction

from accounts_app.models import Account, Workspace
from common.services import UNSET, Unset, check_owned, given, save_validated
from events_app.services import change_watch

from .models import Advocacy, Contact, Persona


@transaction.atomic
def persona_create(
    *,
    workspace: Workspace,
    name: str,
    kind: str,
    goals: str | Unset = UNSET,
    pains: str | Unset = UNSET,
    success_metric: str | Unset = UNSET,
) -> Persona:
    fields = given(name=name, kind=kind, goals=goals, pains=pains, success_metric=success_metric)
    return save_validated(Persona(workspace=workspace), **fields)


@transaction.atomic
def persona_update(
    *,
    workspace: Workspace,
    persona: Persona,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    goals: str | Unset = UNSET,
    pains: str | Unset = UNSET,
    success_metric: str | Unset = UNSET,
) -> Persona:
    check_owned(persona, workspace)
    fields = given(name=name, kind=kind, goals=goals, pains=pains, success_metric=success_metric)
    return save_validated(persona, **fields)


@transaction.atomic
def persona_delete(*, workspace: Workspace, persona: Persona) -> None:
    """Delete a persona; its contacts stay, without a persona."""
    check_owned(persona, workspace)
    persona.delete()


@transaction.atomic
def contact_create(
    *,
    workspace: Workspace,
    account: Account,
    last_name: str,
    first_name: str | Unset = UNSET,
    title: str | Unset = UNSET,
    email: str | Unset = UNSET,
    department: str | Unset = UNSET,
    seniority: str | Unset = UNSET,
    persona: Persona | None | Unset = UNSET,
    reports_to: Contact | None | Unset = UNSET,
    external_id: str | Unset = UNSET,
    has_left: bool | Unset = UNSET,
) -> Contact:
    fields = given(
        account=account,
        first_name=first_name,
        last_name=last_name,
        title=title,
        email=email,
        department=department,
        seniority=seniority,
        persona=persona,
        reports_to=reports_to,
        external_id=external_id,
        has_left=has_left,
    )
    return save_validated(Contact(workspace=workspace), **fields)


@transaction.atomic
def contact_update(
    *,
    workspace: Workspace,
    contact: Contact,
    account: Account | Unset = UNSET,
    first_name: str | Unset = UNSET,
    last_name: str | Unset = UNSET,
    title: str | Unset = UNSET,
    email: str | Unset = UNSET,
    department: str | Unset = UNSET,
    seniority: str | Unset = UNSET,
    persona: Persona | None | Unset = UNSET,
    reports_to: Contact | None | Unset = UNSET,
    external_id: str | Unset = UNSET,
    has_left: bool | Unset = UNSET,
) -> Contact:
    check_owned(contact, workspace)
    fields = given(
        account=account,
        first_name=first_name,
        last_name=last_name,
        title=title,
        email=email,
        department=department,
        seniority=seniority,
        persona=persona,
        reports_to=reports_to,
        external_id=external_id,
        has_left=has_left,
    )
    # Who they report to, whether they left and where they work move deal risks (§5), which
    # deals_app compares before and after (events ``deal.risk_raised``/``cleared``).
    moves_risks = any(field in fields for field in ("account", "reports_to", "has_left"))
    with change_watch(workspace_id=workspace.pk, contact_ids=[contact.pk] if moves_risks else []):
        return save_validated(contact, **fields)


@transaction.atomic
def contact_delete(*, workspace: Workspace, contact: Contact) -> None:
    """Delete a contact with their deal roles and advocacy edges; direct reports stay."""
    check_owned(contact, workspace)
    with change_watch(workspace_id=workspace.pk, contact_ids=[contact.pk]):
        contact.delete()


@transaction.atomic
def advocacy_create(
    *,
    workspace: Workspace,
    advocate: Contact,
    audience: Contact,
    note: str | Unset = UNSET,
) -> Advocacy:
    fields = given(advocate=advocate, audience=audience, note=note)
    with change_watch(workspace_id=workspace.pk, contact_ids=[advocate.pk, audience.pk]):
        return save_validated(Advocacy(workspace=workspace), **fields)


@transaction.atomic
def advocacy_update(
    *,
    workspace: Workspace,
    advocacy: Advocacy,
    advocate: Contact | Unset = UNSET,
    audience: Contact | Unset = UNSET,
    note: str | Unset = UNSET,
) -> Advocacy:
    check_owned(advocacy, workspace)
    fields = given(advocate=advocate, audience=audience, note=note)
    ends = {advocacy.advocate_id, advocacy.audience_id}
    ends |= {c.pk for c in (advocate, audience) if isinstance(c, Contact)}
    with change_watch(workspace_id=workspace.pk, contact_ids=sorted(ends)):
        return save_validated(advocacy, **fields)


@transaction.atomic
def advocacy_delete(*, workspace: Workspace, advocacy: Advocacy) -> None:
    check_owned(advocacy, workspace)
    ends = [advocacy.advocate_id, advocacy.audience_id]
    with change_watch(workspace_id=workspace.pk, contact_ids=ends):
        advocacy.delete()
