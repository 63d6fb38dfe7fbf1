"""The dashboard's period filter and drill-down: every period of every dimension answers from the
snapshot with the same number of queries and nothing computed; a period narrows the closed-deal
figures and keeps the "as of now" ones; an unknown period shows all time and says so; values
link to their deals on the deal list, narrowed to the period's close dates."""

import csv
import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights_app.services import insights_recompute
from tests.factories import AccountFactory, DealFactory, SegmentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 8, 10)  # 2026-Q3: the last 4 quarters are 2025-Q4 … 2026-Q3
DIMENSIONS = (
    "industry",
    "size_band",
    "country",
    "region",
    "deployment_model",
    "infrastructure",
    "lifecycle",
)


@pytest.fixture
def exec_client(client, member):
    client.force_login(member("exec"))
    return client


@pytest.fixture
def book(workspace):
    """Fintech won 100 in 2026-Q2 and 300 in 2024-Q4, lost 30 in 2026-Q2, has 200 open;
    an account without an industry won 50 in 2026-Q1."""
    fintech = AccountFactory.create(workspace=workspace, industry="Fintech", country="Germany")
    blank = AccountFactory.create(workspace=workspace, industry="", country="")
    for account, stage, amount, closed in (
        (fintech, "closed_won", "100", dt.date(2026, 5, 2)),
        (fintech, "closed_won", "300", dt.date(2024, 11, 20)),
        (fintech, "closed_lost", "30", dt.date(2026, 6, 1)),
        (fintech, "proposal", "200", dt.date(2026, 9, 1)),
        (blank, "closed_won", "50", dt.date(2026, 2, 14)),
    ):
        DealFactory.create(
            account=account,
            stage=stage,
            amount=Decimal(amount),
            created_on=dt.date(2024, 10, 1),
            close_date=closed,
            loss_reason="price" if stage == "closed_lost" else "",
        )
    segment = SegmentFactory.create(
        workspace=workspace, name="German", filters={"country": "Germany"}
    )
    insights_recompute(workspace_id=workspace.pk, force=True, today=TODAY)
    return {"segment": segment}


def rows_of(response):
    return {row["value"]: row for row in response.context["rows"]}


def test_a_quarter_shows_only_the_deals_closed_in_it_and_the_pipeline_of_now(exec_client, book):
    response = exec_client.get("/dashboard/?dimension=industry&period=2026Q2")
    assert response.status_code == 200
    assert response.context["period"]["key"] == "2026Q2"
    fintech = rows_of(response)["Fintech"]
    assert (fintech["won"], fintech["lost"], fintech["revenue_won"]) == (1, 1, Decimal("100"))
    assert fintech["pipeline"] == Decimal("200")  # as of now
    assert rows_of(response)["unknown"]["won"] == 0
    total = response.context["total"]
    assert (total["revenue_won"], total["pipeline"]) == (Decimal("100"), Decimal("200"))
    page = response.content.decode()
    assert 'data-testid="period-scope"' in page and "2026-04-01" in page and "2026-06-30" in page
    assert '<option value="2026Q2" selected>' in page


def test_the_last_4_quarters_leave_out_older_deals(exec_client, book):
    rows = rows_of(exec_client.get("/dashboard/?dimension=industry&period=last4q"))
    assert (rows["Fintech"]["won"], rows["Fintech"]["revenue_won"]) == (1, Decimal("100"))
    assert rows["unknown"]["revenue_won"] == Decimal("50")
    all_time = rows_of(exec_client.get("/dashboard/?dimension=industry"))
    assert all_time["Fintech"]["revenue_won"] == Decimal("400")


@pytest.mark.parametrize(
    "period", ["1999Q1", "2026Q5", "yesterday", "last4q'--", "x" * 500, "2026Q3\x00", "ALL"]
)
def test_an_unknown_period_shows_all_time_and_says_so(exec_client, book, period):
    response = exec_client.get("/dashboard/", {"dimension": "industry", "period": period})
    assert response.status_code == 200
    assert response.context["period"]["key"] == "all"
    assert rows_of(response)["Fintech"]["revenue_won"] == Decimal("400")
    notice = response.context["period_notice"]
    if period == "ALL":
        assert notice is None
    else:
        assert "showing all time" in notice and len(notice) < 200
        assert 'data-testid="period-notice"' in response.content.decode()
    assert exec_client.get("/dashboard/export.csv", {"period": period}).status_code == 200


