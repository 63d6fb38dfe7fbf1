"""Reads for deals and conversations: list querysets and aggregates, always workspace-first.

Also the per-deal intelligence of PRODUCT.md §5 (persona map, MEDDPICC scorecard, risks),
computed in a constant number of queries and returned as dataclasses for the API and pages.
"""

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts_app.models import (
    SIZE_BANDS,
    DeploymentModel,
    Infrastructure,
    Lifecycle,
    Workspace,
)
from personas_app.models import Advocacy, Contact

from .models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    ActionItem,
    BusinessCase,
    Conversation,
    Deal,
    DealRole,
    ScorecardItem,
    Tag,
)

# Stage filters a deal list understands besides the stages themselves.
STAGE_OPEN, STAGE_CLOSED, STAGE_ALL = "open", "closed", "all"

# The account dimensions a segment summary can group by, with labels for their coded values.
DIMENSIONS: dict[str, dict[str, str]] = {
    "industry": {},
    "size_band": dict(SIZE_BANDS),
    "country": {},
    "region": {},
    "deployment_model": dict(DeploymentModel.choices),
    "infrastructure": dict(Infrastructure.choices),
    "lifecycle": dict(Lifecycle.choices),
}
UNKNOWN = "unknown"


def _count_subquery(queryset: QuerySet, *, group_by: str, count: str) -> Coalesce:
    """A correlated COUNT(DISTINCT count) over queryset, evaluated only for the rows shown."""
    counted = (
        queryset.order_by().values(group_by).annotate(n=Count(count, distinct=True)).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def conversation_list(
    *, workspace: Workspace, kind: str = "", search: str = ""
) -> QuerySet[Conversation]:
    """Recent conversations, newest first, with what a list row shows loaded up front.

    ``kind`` keeps one kind; ``search`` matches the title or the notes (case-insensitive).
    """
    participants = Conversation.participants.through.objects.filter(conversation_id=OuterRef("pk"))
    queryset = (
        Conversation.objects.for_workspace(workspace)
        .select_related("account", "deal", "logged_by")
        .prefetch_related("tags")
        .annotate(
            participant_count=_count_subquery(
                participants, group_by="conversation_id", count="contact_id"
            )
        )
        .order_by("-occurred_on", "-id")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(notes__icontains=search))
    return queryset


def deal_list(*, workspace: Workspace, stage: str = STAGE_OPEN, owner=None) -> QuerySet[Deal]:
    """Deals filtered by stage (a stage, or "open", "closed", "all") and optionally by owner.

    Open deals are ordered by the date they are expected to close; closed ones most recent first.
    Each deal carries ``contact_count``: the distinct contacts holding a role in it.
    """
    queryset = Deal.objects.for_workspace(workspace)
    if stage == STAGE_OPEN:
        queryset = queryset.filter(stage__in=OPEN_STAGES)
    elif stage == STAGE_CLOSED:
        queryset = queryset.filter(stage__in=CLOSED_STAGES)
    elif stage in Deal.Stage.values:
        queryset = queryset.filter(stage=stage)
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if stage in (STAGE_OPEN, *OPEN_STAGES):
        ordering = [F("close_date").asc(nulls_last=True), "name", "id"]
    else:
        ordering = [F("close_date").desc(nulls_last=True), "-id"]
    roles = DealRole.objects.filter(deal_id=OuterRef("pk"))
    return (
        queryset.select_related("account", "owner")
        .annotate(contact_count=_count_subquery(roles, group_by="deal_id", count="contact_id"))
        .order_by(*ordering)
    )


def deal_totals(*, deals: QuerySet[Deal]) -> dict:
    """Count and summed amount of a deal list, in one query (an unknown amount counts as 0)."""
    return deals.order_by().aggregate(count=Count("id"), amount=Sum("amount", default=Decimal("0")))


def deal_role_list(*, workspace: Workspace) -> QuerySet[DealRole]:
    """Deal roles with the contact and the deal loaded (names and the external flag)."""
    return DealRole.objects.for_workspace(workspace).select_related("contact", "deal")


def business_case_list(*, workspace: Workspace) -> QuerySet[BusinessCase]:
    return BusinessCase.objects.for_workspace(workspace).select_related("deal")


def tag_list(*, workspace: Workspace) -> QuerySet[Tag]:
    return Tag.objects.for_workspace(workspace)


def conversation_list_full(*, workspace: Workspace) -> QuerySet[Conversation]:
    """Conversations as conversation_list, plus their participants (ids and names)."""
    return conversation_list(workspace=workspace).prefetch_related(
        Prefetch("participants", queryset=Contact.objects.only("id", "first_name", "last_name"))
    )


def action_item_list(*, workspace: Workspace) -> QuerySet[ActionItem]:
    return ActionItem.objects.for_workspace(workspace).select_related("conversation", "owner")


# --- per-deal intelligence (PRODUCT.md §5) ----------------------------------------------------

SCORECARD_KEYS = tuple(ScorecardItem.Key.values)
ENGAGEMENT_WINDOW_DAYS = 30
POWER_ROLES = (
    DealRole.Role.ECONOMIC_BUYER,
    DealRole.Role.DECISION_MAKER,
    DealRole.Role.EXECUTIVE_SPONSOR,
)
ROLE_ORDER = {role: i for i, role in enumerate(DealRole.Role.values)}
ROLE_LABELS = dict(DealRole.Role.choices)


@dataclass
class Person:
    """A contact as the deal's graph sees them."""

    contact: int
    name: str
    title: str
    account: int
    has_left: bool
    reports_to: int | None
    external: bool = False
    roles: list[str] = field(default_factory=list)
    stances: set[str] = field(default_factory=set)
    last_engaged_on: dt.date | None = None
    is_primary: bool = False

    @property
    def stance(self) -> str | None:
        """Opponent outweighs supporter, which outweighs neutral; None without a role."""
        for stance in (DealRole.Stance.OPPONENT, DealRole.Stance.SUPPORTER):
            if stance in self.stances:
                return stance.value
        return DealRole.Stance.NEUTRAL.value if self.roles else None

    def labelled(self, role: str) -> str:
        return f"{self.name} ({ROLE_LABELS[role].lower()})"


@dataclass
class DealPeople:
    """The people holding roles on a deal (by contact id, in role order)."""

    deal: Deal
    people: dict[int, Person]

    def holders(self, role: str) -> list[Person]:
        return [p for p in self.people.values() if role in p.roles]


def deal_people(*, deal: Deal) -> DealPeople:
    """Everyone with a role on the deal, with their roles, stances and engagement: one query."""
    people: dict[int, Person] = {}
    roles = (
        DealRole.objects.filter(workspace_id=deal.workspace_id, deal_id=deal.pk)
        .select_related("contact")
        .order_by("id")
    )
    for role in sorted(roles, key=lambda r: (ROLE_ORDER.get(r.role, 99), r.id)):
        contact = role.contact
        person = people.get(contact.pk)
        if person is None:
            person = people[contact.pk] = Person(
                contact=contact.pk,
                name=contact.full_name,
                title=contact.title,
                account=contact.account_id,
                has_left=contact.has_left,
                reports_to=contact.reports_to_id,
                external=contact.account_id != deal.account_id,
            )
        if role.role not in person.roles:
            person.roles.append(role.role)
        person.stances.add(role.stance)
        person.is_primary = person.is_primary or role.is_primary
        if role.last_engaged_on and (
            person.last_engaged_on is None or role.last_engaged_on > person.last_engaged_on
        ):
            person.last_engaged_on = role.last_engaged_on
    return DealPeople(deal=deal, people=people)


@dataclass
class InfluenceGraph:
    """Reporting lines and advocacy edges among the contacts of the deal's accounts."""

    names: dict[int, Person]
    advocacy: list[tuple[int, int]]

    def successors(self) -> dict[int, list[int]]:
        """contact → the people they can reach: whom they advocate to and whom they report to."""
        graph: dict[int, list[int]] = {}
        for person in self.names.values():
            if person.reports_to is not None:
                graph.setdefault(person.contact, []).append(person.reports_to)
        for advocate, audience in self.advocacy:
            graph.setdefault(advocate, []).append(audience)
        return graph

    def path(self, sources: list[int], targets: set[int]) -> list[int] | None:
        """Shortest path from any source to any target (breadth-first), or None."""
        graph = self.successors()
        previous: dict[int, int | None] = {s: None for s in sources}
        queue = deque(sources)
        while queue:
            node = queue.popleft()
            if node in targets:
                path = [node]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return path[::-1]
            for nxt in graph.get(node, ()):
                if nxt not in previous:
                    previous[nxt] = node
                    queue.append(nxt)
        return None


def deal_influence_graph(*, deal: Deal, people: DealPeople) -> InfluenceGraph:
    """The contacts of the deal's account (and of its external role holders) with their
    reporting lines, and every advocacy edge touching them: two queries."""
    account_ids = {deal.account_id, *(p.account for p in people.people.values())}
    names: dict[int, Person] = {}
    contacts = Contact.objects.filter(
        workspace_id=deal.workspace_id, account_id__in=account_ids
    ).values_list("id", "first_name", "last_name", "title", "account_id", "has_left", "reports_to")
    for pk, first, last, title, account, has_left, reports_to in contacts:
        names[pk] = people.people.get(pk) or Person(
            contact=pk,
            name=f"{first} {last}".strip(),
            title=title,
            account=account,
            has_left=has_left,
            reports_to=reports_to,
            external=account != deal.account_id,
        )
    advocacy = list(
        Advocacy.objects.filter(workspace_id=deal.workspace_id)
        .filter(Q(advocate__account_id__in=account_ids) | Q(audience__account_id__in=account_ids))
        .values_list("advocate_id", "audience_id")
    )
    return InfluenceGraph(names=names, advocacy=advocacy)


@dataclass
class Edge:
    source: int
    target: int
    kind: str  # "reports_to" or "advocacy"


@dataclass
class PersonaMap:
    """The deal's people as a graph: nodes (people with roles, and anyone on the path from a
    champion to the economic buyer), reporting and advocacy edges among them, and gaps."""

    nodes: list[Person]
    edges: list[Edge]
    gaps: list[str]
    path: list[int] | None


def _champion_buyer_path(people: DealPeople, graph: InfluenceGraph) -> list[int] | None:
    champions = [p.contact for p in people.holders(DealRole.Role.CHAMPION)]
    buyers = {p.contact for p in people.holders(DealRole.Role.ECONOMIC_BUYER)}
    if not champions or not buyers:
        return None
    return graph.path(champions, buyers)


def _gaps(people: DealPeople, path: list[int] | None) -> list[str]:
    has_buyer = bool(people.holders(DealRole.Role.ECONOMIC_BUYER))
    has_champion = bool(people.holders(DealRole.Role.CHAMPION))
    gaps = []
    if not has_buyer:
        gaps.append("no_economic_buyer")
    if not has_champion:
        gaps.append("no_champion")
    if has_buyer and has_champion and path is None:
        gaps.append("no_path_to_buyer")
    return gaps


def deal_persona_map(*, deal: Deal) -> PersonaMap:
    """The persona map of PRODUCT.md §5 in three queries, whatever the deal's size."""
    people = deal_people(deal=deal)
    graph = deal_influence_graph(deal=deal, people=people)
    path = _champion_buyer_path(people, graph)
    nodes = list(people.people.values())
    nodes.extend(
        graph.names[contact]
        for contact in path or ()
        if contact not in people.people and contact in graph.names
    )
    shown = {n.contact for n in nodes}
    edges = [
        Edge(n.contact, n.reports_to, "reports_to")
        for n in nodes
        if n.reports_to is not None and n.reports_to in shown
    ]
    seen = set()
    for advocate, audience in graph.advocacy:
        if advocate in shown and audience in shown and (advocate, audience) not in seen:
            seen.add((advocate, audience))
            edges.append(Edge(advocate, audience, "advocacy"))
    return PersonaMap(nodes=nodes, edges=edges, gaps=_gaps(people, path), path=path)


@dataclass
class ScorecardLine:
    key: str
    status: str  # missing / partial / confirmed
    source: str  # auto / manual
    label: str = ""
    note: str = ""


def _holder_status(holders: list[Person]) -> str:
    """Confirmed: someone in the role who is still there and not opposed; partial: only people
    who have left or oppose the deal; missing: nobody."""
    if not holders:
        return ScorecardItem.Status.MISSING
    if any(not p.has_left and DealRole.Stance.OPPONENT not in p.stances for p in holders):
        return ScorecardItem.Status.CONFIRMED
    return ScorecardItem.Status.PARTIAL


def deal_scorecard(*, deal: Deal) -> list[ScorecardLine]:
    """The MEDDPICC scorecard of a deal, in the order of the letters (four queries).

    Derived (``auto``) letters: Metrics — confirmed with a business case that states an annual
    value, partial with business cases without one; Economic buyer and Champion — confirmed
    when someone holds the role who has not left and is not an opponent, partial when everyone
    in the role has left or opposes the deal; Identify pain — confirmed with a pain tag on a
    conversation of this deal, partial with pain tags only on other conversations with the
    account; Competition — confirmed when a competitor is named. Decision criteria, decision
    process and paper process are only set by hand. A hand-set (``manual``) letter overrides.
    """
    Status = ScorecardItem.Status
    people = deal_people(deal=deal)
    cases = BusinessCase.objects.filter(workspace_id=deal.workspace_id, deal_id=deal.pk).aggregate(
        cases=Count("id"), valued=Count("id", filter=Q(estimated_annual_value__isnull=False))
    )
    pains = (
        Conversation.tags.through.objects.filter(
            conversation__workspace_id=deal.workspace_id,
            conversation__account_id=deal.account_id,
            tag__kind=Tag.Kind.PAIN,
        )
        .order_by()
        .aggregate(
            on_deal=Count("id", filter=Q(conversation__deal_id=deal.pk)), on_account=Count("id")
        )
    )
    auto = {key: Status.MISSING for key in SCORECARD_KEYS}
    if cases["valued"]:
        auto["metrics"] = Status.CONFIRMED
    elif cases["cases"]:
        auto["metrics"] = Status.PARTIAL
    auto["economic_buyer"] = _holder_status(people.holders(DealRole.Role.ECONOMIC_BUYER))
    auto["champion"] = _holder_status(people.holders(DealRole.Role.CHAMPION))
    if pains["on_deal"]:
        auto["identify_pain"] = Status.CONFIRMED
    elif pains["on_account"]:
        auto["identify_pain"] = Status.PARTIAL
    if deal.competitor.strip():
        auto["competition"] = Status.CONFIRMED
    manual = {
        row.key: row
        for row in ScorecardItem.objects.filter(workspace_id=deal.workspace_id, deal_id=deal.pk)
    }
    labels = dict(ScorecardItem.Key.choices)
    lines = []
    for key in SCORECARD_KEYS:
        if key in manual:
            row = manual[key]
            lines.append(ScorecardLine(key, row.status, "manual", labels[key], row.note))
        else:
            lines.append(ScorecardLine(key, str(auto[key]), "auto", labels[key]))
    return lines


@dataclass
class Risk:
    code: str
    message: str


def _names(people: list[Person], role: str) -> str:
    names = [p.name for p in people]
    label = ROLE_LABELS[role].lower()
    if len(names) == 1:
        return f"{names[0]} ({label})"
    return f"{', '.join(names[:-1])} and {names[-1]} ({label}s)"


def deal_risks(*, deal: Deal, today: dt.date | None = None) -> list[Risk]:
    """Risk warnings of an open deal (PRODUCT.md §5); a closed deal has none. Three queries."""
    if deal.is_closed:
        return []
    today = today or timezone.localdate()
    people = deal_people(deal=deal)
    graph = deal_influence_graph(deal=deal, people=people)
    Role = DealRole.Role
    buyers = people.holders(Role.ECONOMIC_BUYER)
    champions = people.holders(Role.CHAMPION)
    risks = []
    if not buyers:
        risks.append(
            Risk(
                "no_economic_buyer",
                "No economic buyer is named on this deal: find out who owns the budget and "
                "add them with the economic buyer role.",
            )
        )
    if not champions:
        risks.append(
            Risk(
                "no_champion",
                "Nobody champions this deal: find someone at the account who wants it to "
                "happen and add them with the champion role.",
            )
        )
    if len(people.people) < 2:
        only = next(iter(people.people.values()), None)
        message = (
            f"Only {only.name} holds a role on this deal: it is single-threaded. "
            if only
            else "Nobody holds a role on this deal: it is not threaded at all. "
        )
        risks.append(
            Risk(
                "single_threaded",
                message + "Meet more people at the account and add them to the deal.",
            )
        )
    if buyers:
        since = today - dt.timedelta(days=ENGAGEMENT_WINDOW_DAYS)
        if not any(p.last_engaged_on and p.last_engaged_on >= since for p in buyers):
            last = max((p.last_engaged_on for p in buyers if p.last_engaged_on), default=None)
            when = f"last engaged on {last.isoformat()}" if last else "never engaged"
            risks.append(
                Risk(
                    "buyer_not_engaged",
                    f"{_names(buyers, Role.ECONOMIC_BUYER)}: {when}, not in the last "
                    f"{ENGAGEMENT_WINDOW_DAYS} days. Book a meeting with the buyer.",
                )
            )
    left = [p for p in champions if p.has_left]
    if left:
        risks.append(
            Risk(
                "champion_left",
                f"{_names(left, Role.CHAMPION)} left the company: find a new champion "
                "and confirm who now carries the deal inside the account.",
            )
        )
    opponents = [
        (p, role)
        for p in people.people.values()
        for role in p.roles
        if role in POWER_ROLES and DealRole.Stance.OPPONENT in p.stances
    ]
    if opponents:
        who = ", ".join(p.labelled(role) for p, role in opponents)
        risks.append(
            Risk(
                "opponent_in_power",
                f"{who} opposes this deal: find out what they object to and who can "
                "change their mind before the decision.",
            )
        )
    if buyers and champions and _champion_buyer_path(people, graph) is None:
        risks.append(
            Risk(
                "no_path_to_buyer",
                f"No path from {_names(champions, Role.CHAMPION)} to "
                f"{_names(buyers, Role.ECONOMIC_BUYER)}: nobody they advocate to or report to "
                "leads there. Find who can introduce the champion to the buyer and record "
                "that advocacy.",
            )
        )
    return risks
