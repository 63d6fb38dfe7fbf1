"""The shared test world: the workspaces the tests read, built once here for every kind of test.

- ``build_world(workspace, related=1)``: one row of every API resource, linked to each other
  (API, isolation, CSRF and page tests; fixture ``world``). ``related`` grows the people, tags
  and roles hanging off the deal and the conversation (reads must not grow with them).
- ``build_figured_world(workspace)``: a small hand-built workspace whose PRODUCT.md §4 figures
  are worked out by hand below (insights tests; fixture ``figured_world``).
- ``add_data(workspace, accounts=N)``: a little of everything, N times (recompute, snapshot and
  worker tests).

The three stay distinct data sets on purpose: the insights tests assert figures computed by
hand from the second, the API tests count and address the rows of the first.

The figured world:
A small, hand-built workspace whose §4 figures are worked out by hand in the tests.

Hourly cost 100. Today is 2025-07-31, so "the last 90 days" is 2025-05-02 … 2025-07-31.

accounts   industry  size        country  infra             deals
A1         Fintech   smb (50)    Germany  virtual_machines  D1 won, D2 won, D3 lost, D4 open,
                                                            D5 open, D10 won
A2         Fintech   enterprise  France   containers        D6 lost, D7 lost, D8 open
A3         ""        (none)      ""       unknown           D9 open
A4         Retail    mid_market  USA      serverless        —

deal  stage        amount   created     closed      cost_of_sale  roles
D1    won          100000   2025-01-01  2025-03-02  —             EB + champion
D2    won          unknown  unknown     2025-05-10  500           —
D3    lost: price  40000    2025-02-01  2025-04-01  —             EB only
D4    discovery    20000                                          EB + champion (of A2: external)
D5    proposal     unknown                                        —
D6    lost: ""     70000    2025-01-10  2025-02-10  —             —
D7    lost: m_f    30000    2025-03-01  2025-06-15  —             —
D8    negotiation  50000                                          EB + champion
D9    prospecting  10000                                          —
D10   won          0        2025-01-01  2025-01-31  0             —

conversation  account  deal  on          minutes  kind / stated      pain tags
C1            A1       D1    2025-02-15  90       discovery          Alert fatigue, Tool sprawl
C2            A1       D3    2025-03-20  30       discovery          Alert fatigue
C3            A1       D3    2025-06-01  —        win_loss: competitor
C4            A2       D6    2025-05-01  60       win_loss: other    Alert fatigue
C5            A2       D7    2025-06-20  15       win_loss: price
C6            A2       D7    2025-07-01  15       win_loss: missing_feature
C7            A2       —     2025-07-31  45       discovery          Tool sprawl
C8            A1       D4    2025-07-15  60       discovery          Alert fatigue
C9            A3       —     2025-08-05  30       discovery (after "today")
C10           A1       D10   2025-01-20  120      discovery
(C1 also has the topic tag "Pricing", which is not a pain.)

Business cases: D4 10000, D8 5000, D8 unknown, D1 2500, D3 99999 (lost: not claimed).
Saved segments: "Fintech on VMs" (industry Fintech, infrastructure virtual_machines) = A1;
"Nobody" (industry Nonexistent) = no account.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts_app.models import Account, Membership
from deals_app.models import Conversation, Deal, DealRole, Tag
from tests.factories import (
    AccountFactory,
    ActionItemFactory,
    AdvocacyFactory,
    AssumptionFactory,
    BusinessCaseFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    DealRoleFactory,
    EvidenceFactory,
    FeatureMentionFactory,
    FeatureRequestFactory,
    PersonaFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
)


@dataclass
class World:
    """One row of every API resource in a workspace, linked to each other."""

    account: object
    persona: object
    contact: object
    manager: object
    advocacy: object
    deal: object
    deal_role: object
    business_case: object
    tag: object
    conversation: object
    action_item: object
    assumption: object
    evidence: object
    feature_request: object
    feature_mention: object
    segment: object
    owner: object

    def by_resource(self) -> dict[str, object]:
        return {
            "accounts": self.account,
            "personas": self.persona,
            "contacts": self.contact,
            "advocacies": self.advocacy,
            "deals": self.deal,
            "deal-roles": self.deal_role,
            "business-cases": self.business_case,
            "tags": self.tag,
            "conversations": self.conversation,
            "action-items": self.action_item,
            "assumptions": self.assumption,
            "evidence": self.evidence,
            "feature-requests": self.feature_request,
            "feature-mentions": self.feature_mention,
            "segments": self.segment,
        }


def build_world(workspace, *, owner=None, related: int = 1) -> World:
    """Every resource once in ``workspace``; ``related`` people/tags/roles hang off the deal
    and the conversation (to show that reads do not grow with them)."""
    owner = owner or UserFactory.create()
    Membership.objects.get_or_create(
        user=owner, workspace=workspace, defaults={"role": Membership.Role.SALES}
    )
    account = AccountFactory.create(workspace=workspace, name=f"Initech {workspace.slug}")
    persona = PersonaFactory.create(workspace=workspace)
    manager = ContactFactory.create(account=account, persona=persona, title="VP Engineering")
    contact = ContactFactory.create(account=account, persona=persona, reports_to=manager)
    advocacy = AdvocacyFactory.create(advocate=contact, audience=manager)
    deal = DealFactory.create(account=account, owner=owner, competitor="Globex Monitoring")
    deal_role = DealRoleFactory.create(
        deal=deal,
        contact=contact,
        role=DealRole.Role.CHAMPION,
        last_engaged_on=timezone.localdate(),
    )
    business_case = BusinessCaseFactory.create(deal=deal)
    tag = TagFactory.create(workspace=workspace)
    conversation = ConversationFactory.create(account=account, deal=deal, logged_by=owner)
    conversation.participants.add(contact)
    conversation.tags.add(tag)
    for i in range(related - 1):
        person = ContactFactory.create(account=account, reports_to=manager)
        DealRoleFactory.create(deal=deal, contact=person, role=DealRole.Role.USER)
        AdvocacyFactory.create(advocate=person, audience=contact)
        conversation.participants.add(person)
        conversation.tags.add(TagFactory.create(workspace=workspace, name=f"Pain {i}"))
        BusinessCaseFactory.create(deal=deal)
    action_item = ActionItemFactory.create(conversation=conversation, owner=owner)
    assumption = AssumptionFactory.create(workspace=workspace, created_by=owner)
    evidence = EvidenceFactory.create(assumption=assumption, conversation=conversation)
    feature_request = FeatureRequestFactory.create(workspace=workspace)
    feature_mention = FeatureMentionFactory.create(
        feature=feature_request, account=account, deal=deal, conversation=conversation
    )
    segment = SegmentFactory.create(workspace=workspace)
    return World(
        account=account,
        persona=persona,
        contact=contact,
        manager=manager,
        advocacy=advocacy,
        deal=deal,
        deal_role=deal_role,
        business_case=business_case,
        tag=tag,
        conversation=conversation,
        action_item=action_item,
        assumption=assumption,
        evidence=evidence,
        feature_request=feature_request,
        feature_mention=feature_mention,
        segment=segment,
        owner=owner,
    )


TODAY = dt.date(2025, 7, 31)
D = dt.date


def build_figured_world(workspace) -> dict:
    """The hand-built workspace of the module docstring's second part: accounts, deals,
    conversations and segments by name (A1…, D1…, C1…, "vms"/"nobody")."""
    workspace.hourly_cost = Decimal("100")
    workspace.save()
    acc = {
        "A1": AccountFactory(
            workspace=workspace,
            name="A1",
            industry="Fintech",
            employee_count=50,
            country="Germany",
            region="EMEA",
            deployment_model="on_prem",
            infrastructure="virtual_machines",
            lifecycle="customer",
        ),
        "A2": AccountFactory(
            workspace=workspace,
            name="A2",
            industry="Fintech",
            employee_count=5000,
            country="France",
            region="EMEA",
            deployment_model="hybrid",
            infrastructure="containers",
            lifecycle="prospect",
        ),
        "A3": AccountFactory(
            workspace=workspace,
            name="A3",
            industry="",
            employee_count=None,
            country="",
            region="",
            deployment_model="unknown",
            infrastructure="unknown",
            lifecycle="prospect",
        ),
        "A4": AccountFactory(
            workspace=workspace,
            name="A4",
            industry="Retail",
            employee_count=200,
            country="USA",
            region="NA",
            deployment_model="single_cloud",
            infrastructure="serverless",
            lifecycle="prospect",
        ),
    }
    s = Deal.Stage

    def deal(name, account, stage, amount, created=None, closed=None, **extra):
        return DealFactory(
            workspace=workspace,
            account=acc[account],
            name=name,
            stage=stage,
            amount=None if amount is None else Decimal(amount),
            created_on=created,
            close_date=closed,
            **extra,
        )

    deals = {
        "D1": deal("D1", "A1", s.CLOSED_WON, "100000", D(2025, 1, 1), D(2025, 3, 2)),
        "D2": deal("D2", "A1", s.CLOSED_WON, None, None, D(2025, 5, 10), cost_of_sale=500),
        "D3": deal(
            "D3", "A1", s.CLOSED_LOST, "40000", D(2025, 2, 1), D(2025, 4, 1), loss_reason="price"
        ),
        "D4": deal("D4", "A1", s.DISCOVERY, "20000"),
        "D5": deal("D5", "A1", s.PROPOSAL, None),
        "D6": deal("D6", "A2", s.CLOSED_LOST, "70000", D(2025, 1, 10), D(2025, 2, 10)),
        "D7": deal(
            "D7",
            "A2",
            s.CLOSED_LOST,
            "30000",
            D(2025, 3, 1),
            D(2025, 6, 15),
            loss_reason="missing_feature",
        ),
        "D8": deal("D8", "A2", s.NEGOTIATION, "50000"),
        "D9": deal("D9", "A3", s.PROSPECTING, "10000"),
        "D10": deal("D10", "A1", s.CLOSED_WON, "0", D(2025, 1, 1), D(2025, 1, 31), cost_of_sale=0),
    }
    eb, champion = DealRole.Role.ECONOMIC_BUYER, DealRole.Role.CHAMPION

    def role(deal_name, kind, account=None):
        d = deals[deal_name]
        contact = ContactFactory(
            workspace=workspace, account=acc[account] if account else d.account
        )
        DealRoleFactory(workspace=workspace, deal=d, contact=contact, role=kind)

    role("D1", eb)
    role("D1", champion)
    role("D3", eb)
    role("D4", eb)
    role("D4", champion, account="A2")  # a partner's person champions A1's deal
    role("D8", eb)
    role("D8", champion)

    alert = TagFactory(workspace=workspace, name="Alert fatigue", kind=Tag.Kind.PAIN)
    sprawl = TagFactory(workspace=workspace, name="Tool sprawl", kind=Tag.Kind.PAIN)
    pricing = TagFactory(workspace=workspace, name="Pricing", kind=Tag.Kind.TOPIC)
    wl = Conversation.Kind.WIN_LOSS

    def conv(name, account, deal_name, on, minutes, tags=(), kind="discovery", stated=""):
        c = ConversationFactory(
            workspace=workspace,
            account=acc[account],
            deal=deals[deal_name] if deal_name else None,
            occurred_on=on,
            duration_minutes=minutes,
            kind=kind,
            stated_reason=stated,
            title=name,
        )
        c.tags.add(*tags)
        return c

    convs = {
        "C1": conv("C1", "A1", "D1", D(2025, 2, 15), 90, [alert, sprawl, pricing]),
        "C2": conv("C2", "A1", "D3", D(2025, 3, 20), 30, [alert]),
        "C3": conv("C3", "A1", "D3", D(2025, 6, 1), None, kind=wl, stated="competitor"),
        "C4": conv("C4", "A2", "D6", D(2025, 5, 1), 60, [alert], kind=wl, stated="other"),
        "C5": conv("C5", "A2", "D7", D(2025, 6, 20), 15, kind=wl, stated="price"),
        "C6": conv("C6", "A2", "D7", D(2025, 7, 1), 15, kind=wl, stated="missing_feature"),
        "C7": conv("C7", "A2", None, D(2025, 7, 31), 45, [sprawl]),
        "C8": conv("C8", "A1", "D4", D(2025, 7, 15), 60, [alert]),
        "C9": conv("C9", "A3", None, D(2025, 8, 5), 30),
        "C10": conv("C10", "A1", "D10", D(2025, 1, 20), 120),
    }
    for deal_name, value in [
        ("D4", "10000"),
        ("D8", "5000"),
        ("D8", None),
        ("D1", "2500"),
        ("D3", "99999"),
    ]:
        BusinessCaseFactory(
            workspace=workspace,
            deal=deals[deal_name],
            estimated_annual_value=None if value is None else Decimal(value),
        )
    segments = {
        "vms": SegmentFactory(
            workspace=workspace,
            name="Fintech on VMs",
            filters={"industry": "Fintech", "infrastructure": ["virtual_machines"]},
        ),
        "nobody": SegmentFactory(
            workspace=workspace, name="Nobody", filters={"industry": "Nonexistent"}
        ),
    }
    assert Account.objects.filter(workspace=workspace).count() == 4
    return {"accounts": acc, "deals": deals, "conversations": convs, "segments": segments}


def add_data(workspace, *, accounts: int, seed: int = 0) -> None:
    """A little of everything, ``accounts`` times: deals, roles, conversations, tags, cases,
    feature mentions and evidence."""
    pain = TagFactory(workspace=workspace, name="Alert fatigue", kind="pain")
    feature = FeatureRequestFactory(workspace=workspace, title=f"Feature {seed}")
    assumption = AssumptionFactory(workspace=workspace)
    for i in range(accounts):
        account = AccountFactory(
            workspace=workspace, industry=["Fintech", "Retail", ""][i % 3], employee_count=i * 50
        )
        for stage in ("closed_won", "closed_lost", "discovery"):
            deal = DealFactory(workspace=workspace, account=account, stage=stage)
            DealRoleFactory(
                workspace=workspace,
                deal=deal,
                contact=ContactFactory(workspace=workspace, account=account),
                role="economic_buyer",
            )
            BusinessCaseFactory(workspace=workspace, deal=deal)
            conversation = ConversationFactory(workspace=workspace, account=account, deal=deal)
            conversation.tags.add(pain)
            FeatureMentionFactory(workspace=workspace, feature=feature, account=account, deal=deal)
            EvidenceFactory(workspace=workspace, assumption=assumption, conversation=conversation)
