"""Every segment metric of PRODUCT.md §4 against the hand-built world of tests/world.py.

The expected figures are worked out by hand below, from the tables in that module's docstring.
"""

from decimal import Decimal

import pytest

from insights_app.analytics import median_from_histogram
from insights_app.services import insights_compute
from tests.world import TODAY

pytestmark = pytest.mark.django_db


def segments(workspace, dimension: str) -> dict[str, dict]:
    parts = insights_compute(workspace=workspace, today=TODAY)
    (payload,) = [p.payload for p in parts if p.kind == "segments" and p.dimension == dimension]
    return {row["value"]: row for row in payload["results"]}


def test_every_metric_of_an_industry_matches_the_hand_computation(workspace, figured_world):
    fintech = segments(workspace, "industry")["Fintech"]

    assert fintech == {
        "value": "Fintech",
        "accounts": 2,  # A1, A2
        "deals": 9,  # D1–D8, D10
        "open_deals": 3,  # D4, D5, D8
        "won": 3,  # D1, D2, D10
        "lost": 3,  # D3, D6, D7
        "win_rate": 0.5,
        "revenue_won": "100000.00",  # D1; D2 unknown counts 0; D10 is 0
        "pipeline": "70000.00",  # D4 20000 + D5 unknown + D8 50000
        "avg_won_deal": "33333.33",  # 100000 / 3
        "median_cycle_days": 45,  # D1 60 days, D10 30 days; D2 has no created date
        # D1: C1 90 min → 1.5 h × 100 = 150; D2: recorded 500; D3: C2 30 min (C3 none) = 50;
        # D6: C4 60 min = 100; D7: C5 + C6 30 min = 50; D10: recorded 0 (its 120 min ignored)
        "cost_of_sale": "850.00",
        "roi": pytest.approx((100000 - 850) / 850),
        "multithreaded_rate": pytest.approx(2 / 3),  # D4 (external champion), D8; not D5
        "win_rate_covered": 1.0,  # closed with EB + champion: D1 (won)
        "win_rate_uncovered": 0.4,  # D2, D10 won; D3, D6, D7 lost
        "loss_reasons": [
            {"reason": "missing_feature", "deals": 1},
            {"reason": "price", "deals": 1},
            {"reason": "unknown", "deals": 1},  # D6 was lost without a recorded reason
        ],
        "top_pains": [
            {"tag": "Alert fatigue", "conversations": 4, "accounts": 2},  # C1, C2, C4, C8
            {"tag": "Tool sprawl", "conversations": 2, "accounts": 2},  # C1, C7
        ],
        "value_claimed": "17500.00",  # D4 10000 + D8 5000 (+ unknown) + D1 2500; not lost D3
        # D3 said competitor (recorded price): differs; D6 said other (recorded none):
        # differs; D7's latest interview said missing_feature, as recorded: agrees.
        "reason_mismatch_rate": pytest.approx(2 / 3),
        "survey_response_rate": None,  # no survey sent (tests/surveys_app for the figures)
        "competitors": [],
        "conversations_90d": 5,  # C3, C5, C6, C7 (today), C8; C4 is a day too early
        "pipeline_share": 0.875,  # 70000 of the workspace's 80000
    }


def test_an_empty_value_is_grouped_as_unknown_with_null_rates_when_nothing_closed(
    workspace, figured_world
):
    rows = segments(workspace, "industry")

    assert set(rows) == {"Fintech", "Retail", "unknown"}
    unknown = rows["unknown"]
    assert unknown["accounts"] == 1 and unknown["deals"] == 1 and unknown["open_deals"] == 1
    for metric in (
        "win_rate",
        "avg_won_deal",
        "median_cycle_days",
        "roi",
        "win_rate_covered",
        "win_rate_uncovered",
        "reason_mismatch_rate",
    ):
        assert unknown[metric] is None, metric
    assert unknown["multithreaded_rate"] == 0.0  # one open deal, not multithreaded
    assert (unknown["revenue_won"], unknown["pipeline"], unknown["cost_of_sale"]) == (
        "0.00",
        "10000.00",
        "0.00",
    )
    assert unknown["conversations_90d"] == 0  # C9 is dated after today
    assert unknown["pipeline_share"] == 0.125


