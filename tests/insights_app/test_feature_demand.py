"""Feature demand per feature and segment value (PRODUCT.md §4), worked out by hand.

accounts: B1, B2 Fintech; B3 Retail; B4 no industry (unknown).
deals: E1 open 100000 (B1), E2 won 300000 (B1), E3 lost 50000 (B2), E4 open, amount unknown (B3),
E5 open 900000 (B3).
mentions of SSO: B1 in E1 (twice), B1 in E2, B2 in E3, B2 without a deal, B3 in E4, B4 without a
deal. Audit log: B3 in E5 (twice). Nobody mentions "Dark mode".
"""

from decimal import Decimal

import pytest

from insights_app.services import insights_compute
from tests.factories import (
    AccountFactory,
    DealFactory,
    FeatureMentionFactory,
    FeatureRequestFactory,
    SegmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(workspace):
    acc = {
        name: AccountFactory(workspace=workspace, name=name, industry=industry)
        for name, industry in [("B1", "Fintech"), ("B2", "Fintech"), ("B3", "Retail"), ("B4", "")]
    }

    def deal(account, stage, amount):
        return DealFactory(
            workspace=workspace,
            account=acc[account],
            stage=stage,
            amount=None if amount is None else Decimal(amount),
        )

    deals = {
        "E1": deal("B1", "discovery", "100000"),
        "E2": deal("B1", "closed_won", "300000"),
        "E3": deal("B2", "closed_lost", "50000"),
        "E4": deal("B3", "proposal", None),
        "E5": deal("B3", "negotiation", "900000"),
    }
    sso = FeatureRequestFactory(workspace=workspace, title="SSO", status="planned")
    audit = FeatureRequestFactory(workspace=workspace, title="Audit log")
    dark = FeatureRequestFactory(workspace=workspace, title="Dark mode")

    def mention(feature, account, deal_name=None):
        FeatureMentionFactory(
            workspace=workspace,
            feature=feature,
            account=acc[account],
            deal=deals[deal_name] if deal_name else None,
        )

    for account, deal_name in [
        ("B1", "E1"),
        ("B1", "E1"),
        ("B1", "E2"),
        ("B2", "E3"),
        ("B2", None),
        ("B3", "E4"),
        ("B4", None),
    ]:
        mention(sso, account, deal_name)
    mention(audit, "B3", "E5")
    mention(audit, "B3", "E5")
    fintech = SegmentFactory(workspace=workspace, name="Fintech", filters={"industry": "Fintech"})
    return {"sso": sso, "audit": audit, "dark": dark, "segment": fintech}


def features(workspace, dimension):
    parts = insights_compute(workspace=workspace)
    (payload,) = [p.payload for p in parts if p.kind == "features" and p.dimension == dimension]
    return payload


def row(rows, title, value):
    (found,) = [r for r in rows if r["title"] == title and r["value"] == value]
    return found


def test_demand_per_industry_counts_each_deal_once_and_accounts_distinctly(workspace, world):
    rows = features(workspace, "industry")["results"]

    assert row(rows, "SSO", "Fintech") == {
        "feature": world["sso"].pk,
        "title": "SSO",
        "status": "planned",
        "value": "Fintech",
        "accounts": 2,  # B1, B2
        "revenue_weighted_demand": "400000.00",  # E1 once (two mentions) + E2
        "lost_revenue": "50000.00",  # E3
        "concentration": 0.75,  # E2 is 300000 of 400000
    }
    retail = row(rows, "SSO", "Retail")
    assert (retail["accounts"], retail["revenue_weighted_demand"]) == (1, "0.00")  # E4 unknown
    assert retail["concentration"] is None
    assert row(rows, "SSO", "unknown")["accounts"] == 1  # B4, an account without industry


def test_one_big_deal_behind_a_request_shows_as_full_concentration(workspace, world):
    rows = features(workspace, "industry")["results"]

    audit = row(rows, "Audit log", "Retail")
    assert audit["revenue_weighted_demand"] == "900000.00"
    assert audit["concentration"] == 1.0
    assert audit["accounts"] == 1
    assert rows[0]["title"] == "Audit log"  # largest demand first


def test_the_overall_board_lists_every_feature(workspace, world):
    overall = features(workspace, "industry")["overall"]

    by_title = {r["title"]: r for r in overall}
    assert set(by_title) == {"SSO", "Audit log", "Dark mode"}
    assert {r["value"] for r in overall} == {"all"}
    assert by_title["SSO"]["accounts"] == 4
    assert by_title["SSO"]["revenue_weighted_demand"] == "400000.00"
    assert by_title["SSO"]["lost_revenue"] == "50000.00"
    assert by_title["Dark mode"]["accounts"] == 0
    assert by_title["Dark mode"]["concentration"] is None


def test_a_saved_segment_weighs_only_its_accounts(workspace, world):
    rows = features(workspace, f"segment:{world['segment'].pk}")["results"]

    assert [(r["title"], r["value"], r["accounts"]) for r in rows] == [("SSO", "Fintech", 2)]
    assert rows[0]["revenue_weighted_demand"] == "400000.00"
