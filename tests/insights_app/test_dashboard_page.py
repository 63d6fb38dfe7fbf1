"""The executive's segment dashboard reads published snapshots only: the page and its CSV for
every dimension, the empty state, workspace isolation, a constant number of queries, and proof
that nothing is computed during the request."""

import csv
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights_app.services import insights_mark_changed, insights_recompute
from tests.factories import AccountFactory, DealFactory, SegmentFactory

pytestmark = pytest.mark.django_db

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
def book(workspace, other_workspace):
    """Fintech: won 100 + 50, lost 30, open 200; Retail: open 70; noise in another workspace."""
    fin_a = AccountFactory.create(workspace=workspace, industry="Fintech", country="Germany")
    fin_b = AccountFactory.create(workspace=workspace, industry="Fintech", country="France")
    retail = AccountFactory.create(
        workspace=workspace, industry="Retail", infrastructure="containers"
    )
    for account, stage, amount in (
        (fin_a, "closed_won", "100"),
        (fin_a, "closed_lost", "30"),
        (fin_a, "proposal", "200"),
        (fin_b, "closed_won", "50"),
        (retail, "evaluation", "70"),
    ):
        DealFactory.create(
            account=account,
            stage=stage,
            amount=Decimal(amount),
            cost_of_sale=Decimal("10") if stage.startswith("closed") else None,
            loss_reason="price" if stage == "closed_lost" else "",
        )
    segment = SegmentFactory.create(
        workspace=workspace, name="VM shops", filters={"infrastructure": "virtual_machines"}
    )
    noise = AccountFactory.create(workspace=other_workspace, industry="Secretcorp")
    DealFactory.create(account=noise, stage="closed_won", amount=Decimal("1000000"))
    SegmentFactory.create(workspace=other_workspace, name="Their segment")
    insights_recompute(workspace_id=workspace.pk, force=True)
    insights_recompute(workspace_id=other_workspace.pk, force=True)
    return {"segment": segment}


def rows_of(response):
    return {row["value"]: row for row in response.context["rows"]}


def test_the_page_shows_the_snapshot_numbers_charts_and_headline(exec_client, book):
    response = exec_client.get("/dashboard/?dimension=industry")
    assert response.status_code == 200
    rows = rows_of(response)
    assert set(rows) == {"Fintech", "Retail"}
    assert (rows["Fintech"]["won"], rows["Fintech"]["lost"]) == (2, 1)
    assert rows["Fintech"]["revenue_won"] == Decimal("150")
    total = response.context["total"]
    assert total["revenue_won"] == Decimal("150")
    assert total["pipeline"] == Decimal("270")
    assert total["win_rate"] == pytest.approx(2 / 3)
    assert total["roi"] == pytest.approx((150 - 30) / 30)
    assert len(response.context["figures"]) == 9
    page = response.content.decode()
    assert page.count('type="application/json"') == 9  # json_script, no inline code
    assert "vendor/plotly/plotly.min.js" in page and "js/dashboard.js" in page
    assert "cdn" not in page.lower()
    assert "/dashboard/export.csv?dimension=industry" in page
    # the drill-down of a value, with the way back to this dashboard
    assert 'href="/deals/?stage=all&amp;industry=Fintech&amp;dashboard=industry"' in page
    assert (
        'data-drill-template="/deals/?stage=all&amp;industry=__value__&amp;dashboard=industry"'
        in page
    )
    assert "Computed" in page


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_every_dimension_has_a_page_and_a_csv(exec_client, book, dimension):
    response = exec_client.get(f"/dashboard/?dimension={dimension}")
    assert response.status_code == 200
    assert response.context["dimension"].key == dimension
    assert sum(row["accounts"] for row in response.context["rows"]) == 3
    export = exec_client.get(f"/dashboard/export.csv?dimension={dimension}")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert sum(int(line["accounts"]) for line in lines) == 3
    assert "Secretcorp" not in export.content.decode()


def test_a_saved_segment_is_a_dimension(exec_client, book):
    key = f"segment:{book['segment'].pk}"
    response = exec_client.get(f"/dashboard/?dimension={key}")
    assert response.context["dimension"].key == key
    rows = rows_of(response)
    assert set(rows) == {"VM shops"}
    assert rows["VM shops"]["accounts"] == 2  # the Fintech accounts run virtual machines
    export = exec_client.get(f"/dashboard/export.csv?dimension={key}").content.decode()
    assert "VM shops" in export


