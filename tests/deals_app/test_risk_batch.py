"""Risks of many deals at once: the batched reader gives every deal exactly the warnings the
per-deal reader gives it, for every risk code raised and cleared, in three queries."""

import datetime as dt

import pytest

from deals_app.models import Deal, DealRole
from deals_app.selectors import RISK_CODES, deal_risks, deal_risks_for
from tests.factories import (
    AccountFactory,
    AdvocacyFactory,
    ContactFactory,
    DealFactory,
    DealRoleFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)
RECENT = TODAY - dt.timedelta(days=5)
LONG_AGO = TODAY - dt.timedelta(days=45)


def person(deal, role, **contact):
    stance = contact.pop("stance", "supporter")
    engaged = contact.pop("engaged", None)
    account = contact.pop("account", deal.account)
    contact = contact.pop("contact", None) or ContactFactory.create(account=account, **contact)
    DealRoleFactory.create(
        deal=deal, contact=contact, role=role, stance=stance, last_engaged_on=engaged
    )
    return contact


def healthy(deal):
    """A buyer engaged recently and a champion who advocates to them: no risk at all."""
    buyer = person(deal, "economic_buyer", engaged=RECENT, first_name="Ines")
    champion = person(deal, "champion", first_name="Sam")
    AdvocacyFactory.create(advocate=champion, audience=buyer)
    return buyer, champion


def as_pairs(risks):
    return [(r.code, r.message) for r in risks]


def check_same(deals):
    """Batched == per deal, deal by deal (codes, sentences and order)."""
    deals = list(Deal.objects.filter(pk__in=[d.pk for d in deals]).order_by("id"))
    batched = deal_risks_for(deals=deals, today=TODAY)
    assert set(batched) == {d.pk for d in deals}
    for deal in deals:
        assert as_pairs(batched[deal.pk]) == as_pairs(deal_risks(deal=deal, today=TODAY)), deal
    return batched


# Each case: set up a deal that raises the code, then the change that clears it.


def raise_no_economic_buyer(deal):
    person(deal, "champion")
    person(deal, "user")
    return lambda: person(deal, "economic_buyer", engaged=RECENT)


def raise_no_champion(deal):
    person(deal, "economic_buyer", engaged=RECENT)
    person(deal, "user")
    return lambda: person(deal, "champion")


def raise_single_threaded(deal):
    only = person(deal, "economic_buyer", engaged=RECENT)
    person(deal, "champion", contact=only)  # the same person twice is still one thread
    return lambda: person(deal, "user")


def raise_buyer_not_engaged(deal):
    buyer, _ = healthy(deal)
    DealRole.objects.filter(deal=deal, contact=buyer).update(last_engaged_on=LONG_AGO)
    return lambda: DealRole.objects.filter(deal=deal, contact=buyer).update(last_engaged_on=RECENT)


def raise_champion_left(deal):
    _, champion = healthy(deal)
    champion.has_left = True
    champion.save()

    def fix():
        champion.has_left = False
        champion.save()

    return fix


def raise_opponent_in_power(deal):
    buyer, _ = healthy(deal)
    person(deal, "blocker", contact=buyer, stance="opponent")  # opposed in another role
    return lambda: DealRole.objects.filter(deal=deal, contact=buyer).update(stance="supporter")


def raise_no_path_to_buyer(deal):
    buyer = person(deal, "economic_buyer", engaged=RECENT)
    champion = person(deal, "champion")
    advisor = ContactFactory.create(account=AccountFactory.create(workspace=deal.workspace))
    person(deal, "influencer", contact=advisor)  # external: their account joins the graph
    AdvocacyFactory.create(advocate=buyer, audience=champion)  # the wrong way round
    AdvocacyFactory.create(advocate=champion, audience=advisor)
    # The champion's champion: the external advisor advocates to the buyer.
    return lambda: AdvocacyFactory.create(advocate=advisor, audience=buyer)


CASES = {
    "no_economic_buyer": raise_no_economic_buyer,
    "no_champion": raise_no_champion,
    "single_threaded": raise_single_threaded,
    "buyer_not_engaged": raise_buyer_not_engaged,
    "champion_left": raise_champion_left,
    "opponent_in_power": raise_opponent_in_power,
    "no_path_to_buyer": raise_no_path_to_buyer,
}


