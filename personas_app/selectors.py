"""Reads for personas, contacts and advocacy edges; always scoped to a workspace first."""

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
