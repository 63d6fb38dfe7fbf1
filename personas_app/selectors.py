"""Reads for personas, contacts and advocacy edges; always scoped to a workspace first."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts_app.models import Workspace

from .models import Advocacy, Contact, Persona

# Advocacy edges between two people still in the CRM. An edge is DealLens's own record and
# stays when the CRM deletes one of its people (PRODUCT.md §11), but it joins to a contact the
# default manager hides, so lists, influence graphs and risk paths leave it out with this.
LIVE_ADVOCACY = Q(advocate__crm_deleted_at=None, audience__crm_deleted_at=None)


def persona_list(*, workspace: Workspace) -> QuerySet[Persona]:
    return Persona.objects.for_workspace(workspace)


def contact_list(*, workspace: Workspace) -> QuerySet[Contact]:
    """Contacts with their account, persona and manager loaded (their names are shown)."""
    return Contact.objects.for_workspace(workspace).select_related(
        "account", "persona", "reports_to"
    )


def advocacy_list(*, workspace: Workspace) -> QuerySet[Advocacy]:
    """Advocacy edges with both people loaded; not those touching a CRM-deleted contact."""
    return (
        Advocacy.objects.for_workspace(workspace)
        .filter(LIVE_ADVOCACY)
        .select_related("advocate", "audience")
    )


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
