"""Period figures: a recompute stores, beside the all-time rows, each period's closed-deal figures
restricted to deals whose close date falls in it (a quarter, the last 4 quarters), while the
"as of now" figures stay those of today. Worked out by hand on a small world.

Today is 2025-11-15 (2025-Q4), so the last 4 quarters are 2025-Q1 … 2025-Q4. Hourly cost 100.

deal  account        stage        amount  created     closed      cost  roles / talks
W1    A (Fintech)    won          100     2025-07-01  2025-08-01  10    buyer + champion
W2    A              won          300     2023-12-01  2024-03-01  20
W3    A              won          70      —           —             (no close date)
L1    A              lost: price  50      2025-06-01  2025-08-20  —     60 min linked; the buyer
                                                                        said "competitor"
L2    B (Retail)     lost: timing 40      2025-04-01  2025-05-05  5
O1    A              proposal     1000                2025-08-15        (expected close)
"""

import datetime as dt
from decimal import Decimal

import pytest

from deals_app.models import Conversation, DealRole
from insights_app import analytics
from insights_app.services import insights_compute
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    DealRoleFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 15)
D = dt.date


@pytest.fixture
def payload(workspace):
    workspace.hourly_cost = Decimal("100")
    workspace.save()
    a = AccountFactory(workspace=workspace, industry="Fintech")
    b = AccountFactory(workspace=workspace, industry="Retail")

    def deal(account, stage, amount, created, closed, **extra):
        return DealFactory(
            workspace=workspace,
            account=account,
            stage=stage,
            amount=Decimal(amount),
            created_on=created,
            close_date=closed,
            **extra,
        )

    w1 = deal(a, "closed_won", "100", D(2025, 7, 1), D(2025, 8, 1), cost_of_sale=Decimal(10))
    deal(a, "closed_won", "300", D(2023, 12, 1), D(2024, 3, 1), cost_of_sale=Decimal(20))
    deal(a, "closed_won", "70", None, None)
    l1 = deal(a, "closed_lost", "50", D(2025, 6, 1), D(2025, 8, 20), loss_reason="price")
    deal(
        b,
        "closed_lost",
        "40",
        D(2025, 4, 1),
        D(2025, 5, 5),
        loss_reason="timing",
        cost_of_sale=Decimal(5),
    )
    deal(a, "proposal", "1000", D(2025, 6, 1), D(2025, 8, 15))
    for role in (DealRole.Role.ECONOMIC_BUYER, DealRole.Role.CHAMPION):
        contact = ContactFactory(workspace=workspace, account=a)
        DealRoleFactory(workspace=workspace, deal=w1, contact=contact, role=role)
    ConversationFactory(
        workspace=workspace, account=a, deal=l1, occurred_on=D(2025, 8, 1), duration_minutes=60
    )
    ConversationFactory(
        workspace=workspace,
        account=a,
        deal=l1,
        occurred_on=D(2025, 8, 25),
        duration_minutes=None,
        kind=Conversation.Kind.WIN_LOSS,
        stated_reason="competitor",
    )
    parts = insights_compute(workspace=workspace, today=TODAY)
    (segments,) = [p.payload for p in parts if p.kind == "segments" and p.dimension == "industry"]
    return segments


def rows(payload, period):
    return {row["value"]: row for row in payload["by_period"][period]}


def test_the_periods_are_the_last_4_quarters_then_each_quarter_with_data_newest_first(payload):
    periods = payload["periods"]
    assert periods[0] == {
        "key": "last4q",
        "label": "Last 4 quarters",
        "first_day": "2025-01-01",
        "last_day": "2025-12-31",
        "quarters": ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"],
    }
    assert [p["key"] for p in periods[1:]] == [
        "2025Q3",
        "2025Q2",
        "2025Q1",
        "2024Q4",
        "2024Q3",
        "2024Q2",
        "2024Q1",
    ]
    assert periods[1]["first_day"] == "2025-07-01" and periods[1]["last_day"] == "2025-09-30"
    assert set(payload["by_period"]) == {p["key"] for p in periods}


