"""Per-deal intelligence of PRODUCT.md §5: the people on a deal, their influence graph, the
persona map and the MEDDPICC scorecard.

Loading (a few queries) is kept apart from building (pure functions over loaded rows), so the
per-deal readers here and the batched risk reader in ``risks.py`` share one set of rules.
"""

import datetime as dt
from collections import deque
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from django.db.models import Count, Q

from personas_app.models import Advocacy, Contact
from personas_app.selectors import LIVE_ADVOCACY

from ..models import BusinessCase, Conversation, Deal, DealRole, ScorecardItem, Tag

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


# The DealRole and Contact columns people_from_roles reads (loading only these keeps a batch light).
PEOPLE_FIELDS = (
    "id",
    "deal_id",
    "role",
    "stance",
    "is_primary",
    "last_engaged_on",
    "contact__id",
    "contact__first_name",
    "contact__last_name",
    "contact__title",
    "contact__account_id",
    "contact__has_left",
    "contact__reports_to_id",
)


def people_from_roles(deal: Deal, roles: Iterable[DealRole]) -> DealPeople:
    """The deal's people built from its DealRole rows (contacts loaded); no query."""
    people: dict[int, Person] = {}
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


def deal_people(*, deal: Deal) -> DealPeople:
    """Everyone with a role on the deal, with their roles, stances and engagement: one query."""
    roles = (
        # A contact the CRM deleted has left the deal's people (PRODUCT.md §11): the role row
        # stays until a purge, but joins to a hidden contact, which the default manager cannot
        # filter here.
        DealRole.objects.filter(
            workspace_id=deal.workspace_id, deal_id=deal.pk, contact__crm_deleted_at=None
        )
        .select_related("contact")
        .only(*PEOPLE_FIELDS)
    )
    return people_from_roles(deal, roles)


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

    def path(
        self, sources: list[int], targets: set[int], blocked: AbstractSet[int] = frozenset()
    ) -> list[int] | None:
        """Shortest path from any source to any target (breadth-first), or None.

        A ``blocked`` contact cannot stand inside a path: it may still end one (as a target);
        the sources are taken as given.
        """
        graph = self.successors()
        previous: dict[int, int | None] = {s: None for s in sources}
        queue = deque(sources)
        while queue:
            node = queue.popleft()
            if node in targets:
                path = [node]
                while (step := previous[path[-1]]) is not None:
                    path.append(step)
                return path[::-1]
            for nxt in graph.get(node, ()):
                if nxt not in previous and (nxt in targets or nxt not in blocked):
                    previous[nxt] = node
                    queue.append(nxt)
        return None

    def reachable(
        self, sources: Iterable[int], *, stop: AbstractSet[int] = frozenset(), backwards=False
    ) -> set[int]:
        """Everyone reachable from ``sources`` (themselves included), blocks ignored; a contact
        in ``stop`` is reached but not gone through. ``backwards``: who can reach the sources."""
        graph: dict[int, list[int]] = self.successors()
        if backwards:
            reverse: dict[int, list[int]] = {}
            for node, nexts in graph.items():
                for nxt in nexts:
                    reverse.setdefault(nxt, []).append(node)
            graph = reverse
        seen = set(sources)
        queue = deque(seen)
        while queue:
            node = queue.popleft()
            if node in stop:
                continue
            for nxt in graph.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen


# The contact columns an influence graph reads, in the order graph_from_rows expects them.
GRAPH_CONTACT_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "title",
    "account_id",
    "has_left",
    "reports_to",
)


def influence_accounts(deal: Deal, people: DealPeople) -> set[int]:
    """The accounts whose contacts make up the deal's graph: its own and its external people's."""
    return {deal.account_id, *(p.account for p in people.people.values())}


