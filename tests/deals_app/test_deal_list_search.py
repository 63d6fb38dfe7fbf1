"""/deals/?q= finds deals by their own name or their account's name, together with the other
filters, the sort and the pages; a search that finds nothing says so; the page costs the same
queries with a search as without, and never shows another workspace's deal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AccountFactory, DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(client, member):
    client.force_login(member("sales"))
    return client


@pytest.fixture
def book(workspace, other_workspace):
    charlotte = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    initech = AccountFactory.create(workspace=workspace, name="Initech")
    DealFactory.create(account=charlotte, name="Observability rollout", stage="proposal")
    DealFactory.create(account=charlotte, name="Renewal 2026", stage="closed_won")
    DealFactory.create(account=initech, name="Initech platform", stage="discovery")
    DealFactory.create(account=initech, name="Charlotte pilot (partner)", stage="evaluation")
    theirs = AccountFactory.create(workspace=other_workspace, name="Charlotte Health")
    DealFactory.create(account=theirs, name="Their Charlotte deal", stage="proposal")


def rows(client, query):
    response = client.get("/deals/", query)
    assert response.status_code == 200
    return sorted(d.name for d in response.context["deals"]), response.content.decode()


def test_a_deal_is_found_by_its_name(sales, book):
    found, page = rows(sales, {"q": "platform"})
    assert found == ["Initech platform"]
    assert 'href="/deals/' in page and "Initech platform</a>" in page


def test_a_deal_is_found_by_its_accounts_name(sales, book):
    found, _ = rows(sales, {"q": "charlotte health", "stage": "all"})
    assert found == ["Observability rollout", "Renewal 2026"]
    found, _ = rows(sales, {"q": "Charlotte"})  # open deals: the account's and the name's
    assert found == ["Charlotte pilot (partner)", "Observability rollout"]


def test_the_search_keeps_the_other_filters_and_the_sort(sales, book):
    found, page = rows(sales, {"q": "Charlotte", "stage": "proposal", "sort": "-amount"})
    assert found == ["Observability rollout"]
    assert 'name="q"' in page and 'value="Charlotte"' in page
    assert "q=Charlotte" in page  # sort links and pages carry the search


def test_a_search_that_finds_nothing_says_so(sales, book):
    found, page = rows(sales, {"q": "Zebra"})
    assert found == []
    assert "No deal matches “Zebra”" in page
    assert "Clear the search" in page and "search every stage" in page


def test_the_search_narrows_the_board_too(sales, book):
    response = sales.get("/deals/", {"q": "Initech", "view": "board"})
    board = {c.stage: [d.name for d in c.deals] for c in response.context["board"]}
    assert board["discovery"] == ["Initech platform"]
    assert board["evaluation"] == ["Charlotte pilot (partner)"]  # an Initech deal
    assert response.context["totals"]["count"] == 2


def test_searching_costs_no_extra_query(sales, workspace):
    account = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    for i in range(5):
        DealFactory.create(account=account, name=f"Deal {i}")

    def count(query) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert sales.get("/deals/", query).status_code == 200
        return len(queries)

    plain = count({})
    assert count({"q": "Charlotte"}) == plain
    for i in range(20):
        DealFactory.create(account=account, name=f"More {i}")
    assert count({"q": "Charlotte"}) == plain