def test_every_risk_code_has_a_case():
    assert set(CASES) == set(RISK_CODES)


@pytest.fixture
def neighbours(workspace):
    """Other deals in the same batch: on the same accounts, sharing contacts, closed, empty."""

    def make(deal):
        other = DealFactory.create(account=deal.account, workspace=deal.workspace, name="Sibling")
        healthy(other)
        closed = DealFactory.create(
            account=deal.account, workspace=deal.workspace, stage="closed_won", name="Won"
        )
        person(closed, "user")
        empty = DealFactory.create(account__workspace=workspace, name="Empty")
        return [other, closed, empty]

    return make


@pytest.mark.parametrize("code", RISK_CODES)
def test_each_risk_is_raised_and_cleared_the_same_way_in_a_batch(workspace, neighbours, code):
    deal = DealFactory.create(account__workspace=workspace, name=f"Deal with {code}")
    fix = CASES[code](deal)
    batch = [deal, *neighbours(deal)]
    raised = check_same(batch)
    assert code in [r.code for r in raised[deal.pk]]
    fix()
    cleared = check_same(batch)
    assert code not in [r.code for r in cleared[deal.pk]]


def test_a_path_is_not_found_through_an_account_that_only_another_deal_spans(workspace):
    """A deal's graph holds its own accounts' contacts, even when a deal beside it in the
    batch loads another account: batching must not invent a path."""
    home = AccountFactory.create(workspace=workspace, name="Home")
    away = AccountFactory.create(workspace=workspace, name="Away")
    deal = DealFactory.create(account=home, workspace=workspace)
    champion = person(deal, "champion")
    buyer = person(deal, "economic_buyer", engaged=RECENT)
    boss = ContactFactory.create(account=away)
    middle = ContactFactory.create(account=away, reports_to=boss)
    AdvocacyFactory.create(advocate=champion, audience=middle)  # into the other account…
    AdvocacyFactory.create(advocate=boss, audience=buyer)  # …and out again above them
    away_deal = DealFactory.create(account=away, workspace=workspace)
    person(away_deal, "user", contact=middle)

    risks = check_same([deal, away_deal])
    assert "no_path_to_buyer" in [r.code for r in risks[deal.pk]]
    # Once the other account is on this deal too, the reporting line counts.
    person(deal, "influencer", contact=boss)
    risks = check_same([deal, away_deal])
    assert "no_path_to_buyer" not in [r.code for r in risks[deal.pk]]


def test_several_champions_and_buyers_are_named_alike(workspace):
    deal = DealFactory.create(account__workspace=workspace)
    for name in ("Ana", "Bo"):
        person(deal, "champion", first_name=name, last_name="C")
        person(deal, "economic_buyer", first_name=name, last_name="B")
    risks = check_same([deal])
    (no_path,) = [r for r in risks[deal.pk] if r.code == "no_path_to_buyer"]
    assert "Ana C and Bo C (champions)" in no_path.message
    assert "Ana B and Bo B (economic buyers)" in no_path.message


def test_closed_deals_have_no_risks_and_cost_no_query(workspace, django_assert_num_queries):
    deals = DealFactory.create_batch(3, account__workspace=workspace, stage="closed_won")
    with django_assert_num_queries(0):
        assert deal_risks_for(deals=deals) == {d.pk: [] for d in deals}
    with django_assert_num_queries(0):
        assert deal_risks_for(deals=[]) == {}


@pytest.mark.parametrize("count", [5, 50])
def test_a_batch_costs_three_queries_whatever_its_size(workspace, django_assert_num_queries, count):
    account = AccountFactory.create(workspace=workspace)
    deals = []
    for i in range(count):
        home = account if i % 2 else AccountFactory.create(workspace=workspace)
        deal = DealFactory.create(account=home, workspace=workspace)
        if i % 3:
            healthy(deal)
        else:
            person(deal, "user", account=AccountFactory.create(workspace=workspace))
        deals.append(deal)
    with django_assert_num_queries(3):
        risks = deal_risks_for(deals=deals, today=TODAY)
    assert len(risks) == count
    assert sum(1 for found in risks.values() if found) == len(range(0, count, 3))