def test_the_csv_has_the_table_numbers(exec_client, book):
    export = exec_client.get("/dashboard/export.csv?dimension=industry").content.decode()
    lines = {line["industry"]: line for line in csv.DictReader(io.StringIO(export))}
    assert Decimal(lines["Fintech"]["revenue_won"]) == Decimal("150")
    assert Decimal(lines["Retail"]["pipeline"]) == Decimal("70")
    assert lines["Retail"]["win_rate"] == ""  # nothing closed: empty, not "None"
    assert lines["Fintech"]["computed_at"]


def test_a_csv_cell_is_never_a_formula(exec_client, workspace):
    AccountFactory.create(workspace=workspace, industry="=HYPERLINK(1)")
    insights_recompute(workspace_id=workspace.pk, force=True)
    export = exec_client.get("/dashboard/export.csv?dimension=industry").content.decode()
    assert "'=HYPERLINK(1)" in export


def test_an_unknown_or_foreign_dimension_falls_back_to_industry(exec_client, book, other_workspace):
    from accounts_app.models import Segment

    theirs = Segment.objects.get(workspace=other_workspace)
    for key in ("password", f"segment:{theirs.pk}", "segment:x"):
        response = exec_client.get(f"/dashboard/?dimension={key}")
        assert response.status_code == 200
        assert response.context["dimension"].key == "industry"
        assert exec_client.get(f"/dashboard/export.csv?dimension={key}").status_code == 200


def test_another_workspace_is_never_shown(exec_client, book):
    for dimension in DIMENSIONS:
        page = exec_client.get(f"/dashboard/?dimension={dimension}").content.decode()
        assert "Secretcorp" not in page and "1,000,000" not in page
        assert "Their segment" not in page


def test_empty_workspace_shows_an_empty_state(exec_client, workspace):
    response = exec_client.get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="empty-state"' in page and "No accounts yet" in page
    assert "plotly.min.js" not in page
    export = exec_client.get("/dashboard/export.csv")
    assert export.status_code == 200
    assert len(export.content.decode().strip().splitlines()) == 1  # the header only


def test_data_without_a_snapshot_yet_is_an_empty_state(exec_client, workspace):
    AccountFactory.create(workspace=workspace)
    response = exec_client.get("/dashboard/")
    assert response.status_code == 200
    assert 'data-testid="empty-state"' in response.content.decode()


def test_the_page_never_computes_during_the_request(exec_client, workspace, book):
    before = exec_client.get("/dashboard/?dimension=industry")
    # data changes after the snapshot: the page keeps the published numbers and says it is stale
    DealFactory.create(
        account__workspace=workspace,
        account__industry="Fintech",
        stage="closed_won",
        amount=Decimal("5000"),
    )
    insights_mark_changed(workspace_ids=[workspace.pk])  # what the receivers do after commit
    with mock.patch(
        "insights_app.services.recompute.insights_compute", side_effect=AssertionError("computed")
    ):
        after = exec_client.get("/dashboard/?dimension=industry")
        exec_client.get("/dashboard/export.csv?dimension=industry")
    assert rows_of(after)["Fintech"]["revenue_won"] == Decimal("150")
    assert after.context["total"] == before.context["total"]
    assert after.context["snapshot"].stale
    assert 'data-testid="stale"' in after.content.decode()


def query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/export.csv"])
def test_queries_do_not_grow_with_rows(exec_client, workspace, url):
    for i in range(5):
        DealFactory.create(account__workspace=workspace, account__industry=f"Industry {i}")
    insights_recompute(workspace_id=workspace.pk, force=True)
    few = query_count(exec_client, url)
    for i in range(45):
        DealFactory.create(account__workspace=workspace, account__industry=f"Other {i}")
    insights_recompute(workspace_id=workspace.pk, force=True)
    many = query_count(exec_client, url)
    assert many == few


@pytest.mark.parametrize("role", ["pm", "sales", "exec", "admin"])
def test_every_member_reads_the_dashboard(client, member, role, book):
    client.force_login(member(role))
    assert client.get("/dashboard/").status_code == 200


def test_anonymous_is_sent_to_login(client):
    assert client.get("/dashboard/export.csv").status_code == 302


@pytest.mark.parametrize("role", ["exec", "pm", "sales", "admin"])
def test_every_role_gets_the_recompute_button(client, member, book, role):
    client.force_login(member(role))
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="recompute"' in page
    assert 'data-url="/api/v1/insights/recompute/"' in page