def test_an_account_without_deals_is_counted_with_zeros(workspace, figured_world):
    retail = segments(workspace, "industry")["Retail"]

    assert retail["accounts"] == 1
    assert (retail["deals"], retail["won"], retail["lost"], retail["open_deals"]) == (0, 0, 0, 0)
    assert retail["win_rate"] is None and retail["multithreaded_rate"] is None
    assert retail["pipeline"] == "0.00" and retail["pipeline_share"] == 0.0
    assert retail["loss_reasons"] == [] and retail["top_pains"] == []


def test_size_band_groups_a_missing_employee_count_as_unknown(workspace, figured_world):
    rows = segments(workspace, "size_band")

    assert {v: r["accounts"] for v, r in rows.items()} == {
        "smb": 1,
        "enterprise": 1,
        "mid_market": 1,
        "unknown": 1,
    }
    assert rows["smb"]["deals"] == 6 and rows["enterprise"]["deals"] == 3


def test_an_external_champion_counts_for_the_deals_account_not_for_their_own(
    workspace, figured_world
):
    rows = segments(workspace, "country")

    # Germany (A1): open D4 covered by A2's champion, D5 not. France (A2): D8 covered.
    assert rows["Germany"]["multithreaded_rate"] == 0.5
    assert rows["France"]["multithreaded_rate"] == 1.0
    assert rows["France"]["open_deals"] == 1
    assert rows["unknown"]["accounts"] == 1


def test_a_saved_segment_is_one_value_over_the_accounts_it_matches(workspace, figured_world):
    vms = figured_world["segments"]["vms"]
    (row,) = segments(workspace, f"segment:{vms.pk}").values()

    assert row["value"] == "Fintech on VMs"
    assert (row["accounts"], row["deals"], row["won"], row["lost"], row["open_deals"]) == (
        1,
        6,
        3,
        1,
        2,
    )
    assert row["revenue_won"] == "100000.00" and row["pipeline"] == "20000.00"
    assert row["cost_of_sale"] == "700.00"  # D1 150 + D2 500 + D3 50 + D10 0
    assert row["multithreaded_rate"] == 0.5
    assert row["reason_mismatch_rate"] == 1.0  # D3 only
    assert row["conversations_90d"] == 2  # C3, C8
    assert row["pipeline_share"] == 0.25
    assert row["top_pains"] == [
        {"tag": "Alert fatigue", "conversations": 3, "accounts": 1},
        {"tag": "Tool sprawl", "conversations": 1, "accounts": 1},
    ]


def test_a_saved_segment_matching_no_account_still_has_its_line(workspace, figured_world):
    nobody = figured_world["segments"]["nobody"]
    (row,) = segments(workspace, f"segment:{nobody.pk}").values()

    assert row["value"] == "Nobody"
    assert (row["accounts"], row["deals"]) == (0, 0)
    assert row["win_rate"] is None and row["pipeline_share"] == 0.0
    assert row["revenue_won"] == "0.00" and row["loss_reasons"] == []


def test_money_is_summed_exactly(workspace, figured_world):
    from tests.factories import DealFactory

    for _ in range(10):
        DealFactory(
            workspace=workspace,
            account=figured_world["accounts"]["A4"],
            stage="closed_won",
            amount=Decimal("0.10"),
            created_on=None,
            close_date=TODAY,
        )

    retail = segments(workspace, "industry")["Retail"]

    assert retail["revenue_won"] == "1.00"  # not 0.9999999999999999
    assert retail["avg_won_deal"] == "0.10"


@pytest.mark.parametrize(
    ("histogram", "median"),
    [
        ([], None),
        ([(60, 1)], 60),
        ([(30, 1), (60, 1)], 45),
        ([(10, 2), (11, 1)], 10),
        ([(10, 1), (11, 1), (12, 1), (20, 1)], 11.5),
        ([(5, 0), (7, 3), (1, 1)], 7),
    ],
)
def test_the_median_of_a_histogram(histogram, median):
    assert median_from_histogram(histogram) == median