def graph_from_rows(
    deal: Deal,
    people: DealPeople,
    contacts: Iterable[tuple],
    advocacy: Iterable[tuple[int, int]],
) -> InfluenceGraph:
    """The influence graph built from loaded rows; no query.

    ``contacts`` are GRAPH_CONTACT_COLUMNS tuples of the contacts of influence_accounts();
    ``advocacy`` the (advocate, audience) edges with at least one end in those accounts.
    """
    names: dict[int, Person] = {}
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
    return InfluenceGraph(names=names, advocacy=list(advocacy))


def deal_influence_graph(*, deal: Deal, people: DealPeople) -> InfluenceGraph:
    """The contacts of the deal's account (and of its external role holders) with their
    reporting lines, and every advocacy edge touching them: two queries."""
    account_ids = influence_accounts(deal, people)
    contacts = list(
        Contact.objects.filter(
            workspace_id=deal.workspace_id, account_id__in=account_ids
        ).values_list(*GRAPH_CONTACT_COLUMNS)
    )
    # The edges touching those accounts are the edges touching their contacts: filtering on the
    # contact ids just loaded uses the advocate and audience indexes (1 ms), where an OR across
    # joins to the contacts' accounts read every edge of the workspace (150 ms at full scale).
    ids = sorted(row[0] for row in contacts)
    advocacy = (
        Advocacy.objects.filter(workspace_id=deal.workspace_id)
        .filter(Q(advocate_id__in=ids) | Q(audience_id__in=ids))
        .filter(LIVE_ADVOCACY)  # no path runs through a person the CRM deleted
        .values_list("advocate_id", "audience_id")
        .order_by("id")
    )
    return graph_from_rows(deal, people, contacts, advocacy)


@dataclass
class Edge:
    source: int
    target: int
    kind: str  # "reports_to" or "advocacy"


@dataclass
class PersonaMap:
    """The deal's people as a graph: nodes (people with roles, and anyone on the path from a
    champion to the economic buyer, or on the shortest blocked one when no path is open),
    reporting and advocacy edges among them, and gaps."""

    nodes: list[Person]
    edges: list[Edge]
    gaps: list[str]
    path: list[int] | None
    # Without an open path: the shortest blocked one and who blocks it (see ``Route``).
    blocked_path: list[int] | None = None
    blockers: list[Person] = field(default_factory=list)


def blocks_path(person: Person) -> bool:
    """Whether a contact breaks a champion-to-buyer path that runs through them (PRODUCT.md §5):
    they have left the company, or oppose this deal. A stance belongs to a role on this deal:
    a contact holding several roles opposes it when any of them has the stance ``opponent``
    (as ``Person.stance``); a contact without a role on this deal has no stance here."""
    return person.has_left or DealRole.Stance.OPPONENT in person.stances


def why_blocked(person: Person) -> str:
    """Why ``person`` blocks a path, in words: "opponent", "has left" or both."""
    reasons = []
    if DealRole.Stance.OPPONENT in person.stances:
        reasons.append("opponent")
    if person.has_left:
        reasons.append("has left")
    return ", ".join(reasons)


@dataclass
class Route:
    """The champion's-champion chain to the economic buyer (PRODUCT.md §5).

    Paths start at a champion still at the company (one who left is ``champion_left``; a deal
    whose champions have all left needs a new one before a path means anything) and end at an
    economic buyer. ``path``: the shortest open one, with nobody inside it who opposes the deal
    or has left (its ends are not judged by it: an opposing buyer is ``opponent_in_power``).
    Without one, ``blocked_path`` is the shortest path blocked people stand in, and
    ``blockers`` everyone standing in such a path (every path has one of them), in the order
    of the blocked path, then by name; both empty when no path exists at all. ``missing``:
    there are a buyer and a champion still there, and no open path — ``no_path_to_buyer``.
    """

    path: list[int] | None = None
    blocked_path: list[int] | None = None
    blockers: list[Person] = field(default_factory=list)
    missing: bool = False


