"""The sales lead's landing page /deals/at-risk/: my open deals at risk, each under its most
severe risk, biggest amounts first; everyone's on request or when I own none; capped; scoped."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AdvocacyFactory, DealFactory, DealRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/deals/at-risk/"


@pytest.fixture
def sales(client, member):
    user = member("sales", username="sally")
    client.force_login(user)
    client.user = user
    return client


def covered(deal):
    buyer = DealRoleFactory.create(
        deal=deal, role="economic_buyer", last_engaged_on=dt.date(2099, 1, 1)
    )
    champion = DealRoleFactory.create(deal=deal, role="champion")
    AdvocacyFactory.create(advocate=champion.contact, audience=buyer.contact)
    return buyer, champion


@pytest.fixture
def my_book(sales, workspace):
    me = sales.user
    deals = {}

    def deal(name, amount, **kwargs):
        deals[name] = DealFactory.create(
            account__workspace=workspace,
            name=name,
            owner=kwargs.pop("owner", me),
            amount=Decimal(amount) if amount is not None else None,
            **kwargs,
        )
        return deals[name]

    covered(deal("Healthy", "5000"))
    deal("Empty small", "100")  # no buyer, no champion, single-threaded
    deal("Empty big", "900")
    deal("Empty unknown", None)
    _, champion = covered(deal("Champion gone", "300"))
    champion.contact.has_left = True
    champion.contact.save()
    deal("Closed empty", "7000", stage="closed_lost", loss_reason="price")
    deal("Colleague's", "8000", owner=UserFactory.create())
    return deals


def test_the_sales_role_lands_on_the_risk_board(sales):
    response = sales.get("/")
    assert response.status_code == 302
    assert response.url == reverse("deal-risk-board") == URL


def test_my_open_deals_at_risk_grouped_by_most_severe_risk_biggest_first(sales, my_book):
    response = sales.get(URL)
    assert response.status_code == 200
    board = response.context["board"]
    groups = {g.code: [d.deal.name for d in g.deals] for g in board.groups}
    assert groups == {
        "champion_left": ["Champion gone"],
        "no_economic_buyer": ["Empty big", "Empty small", "Empty unknown"],
    }
    assert board.counts == {
        "champion_left": 1,
        "no_economic_buyer": 3,
        "no_champion": 3,
        "single_threaded": 3,
    }
    assert (board.open_deals, board.scanned, board.at_risk) == (5, 5, 4)
    assert board.amount_at_risk == Decimal("1300")
    page = response.content.decode()
    for absent in ("Healthy", "Closed empty", "Colleague&#x27;s", "Colleague's"):
        assert absent not in page
    assert page.index("Champion gone") < page.index("Empty big") < page.index("Empty small")
    assert "left the company" in page  # the sentence of the group's risk, in words
    assert 'data-risk="no_champion"' in page  # the other risks as badges
    assert "/deals/?risk=no_champion&amp;owner=me" in page  # the summary links to the list


def test_everyones_deals_on_request(sales, my_book):
    response = sales.get(f"{URL}?scope=all")
    names = [d.deal.name for g in response.context["board"].groups for d in g.deals]
    assert "Colleague's" in names
    assert response.context["scope"] == "all"


def test_a_member_without_open_deals_sees_everyones_and_is_told(client, member, my_book):
    client.force_login(member("sales", username="newbie"))
    response = client.get(URL)
    assert response.context["fell_back"] is True
    assert "You own no open deals" in response.content.decode()
    assert response.context["board"].open_deals == 6


def test_an_unknown_scope_is_ignored_with_a_message(sales, my_book):
    response = sales.get(f"{URL}?scope=everything", follow=True)
    assert response.status_code == 200
    assert response.context["scope"] == "mine"
    assert "Unknown scope ignored" in response.content.decode()


def test_no_risk_and_no_deal_empty_states(sales, workspace):
    assert "No open deals" in sales.get(URL).content.decode()
    covered(DealFactory.create(account__workspace=workspace, owner=sales.user))
    assert "No open deal at risk" in sales.get(URL).content.decode()


def test_thousands_of_open_deals_are_capped_and_the_page_says_so(sales, workspace, monkeypatch):
    monkeypatch.setattr("deals_app.views.lists.RISK_SCAN_LIMIT", 3)
    for amount in (10, 20, 30, 40, 50):
        DealFactory.create(
            account__workspace=workspace,
            owner=sales.user,
            amount=Decimal(amount),
            name=f"D{amount}",
        )
    response = sales.get(URL)
    board = response.context["board"]
    assert (board.open_deals, board.scanned, board.capped) == (5, 3, True)
    assert [d.deal.name for g in board.groups for d in g.deals] == ["D50", "D40", "D30"]
    assert "checked for the 3 biggest of 5 open deals" in response.content.decode()


def test_another_workspaces_deals_never_show(sales, other_workspace, my_book):
    DealFactory.create(account__workspace=other_workspace, name="Theirs", owner=sales.user)
    for scope in ("mine", "all"):
        assert "Theirs" not in sales.get(f"{URL}?scope={scope}").content.decode()


@pytest.mark.parametrize("role", ["pm", "exec", "admin", "sales"])
def test_every_member_can_read_it(client, member, role, my_book):
    client.force_login(member(role))
    assert client.get(URL).status_code == 200


def test_queries_do_not_grow_from_5_to_50_deals(sales, workspace):
    def add(n):
        for i in range(n):
            deal = DealFactory.create(account__workspace=workspace, owner=sales.user)
            if i % 2:
                covered(deal)
            else:
                DealRoleFactory.create(deal=deal, role="champion")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert sales.get(URL).status_code == 200
        return len(ctx.captured_queries)

    add(5)
    few = count()
    add(45)
    assert count() == few


def test_a_long_group_shows_its_ten_biggest_and_links_to_the_rest(sales, workspace):
    for amount in range(1, 14):
        DealFactory.create(
            account__workspace=workspace, owner=sales.user, amount=Decimal(amount * 1000)
        )
    response = sales.get(URL)
    (group,) = response.context["board"].groups
    assert len(group.deals) == 13
    page = response.content.decode()
    assert page.count('<tr data-deal="') == 10
    assert "3 smaller deals in this group not shown." in page
    assert "/deals/?risk=no_economic_buyer&amp;owner=me&amp;sort=-amount" in page
