"""The dashboard's headline median cycle is the company's own median (the range over values is
its detail); accounts without a value are shown apart — last, faded, "Unknown (no value)" — in
the charts and the table; a drill-down leads back to the same dashboard view."""

import datetime as dt
from decimal import Decimal

import pytest

from insights_app.services import insights_recompute
from tests.factories import AccountFactory, DealFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 8, 10)


@pytest.fixture
def exec_client(client, member):
    client.force_login(member("exec"))
    return client


@pytest.fixture
def book(workspace):
    """Won cycles: Fintech 10 and 20 days, Retail 40 and 80, no industry 200 (the largest
    amounts): the values' medians run 15–200 days, the company's median is 40."""
    fintech = AccountFactory.create(workspace=workspace, industry="Fintech")
    retail = AccountFactory.create(workspace=workspace, industry="Retail")
    blank = AccountFactory.create(workspace=workspace, industry="")
    for account, days, amount in (
        (fintech, 10, "100"),
        (fintech, 20, "100"),
        (retail, 40, "100"),
        (retail, 80, "100"),
        (blank, 200, "900000"),
    ):
        DealFactory.create(
            account=account,
            stage="closed_won",
            amount=Decimal(amount),
            close_date=dt.date(2026, 5, 20),
            created_on=dt.date(2026, 5, 20) - dt.timedelta(days=days),
        )
    insights_recompute(workspace_id=workspace.pk, force=True, today=TODAY)


def test_the_headline_median_is_the_companys_with_the_range_as_detail(exec_client, book):
    response = exec_client.get("/dashboard/?dimension=industry")
    assert response.context["total"]["cycle"] == 40
    page = response.content.decode()
    tile = page.split('data-testid="kpi-cycle"')[1].split("</div>")[0]
    assert '<span class="kpi-value">40 <span class="cur">days</span></span>' in tile
    assert "all won deals, created to closed · 15–200 days across industry values" in tile


def test_a_quarter_has_the_companys_median_of_that_quarter(exec_client, book):
    response = exec_client.get("/dashboard/?dimension=industry&period=2026Q2")
    assert response.context["period"]["key"] == "2026Q2"
    assert response.context["total"]["cycle"] == 40


def test_unknown_is_last_faded_and_named_in_the_charts_and_the_table(exec_client, book):
    response = exec_client.get("/dashboard/?dimension=industry")
    figures = {f["id"]: f["figure"] for f in response.context["figures"]}
    revenue = figures["revenue"]
    # the largest revenue, yet last: not a peer of the real industries
    assert revenue["data"][0]["x"] == ["Fintech", "Retail", "Unknown (no value)"]
    assert revenue["data"][0]["marker"]["opacity"][-1] < 1
    assert revenue["data"][0]["marker"]["opacity"][0] == 1
    assert revenue["layout"]["shapes"][0]["line"]["dash"] == "dot"  # the separator
    assert figures["cycle"]["data"][0]["x"][-1] == "Unknown (no value)"
    assert revenue["data"][0]["customdata"][-1][0] == "unknown"  # still drills down
    page = response.content.decode()
    assert page.count('class="is-unknown"') == 1
    rows = [r["label"] for r in response.context["rows"]]
    assert rows[-1] == "Unknown (no value)"


def test_the_drill_down_leads_back_to_the_dashboard(exec_client, book):
    response = exec_client.get("/dashboard/?dimension=industry&period=2026Q2")
    href = next(r["href"] for r in response.context["rows"] if r["value"] == "Fintech")
    assert href.startswith("/deals/?stage=all&industry=Fintech&close_from=2026-04-01")
    assert href.endswith("&dashboard=industry&dashboard_period=2026Q2")
    deals = exec_client.get(href).content.decode()
    assert (
        '<a href="/dashboard/?dimension=industry&amp;period=2026Q2" '
        'data-testid="back-to-dashboard">← Back to the dashboard</a>'
    ) in deals
    # a filter changed on the deal list keeps the way back
    assert 'name="dashboard" value="industry"' in deals
    assert 'name="dashboard_period" value="2026Q2"' in deals


def test_a_forged_way_back_is_ignored(exec_client, book):
    page = exec_client.get("/deals/", {"dashboard": "javascript:alert(1)"}).content.decode()
    assert "back-to-dashboard" not in page
    assert 'href="javascript' not in page