def champion_buyer_route(people: DealPeople, graph: InfluenceGraph) -> Route:
    """The deal's route from a champion to an economic buyer (see ``Route``); no query."""
    starts = [p.contact for p in people.holders(DealRole.Role.CHAMPION) if not p.has_left]
    buyers = {p.contact for p in people.holders(DealRole.Role.ECONOMIC_BUYER)}
    if not starts or not buyers:
        return Route()
    known = {**graph.names, **people.people}
    # Nobody who blocks may stand inside a path; a buyer ends it, a start begins it.
    blocked = {pk for pk, p in known.items() if blocks_path(p) and pk not in buyers}.difference(
        starts
    )
    path = graph.path(starts, buyers, blocked)
    if path is not None:
        return Route(path=path)
    blocked_path = graph.path(starts, buyers)
    if blocked_path is None:
        return Route(missing=True)
    # Blockers stand between a champion and a buyer: reachable from a champion (not through a
    # buyer, where a path ends) and able to reach a buyer.
    ahead = graph.reachable(starts, stop=buyers)
    behind = graph.reachable(buyers, backwards=True)
    order = {pk: i for i, pk in enumerate(blocked_path)}
    blockers = sorted(
        (known[pk] for pk in blocked & ahead & behind),
        key=lambda p: (order.get(p.contact, len(order)), p.name, p.contact),
    )
    return Route(blocked_path=blocked_path, blockers=blockers, missing=True)


def champion_buyer_path(people: DealPeople, graph: InfluenceGraph) -> list[int] | None:
    """The shortest open champion-to-economic-buyer path, or None (also when either is
    missing); see ``champion_buyer_route``."""
    return champion_buyer_route(people, graph).path


def _gaps(people: DealPeople, route: Route) -> list[str]:
    gaps = []
    if not people.holders(DealRole.Role.ECONOMIC_BUYER):
        gaps.append("no_economic_buyer")
    if not people.holders(DealRole.Role.CHAMPION):
        gaps.append("no_champion")
    if route.missing:
        gaps.append("no_path_to_buyer")
    return gaps


def deal_persona_map(
    *, deal: Deal, people: DealPeople | None = None, graph: InfluenceGraph | None = None
) -> PersonaMap:
    """The persona map of PRODUCT.md §5 in three queries, whatever the deal's size (none when
    the caller passes the deal's ``people`` and ``graph``, already loaded for the risks too)."""
    if people is None:
        people = deal_people(deal=deal)
    if graph is None:
        graph = deal_influence_graph(deal=deal, people=people)
    route = champion_buyer_route(people, graph)
    path = route.path
    nodes = list(people.people.values())
    on_map = set(people.people)
    for contact in (*(path or ()), *(route.blocked_path or ())):
        if contact not in on_map and contact in graph.names:
            on_map.add(contact)
            nodes.append(graph.names[contact])
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
    return PersonaMap(
        nodes=nodes,
        edges=edges,
        gaps=_gaps(people, route),
        path=path,
        blocked_path=route.blocked_path,
        blockers=route.blockers,
    )


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


def deal_scorecard(*, deal: Deal, people: DealPeople | None = None) -> list[ScorecardLine]:
    """The MEDDPICC scorecard of a deal, in the order of the letters (four queries; three with
    the deal's ``people`` passed in).

    Derived (``auto``) letters: Metrics — confirmed with a business case that states an annual
    value, partial with business cases without one; Economic buyer and Champion — confirmed
    when someone holds the role who has not left and is not an opponent, partial when everyone
    in the role has left or opposes the deal; Identify pain — confirmed with a pain tag on a
    conversation of this deal, partial with pain tags only on other conversations with the
    account; Competition — confirmed when a competitor is named. Decision criteria, decision
    process and paper process are only set by hand. A hand-set (``manual``) letter overrides.
    """
    Status = ScorecardItem.Status
    if people is None:
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
    auto: dict[str, str] = {key: Status.MISSING for key in SCORECARD_KEYS}
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
