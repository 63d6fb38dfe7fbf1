"""Reads for personas, contacts and advocacy edges; always scoped to a workspace first."""

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts_app.models import Workspace

from .models import Advocacy, Contact, Persona


def persona_list(*, workspace: Workspace) -> QuerySet[Persona]:
    return Persona.objects.for_workspace(workspace)


def contact_list(*, workspace: Workspace) -> QuerySet[Contact]:
    """Contacts with their account, persona and manager loaded (their names are shown)."""
    return Contact.objects.for_workspace(workspace).select_related(
        "account", "persona", "reports_to"
    )


def advocacy_list(*, workspace: Workspace) -> QuerySet[Advocacy]:
    """Advocacy edges with both people loaded."""
    return Advocacy.objects.for_workspace(workspace).select_related("advocate", "audience")


def advocacy_exists(*, advocate: Contact, audience: Contact) -> bool:
    """Whether the advocate already champions us to this audience."""
    return Advocacy.objects.filter(advocate=advocate, audience=audience).exists()


def advocacy_get(*, workspace: Workspace, pk: int, advocate_ids: Iterable[int]) -> Advocacy | None:
    """One advocacy edge whose advocate is one of ``advocate_ids``, both people loaded; None
    when there is no such edge in this workspace."""
    return (
        Advocacy.objects.for_workspace(workspace)
        .filter(pk=pk, advocate_id__in=list(advocate_ids))
        .select_related("advocate", "audience")
        .first()
    )