def test_a_deal_closed_in_a_quarter_counts_in_that_quarter_only(payload):
    q3 = rows(payload, "2025Q3")["Fintech"]
    assert (q3["won"], q3["lost"], q3["win_rate"]) == (1, 1, 0.5)
    assert q3["revenue_won"] == "100.00" and q3["avg_won_deal"] == "100.00"
    assert q3["cost_of_sale"] == "110.00"  # W1's 10 + L1's hour at 100
    assert q3["roi"] == pytest.approx((100 - 110) / 110)
    assert q3["median_cycle_days"] == 31
    assert q3["loss_reasons"] == [{"reason": "price", "deals": 1}]
    assert q3["reason_mismatch_rate"] == 1.0  # the buyer said competitor, sales said price
    assert (q3["win_rate_covered"], q3["win_rate_uncovered"]) == (1.0, 0.0)
    assert q3["deals"] == 3  # the open deal now + the two closed in the quarter

    old = rows(payload, "2024Q1")["Fintech"]
    assert (old["won"], old["lost"], old["revenue_won"]) == (1, 0, "300.00")
    assert old["median_cycle_days"] == 91
    assert rows(payload, "2024Q1")["Retail"]["won"] == 0


def test_the_last_4_quarters_hold_what_closed_in_them_and_not_before(payload):
    last4q = rows(payload, "last4q")
    assert (last4q["Fintech"]["won"], last4q["Fintech"]["lost"]) == (1, 1)  # not W2 of 2024
    assert last4q["Fintech"]["revenue_won"] == "100.00"
    assert (last4q["Retail"]["lost"], last4q["Retail"]["cost_of_sale"]) == (1, "5.00")
    assert last4q["Retail"]["loss_reasons"] == [{"reason": "timing", "deals": 1}]


def test_a_quarter_without_closed_deals_has_zeros_and_nulls_not_a_missing_value(payload):
    q1 = rows(payload, "2025Q1")
    assert set(q1) == {"Fintech", "Retail"}
    fintech = q1["Fintech"]
    assert (fintech["won"], fintech["lost"], fintech["revenue_won"]) == (0, 0, "0.00")
    assert fintech["win_rate"] is None and fintech["median_cycle_days"] is None
    assert fintech["roi"] is None and fintech["loss_reasons"] == []
    assert fintech["deals"] == 1  # the open deal


def test_all_time_still_counts_every_deal_and_a_period_keeps_the_as_of_now_figures(payload):
    all_time = {row["value"]: row for row in payload["results"]}
    assert (all_time["Fintech"]["won"], all_time["Fintech"]["lost"]) == (3, 1)
    assert all_time["Fintech"]["revenue_won"] == "470.00"  # with the deal without a close date
    assert all_time["Fintech"]["deals"] == 5
    merged = {
        row["value"]: row
        for row in analytics.with_period(payload["results"], payload["by_period"]["2025Q3"])
    }
    fintech = merged["Fintech"]
    assert fintech["revenue_won"] == "100.00"  # the period's
    assert fintech["pipeline"] == "1000.00" and fintech["open_deals"] == 1  # as of now
    assert fintech["multithreaded_rate"] == 0.0 and fintech["accounts"] == 1
    assert set(fintech) == set(all_time["Fintech"])  # every metric of §4


def test_the_period_list_stops_at_todays_quarter_and_keeps_three_years():
    numbers = [analytics.periods.quarter_number(2018, 1), analytics.periods.quarter_number(2027, 2)]
    numbers += [analytics.periods.quarter_number(2025, q) for q in (1, 2, 3, 4)]
    periods = analytics.period_list(quarters_with_data=numbers, today=D(2025, 11, 15))
    keys = [p["key"] for p in periods]
    assert keys[0] == "last4q"
    assert keys[1] == "2025Q4" and "2027Q2" not in keys  # a future close counts in all time only
    assert len(keys) == 1 + analytics.periods.MAX_QUARTERS
    assert keys[-1] == "2023Q1"
    assert analytics.period_list(quarters_with_data=[], today=D(2025, 1, 2))[0]["quarters"] == [
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
    ]


@pytest.mark.parametrize(
    ("typed", "key"),
    [("2025q3", "2025Q3"), (" 2025-Q3 ", "2025Q3"), ("LAST4Q", "last4q"), ("All", "all")],
)
def test_a_period_may_be_typed_loosely(typed, key):
    assert analytics.normalize_period_key(typed) == key
