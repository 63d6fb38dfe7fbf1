"""Risk warnings of open deals (PRODUCT.md §5): one pure rule function, two loaders.

``deal_risks`` loads one deal (three queries); ``deal_risks_for`` loads many deals at once (three
queries, whatever their number). Both hand the loaded people and influence graph to
``risks_from``, so the rules exist once. Pages that show risks for a list of deals scan a bounded
number of them (``RISK_SCAN_LIMIT``) and say so when there are more.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts_app.models import Workspace
from personas_app.models import Advocacy, Contact
from personas_app.selectors import LIVE_ADVOCACY

from ..models import OPEN_STAGES, Deal, DealRole
from .intelligence import (
    ENGAGEMENT_WINDOW_DAYS,
    GRAPH_CONTACT_COLUMNS,
    PEOPLE_FIELDS,
    POWER_ROLES,
    ROLE_LABELS,
    DealPeople,
    InfluenceGraph,
    Person,
    champion_buyer_route,
    deal_influence_graph,
    deal_people,
    graph_from_rows,
    influence_accounts,
    people_from_roles,
    why_blocked,
)

# Every risk code with a short label, most severe first: a deal listed once is listed under
# the first of its risks in this order.
RISK_LABELS: dict[str, str] = {
    "champion_left": "Champion left",
    "opponent_in_power": "Opponent in power",
    "no_economic_buyer": "No economic buyer",
    "no_champion": "No champion",
    "no_path_to_buyer": "No path to buyer",
    "buyer_not_engaged": "Buyer not engaged",
    "single_threaded": "Single-threaded",
}
RISK_CODES = tuple(RISK_LABELS)
RISK_SEVERITY = {code: i for i, code in enumerate(RISK_CODES)}

# The most deals a page computes risks for in one request (a risk filter or the risk board).
RISK_SCAN_LIMIT = 500


@dataclass
class Risk:
    code: str
    message: str

    @property
    def label(self) -> str:
        return RISK_LABELS.get(self.code, self.code)


def _names(people: list[Person], role: str) -> str:
    names = [p.name for p in people]
    label = ROLE_LABELS[role].lower()
    if len(names) == 1:
        return f"{names[0]} ({label})"
    return f"{', '.join(names[:-1])} and {names[-1]} ({label}s)"


def _either(labels: Iterable[str]) -> str:
    """Labels joined with "or": A; A or B; A, B or C."""
    items = list(labels)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def risks_from(
    *, deal: Deal, people: DealPeople, graph: InfluenceGraph, today: dt.date
) -> list[Risk]:
    """The rules of PRODUCT.md §5 over a deal's loaded people and influence graph; no query.

    A closed deal has no risks. Risks come in the order the rules are listed in §5.
    """
    if deal.is_closed:
        return []
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
    route = champion_buyer_route(people, graph)
    if route.missing:
        staying = [p for p in champions if not p.has_left]  # where paths start
        ends = f"{_names(staying, Role.CHAMPION)} to {_names(buyers, Role.ECONOMIC_BUYER)}"
        if route.blockers:
            # §5: a path through an opponent or someone who left is no path; name who blocks.
            who = _either(f"{p.name} ({why_blocked(p)})" for p in route.blockers)
            opposed = any(DealRole.Stance.OPPONENT in p.stances for p in route.blockers)
            message = (
                f"No path from {ends} gets through: every one runs through {who}. "
                + ("Win the opponent over, or find" if opposed else "Find")
                + " someone else who can introduce the champion to the buyer and record that "
                "advocacy."
            )
        else:
            message = (
                f"No path from {ends}: nobody they advocate to or report to leads there. Find "
                "who can introduce the champion to the buyer and record that advocacy."
            )
        risks.append(Risk("no_path_to_buyer", message))
    return risks


def deal_risks(
    *,
    deal: Deal,
    today: dt.date | None = None,
    people: DealPeople | None = None,
    graph: InfluenceGraph | None = None,
) -> list[Risk]:
    """Risk warnings of one open deal (PRODUCT.md §5); a closed deal has none. Three queries,
    none when the caller passes the deal's ``people`` and ``graph`` (already loaded)."""
    if deal.is_closed:
        return []
    if people is None:
        people = deal_people(deal=deal)
    if graph is None:
        graph = deal_influence_graph(deal=deal, people=people)
    return risks_from(deal=deal, people=people, graph=graph, today=today or timezone.localdate())


