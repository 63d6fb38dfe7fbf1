"""Reads of one deal's page (``deals_app.views.deal_detail``), in a constant number of queries
whatever the number of people or conversations on the deal."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from accounts_app.models import Workspace
from deals_app.history import HistoryEntry, deal_history
from deals_app.models import BusinessCase, Conversation, Deal, DealRole, Tag
from personas_app.models import Advocacy, Contact

from .intelligence import (
    PersonaMap,
    ScorecardLine,
    deal_influence_graph,
    deal_people,
    deal_persona_map,
    deal_scorecard,
)
from .risks import Risk, deal_risks

TIMELINE_LIMIT = 50


def deal_get(*, workspace: Workspace, pk: int) -> Deal:
    """The deal with its account and owner; ``Deal.DoesNotExist`` when not in this workspace."""
    return Deal.objects.for_workspace(workspace).select_related("account", "owner").get(pk=pk)


def deal_roles_with_contacts(*, workspace: Workspace, deal: Deal) -> list[DealRole]:
    """The deal's roles with their contacts, by contact name (1 query). A contact the CRM
    deleted has left the deal's people (as in ``deal_people``): their roles are not shown."""
    return list(
        DealRole.objects.for_workspace(workspace)
        .filter(deal=deal, contact__crm_deleted_at=None)
        .select_related("contact", "contact__account")
        .order_by("contact__last_name", "contact__first_name", "role", "id")
    )


def deal_role_get(*, workspace: Workspace, deal: Deal, pk: int) -> DealRole | None:
    """One role on this deal, with its contact; None when it is not on this deal (or its
    contact was deleted in the CRM: the page does not show that role)."""
    return (
        DealRole.objects.for_workspace(workspace)
        .filter(deal=deal, pk=pk, contact__crm_deleted_at=None)
        .select_related("contact")
        .first()
    )


def deal_choosable_contacts(
    *, workspace: Workspace, deal: Deal, roles: list[DealRole]
) -> dict[int, Contact]:
    """The contacts a deal page form may name: the account's, plus external role holders
    (1 query; ``roles`` are the deal's, already loaded).

    The role holders' ids come from the loaded roles: filtering ``pk__in`` lets PostgreSQL
    OR two index scans, where ``deal_roles__deal_id`` (a LEFT JOIN of every contact with
    its roles, then DISTINCT) read the whole workspace: 2 ms against 400 ms at 288,000
    contacts.
    """
    holders = sorted({role.contact_id for role in roles})
    contacts = (
        Contact.objects.for_workspace(workspace)
        .filter(Q(account_id=deal.account_id) | Q(pk__in=holders))
        .select_related("persona")
        .order_by("last_name", "first_name", "id")
    )
    return {c.pk: c for c in contacts}


@dataclass
class DealPage:
    """What the deal page shows besides its roles and the contacts its forms choose from."""

    persona_map: PersonaMap
    # Seniority and persona name of every contact the map shows (the figure's hover text).
    details: dict[int, dict[str, str]]
    risks: list[Risk]
    scorecard: list[ScorecardLine]
    advocacies: list[Advocacy]
    conversations: list[Conversation]
    pains: list[Tag]
    cases: list[BusinessCase]
    history: list[HistoryEntry]


def _details(contact: Contact) -> dict[str, str]:
    return {
        "seniority": contact.seniority,
        "persona": contact.persona.name if contact.persona else "",
    }


def deal_page(*, workspace: Workspace, deal: Deal, people: dict[int, Contact]) -> DealPage:
    """The deal's persona map, risks, scorecard, advocacy edges, conversation timeline, pains
    heard, business cases and history. ``people`` are the contacts already loaded for the
    page (``deal_choosable_contacts``), so the map's details need no query of their own."""
    # The deal's people and influence graph, loaded once for the map, risks and scorecard.
    on_deal = deal_people(deal=deal)
    graph = deal_influence_graph(deal=deal, people=on_deal)
    persona_map = deal_persona_map(deal=deal, people=on_deal, graph=graph)
    details = {pk: _details(c) for pk, c in people.items()}
    shown = [n.contact for n in persona_map.nodes]
    missing = [pk for pk in shown if pk not in details]
    if missing:  # path members from another account (rare): one more query
        for c in Contact.objects.filter(pk__in=missing).select_related("persona"):
            details[c.pk] = _details(c)
    risks = deal_risks(deal=deal, people=on_deal, graph=graph)
    advocacies = list(
        Advocacy.objects.for_workspace(workspace)
        .filter(advocate_id__in=shown, audience_id__in=shown)
        .select_related("advocate", "audience")
        .order_by("id")
    )
    conversations = list(
        Conversation.objects.for_workspace(workspace)
        .filter(deal=deal)
        .prefetch_related(
            Prefetch("participants", queryset=Contact.objects.only("id", "first_name", "last_name"))
        )
        .order_by("-occurred_on", "-id")[:TIMELINE_LIMIT]
    )
    pains = list(
        Tag.objects.for_workspace(workspace)
        .filter(kind=Tag.Kind.PAIN, conversations__deal=deal)
        .annotate(count=Count("conversations", distinct=True))
        .order_by("-count", "name")
    )
    cases = list(BusinessCase.objects.for_workspace(workspace).filter(deal=deal))
    return DealPage(
        persona_map=persona_map,
        details=details,
        risks=risks,
        scorecard=deal_scorecard(deal=deal, people=on_deal),
        advocacies=advocacies,
        conversations=conversations,
        pains=pains,  # type: ignore[arg-type]  # annotated/values() rows typed as TypedDicts by the stubs
        cases=cases,
        history=deal_history(workspace=workspace, deal=deal),
    )
