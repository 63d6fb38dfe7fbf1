"""The quarterly trend by close_date: won, lost, revenue won and win rate, per value and overall.

T1 (Fintech): won 2025-01-15 (100), lost 2025-02-01, won 2025-07-01 (amount unknown), lost
without a close date (no quarter). T2 (Retail): won 2025-04-30 (50.50), lost 2024-12-31.
An open deal closing 2025-05-01 is not closed, so not in the trend.
"""

import datetime as dt
from decimal import Decimal

import pytest

from insights_app.services import insights_compute
from tests.factories import AccountFactory, DealFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(workspace):
    t1 = AccountFactory(workspace=workspace, industry="Fintech")
    t2 = AccountFactory(workspace=workspace, industry="Retail")

    def deal(account, stage, closed, amount=None):
        DealFactory(
            workspace=workspace,
            account=account,
            stage=stage,
            created_on=None,
            close_date=closed,
            amount=None if amount is None else Decimal(amount),
        )

    deal(t1, "closed_won", dt.date(2025, 1, 15), "100")
    deal(t1, "closed_lost", dt.date(2025, 2, 1), "999")
    deal(t1, "closed_won", dt.date(2025, 7, 1))
    deal(t1, "closed_lost", None, "5")
    deal(t2, "closed_won", dt.date(2025, 4, 30), "50.50")
    deal(t2, "closed_lost", dt.date(2024, 12, 31), "7")
    deal(t2, "negotiation", dt.date(2025, 5, 1), "1000")
    return {
        "segment": SegmentFactory(
            workspace=workspace, name="Retail", filters={"industry": "Retail"}
        )
    }


def trend(workspace, dimension):
    parts = insights_compute(workspace=workspace)
    (payload,) = [p.payload for p in parts if p.kind == "trend" and p.dimension == dimension]
    return payload


def points(rows):
    return [
        (r["value"], r["quarter"], r["won"], r["lost"], r["revenue_won"], r["win_rate"])
        for r in rows
    ]


def test_the_overall_trend_covers_every_quarter_from_first_to_last_close(workspace, world):
    overall = trend(workspace, "industry")["overall"]

    assert points(overall) == [
        ("all", "2024-Q4", 0, 1, "0.00", 0.0),
        ("all", "2025-Q1", 1, 1, "100.00", 0.5),
        ("all", "2025-Q2", 1, 0, "50.50", 1.0),
        ("all", "2025-Q3", 1, 0, "0.00", 1.0),  # won, amount unknown
    ]


def test_each_value_has_every_quarter_with_gaps_as_zeros(workspace, world):
    rows = trend(workspace, "industry")["results"]

    assert points(rows) == [
        ("Fintech", "2024-Q4", 0, 0, "0.00", None),
        ("Fintech", "2025-Q1", 1, 1, "100.00", 0.5),
        ("Fintech", "2025-Q2", 0, 0, "0.00", None),
        ("Fintech", "2025-Q3", 1, 0, "0.00", 1.0),
        ("Retail", "2024-Q4", 0, 1, "0.00", 0.0),
        ("Retail", "2025-Q1", 0, 0, "0.00", None),
        ("Retail", "2025-Q2", 1, 0, "50.50", 1.0),
        ("Retail", "2025-Q3", 0, 0, "0.00", None),
    ]


def test_a_saved_segment_has_its_own_line(workspace, world):
    rows = trend(workspace, f"segment:{world['segment'].pk}")["results"]

    assert [(r["value"], r["quarter"], r["won"], r["lost"]) for r in rows] == [
        ("Retail", "2024-Q4", 0, 1),
        ("Retail", "2025-Q1", 0, 0),
        ("Retail", "2025-Q2", 1, 0),
        ("Retail", "2025-Q3", 0, 0),
    ]


def test_no_closed_deal_means_no_trend(workspace):
    DealFactory(workspace=workspace, account=AccountFactory(workspace=workspace), stage="discovery")

    payload = trend(workspace, "industry")

    assert payload == {"results": [], "overall": []}