def test_the_quarters_offered_are_those_with_closed_deals_up_to_today(exec_client, book):
    periods = exec_client.get("/dashboard/").context["periods"]
    keys = [p["key"] for p in periods]
    assert keys[:2] == ["all", "last4q"]
    assert keys[2:] == ["2026Q2", "2026Q1", "2025Q4", "2025Q3", "2025Q2", "2025Q1", "2024Q4"]


def test_the_csv_follows_the_period(exec_client, book):
    export = exec_client.get("/dashboard/export.csv?dimension=industry&period=2026Q1")
    assert 'filename="deallens-' in export["Content-Disposition"]
    assert "-industry-2026Q1.csv" in export["Content-Disposition"]
    lines = {
        line["industry"]: line for line in csv.DictReader(io.StringIO(export.content.decode()))
    }
    assert Decimal(lines["Unknown (no value)"]["revenue_won"]) == Decimal("50")
    assert Decimal(lines["Fintech"]["revenue_won"]) == Decimal("0")
    assert Decimal(lines["Fintech"]["pipeline"]) == Decimal("200")
    assert {line["period"] for line in lines.values()} == {"2026Q1"}


def test_values_drill_down_to_their_deals(exec_client, book):
    page = exec_client.get("/dashboard/?dimension=industry").content.decode()
    assert 'href="/deals/?stage=all&amp;industry=Fintech&amp;dashboard=industry"' in page
    assert 'href="/deals/?stage=all&amp;industry=__none__&amp;dashboard=industry"' in page
    assert 'data-drill-unknown="unknown" data-drill-none="__none__"' in page
    assert page.count(" data-drill ") == 7  # the per-value charts, not the trend or reasons

    # a choice dimension's "unknown" is a value of its own
    page = exec_client.get("/dashboard/?dimension=deployment_model").content.decode()
    assert 'data-drill-unknown=""' in page

    segment = book["segment"]
    response = exec_client.get(f"/dashboard/?dimension=segment:{segment.pk}")
    assert response.context["rows"][0]["href"] == (
        f"/deals/?stage=all&segment={segment.pk}&dashboard=segment%3A{segment.pk}"
    )


def test_a_period_narrows_the_drill_down_to_its_close_dates(exec_client, book):
    response = exec_client.get("/dashboard/?dimension=country&period=2026Q2")
    assert rows_of(response)["Germany"]["href"] == (
        "/deals/?stage=all&country=Germany&close_from=2026-04-01&close_to=2026-06-30"
        "&dashboard=country&dashboard_period=2026Q2"
    )
    assert response.context["drill_template"] == (
        "/deals/?stage=all&country=__value__&close_from=2026-04-01&close_to=2026-06-30"
        "&dashboard=country&dashboard_period=2026Q2"
    )


def test_the_drill_down_lands_on_the_value_deals(exec_client, book):
    """The deal list understands the dashboard's links (the contract with /deals/)."""
    rows = rows_of(exec_client.get("/dashboard/?dimension=industry&period=2026Q2"))
    deals = exec_client.get(rows["Fintech"]["href"])
    assert deals.status_code == 200
    names = {deal.amount for deal in deals.context["deals"]}
    assert names == {Decimal("100"), Decimal("30")}  # closed in the quarter, Fintech only


def test_a_period_page_never_computes_during_the_request(exec_client, book):
    with mock.patch(
        "insights_app.services.recompute.insights_compute", side_effect=AssertionError("computed")
    ):
        for period in ("all", "last4q", "2026Q2"):
            assert exec_client.get(f"/dashboard/?period={period}").status_code == 200
            assert exec_client.get(f"/dashboard/export.csv?period={period}").status_code == 200


def query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("dimension", [*DIMENSIONS, "segment"])
def test_every_period_of_every_dimension_takes_the_same_queries(exec_client, book, dimension):
    if dimension == "segment":
        dimension = f"segment:{book['segment'].pk}"
    counts = {
        period: query_count(exec_client, f"/dashboard/?dimension={dimension}&period={period}")
        for period in ("all", "last4q", "2026Q2", "2024Q4", "nonsense")
    }
    assert len(set(counts.values())) == 1, counts


def test_queries_do_not_grow_with_values_or_periods(exec_client, workspace):
    def add(n, year):
        for i in range(n):
            DealFactory.create(
                account__workspace=workspace,
                account__industry=f"Industry {year} {i}",
                stage="closed_won",
                created_on=dt.date(2020, 1, 1),
                close_date=dt.date(year, 1 + i % 12, 1),
            )
        insights_recompute(workspace_id=workspace.pk, force=True, today=TODAY)

    add(5, 2026)
    few = query_count(exec_client, "/dashboard/?period=last4q")
    add(45, 2025)
    assert query_count(exec_client, "/dashboard/?period=last4q") == few