def deal_risks_for(*, deals: Sequence[Deal], today: dt.date | None = None) -> dict[int, list[Risk]]:
    """Risk warnings of many deals at once, by deal id: three queries whatever their number.

    Loads the roles of every open deal, the contacts of every account their graphs span and the
    advocacy edges touching those accounts, then gives each deal exactly the rows
    ``deal_risks`` would have loaded for it. Closed deals get an empty list without a query.
    """
    today = today or timezone.localdate()
    result: dict[int, list[Risk]] = {deal.pk: [] for deal in deals}
    open_deals = [deal for deal in deals if deal.is_open]
    if not open_deals:
        return result
    workspaces = {deal.workspace_id for deal in open_deals}
    roles_by_deal: dict[int, list[DealRole]] = defaultdict(list)
    roles = (
        DealRole.objects.filter(
            workspace_id__in=workspaces, deal_id__in=[deal.pk for deal in open_deals]
        )
        # As deal_people: the roles of contacts the CRM deleted no longer count (§11).
        .filter(contact__crm_deleted_at=None)
        .select_related("contact")
        .only(*PEOPLE_FIELDS)
        .order_by()  # people_from_roles sorts; the default order joined and sorted by deal
    )
    for role in roles:
        roles_by_deal[role.deal_id].append(role)
    people = {deal.pk: people_from_roles(deal, roles_by_deal[deal.pk]) for deal in open_deals}
    accounts = {deal.pk: influence_accounts(deal, people[deal.pk]) for deal in open_deals}
    every_account = set().union(*accounts.values())

    contacts_by_account: dict[int, list[tuple]] = defaultdict(list)
    account_of: dict[int, int] = {}
    contacts = Contact.objects.filter(
        workspace_id__in=workspaces, account_id__in=every_account
    ).values_list(*GRAPH_CONTACT_COLUMNS)
    for row in contacts:
        contacts_by_account[row[4]].append(row)
        account_of[row[0]] = row[4]
    edges: list[tuple[int, int]] = []
    edges_by_account: dict[int, list[int]] = defaultdict(list)
    # The edges touching those accounts are the edges touching their contacts: an edge end
    # is checked against the contacts' ids (a subquery PostgreSQL hashes once) rather than
    # joined to its contact's account on both sides (an OR across two joins: 150 ms at full
    # scale); thousands of ids as literal parameters would cost more in Python than the query.
    # An end outside those accounts (account_of has no entry) is one no deal here looks up.
    spanned_contacts = Contact.objects.filter(
        workspace_id__in=workspaces, account_id__in=every_account
    ).values("id")
    advocacy = (
        Advocacy.objects.filter(workspace_id__in=workspaces)
        .filter(Q(advocate_id__in=spanned_contacts) | Q(audience_id__in=spanned_contacts))
        .filter(LIVE_ADVOCACY)  # as deal_influence_graph: no path through a deleted person
        .values_list("advocate_id", "audience_id")
        .order_by("id")
    )
    for advocate, audience in advocacy:
        advocate_account = account_of.get(advocate)
        audience_account = account_of.get(audience)
        if advocate_account is not None:
            edges_by_account[advocate_account].append(len(edges))
        if audience_account is not None and audience_account != advocate_account:
            edges_by_account[audience_account].append(len(edges))
        edges.append((advocate, audience))

    for deal in open_deals:
        spanned = accounts[deal.pk]
        rows = [row for account in spanned for row in contacts_by_account.get(account, ())]
        touching = sorted({i for account in spanned for i in edges_by_account.get(account, ())})
        graph = graph_from_rows(deal, people[deal.pk], rows, [edges[i] for i in touching])
        result[deal.pk] = risks_from(deal=deal, people=people[deal.pk], graph=graph, today=today)
    return result


def deals_with_risk(
    *, deals: QuerySet[Deal], code: str, limit: int = RISK_SCAN_LIMIT
) -> tuple[list[int], dict[int, list[Risk]], int]:
    """The ids of the deals of a list (in its order) that carry the risk ``code``.

    Only open deals can carry a risk; the first ``limit`` of them are checked (five queries).
    Returns (matching ids, the risks of every deal checked, how many open deals there were).
    """
    candidates = deals.filter(stage__in=OPEN_STAGES)
    total = candidates.count()
    scanned = list(
        candidates.select_related(None).only("id", "workspace_id", "account_id", "stage")[:limit]
    )
    risks = deal_risks_for(deals=scanned)
    matching = [deal.pk for deal in scanned if any(r.code == code for r in risks[deal.pk])]
    return matching, risks, total


@dataclass
class RiskyDeal:
    deal: Deal
    risks: list[Risk]


@dataclass
class RiskGroup:
    """The deals whose most severe risk is ``code``, biggest amount first."""

    code: str
    label: str
    deals: list[RiskyDeal] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((d.deal.amount or Decimal(0) for d in self.deals), Decimal(0))


@dataclass
class RiskBoard:
    groups: list[RiskGroup]
    counts: dict[str, int]  # deals carrying each code (a deal counts once per risk it has)
    open_deals: int  # open deals in scope
    scanned: int  # of which checked (the biggest ones, up to the limit)
    at_risk: int
    amount_at_risk: Decimal

    @property
    def capped(self) -> bool:
        return self.scanned < self.open_deals


def deal_risk_board(
    *,
    workspace: Workspace,
    owner=None,
    limit: int = RISK_SCAN_LIMIT,
    today: dt.date | None = None,
) -> RiskBoard:
    """Open deals at risk (of ``owner``, or everyone's), grouped by their most severe risk.

    Checks the ``limit`` biggest open deals by amount (an unknown amount last): six queries.
    """
    deals = Deal.objects.for_workspace(workspace).filter(stage__in=OPEN_STAGES)
    if owner is not None:
        deals = deals.filter(owner=owner)
    total = deals.count()
    biggest = list(
        deals.select_related("account", "owner").order_by(
            F("amount").desc(nulls_last=True), "close_date", "id"
        )[:limit]
    )
    risks = deal_risks_for(deals=biggest, today=today)
    groups = {code: RiskGroup(code, label) for code, label in RISK_LABELS.items()}
    counts = dict.fromkeys(RISK_CODES, 0)
    at_risk, amount = 0, Decimal(0)
    for deal in biggest:
        found = sorted(risks[deal.pk], key=lambda r: RISK_SEVERITY.get(r.code, len(RISK_CODES)))
        if not found:
            continue
        at_risk += 1
        amount += deal.amount or Decimal(0)
        for risk in found:
            counts[risk.code] = counts.get(risk.code, 0) + 1
        groups[found[0].code].deals.append(RiskyDeal(deal, found))
    return RiskBoard(
        groups=[g for g in groups.values() if g.deals],
        counts={code: n for code, n in counts.items() if n},
        open_deals=total,
        scanned=len(biggest),
        at_risk=at_risk,
        amount_at_risk=amount,
    )
