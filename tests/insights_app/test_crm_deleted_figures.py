"""Records the CRM deleted leave the insights (PRODUCT.md §11), worked out by hand on the
figured world of tests/world.py: a recompute counts neither a deleted deal nor what hangs on it
(business cases, costed minutes, stated reasons, feature demand), nor the roles of a deleted
contact, nor a deleted account. Conversations stay: they are DealLens's own record.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from deals_app.models import DealRole
from insights_app.selectors.catalog import feature_request_list
from insights_app.services import insights_compute
from tests.factories import FeatureMentionFactory, FeatureRequestFactory
from tests.world import TODAY

pytestmark = pytest.mark.django_db


def _delete(*records) -> None:
    for record in records:
        type(record).all_objects.filter(pk=record.pk).update(crm_deleted_at=timezone.now())


def _parts(workspace, kind: str, dimension: str) -> dict:
    parts = insights_compute(workspace=workspace, today=TODAY)
    (payload,) = [p.payload for p in parts if p.kind == kind and p.dimension == dimension]
    return payload


def _segments(workspace) -> dict[str, dict]:
    return {r["value"]: r for r in _parts(workspace, "segments", "industry")["results"]}


def test_a_deleted_open_deal_and_a_deleted_lost_deal_leave_the_figures(workspace, figured_world):
    deals = figured_world["deals"]
    _delete(deals["D8"], deals["D7"])

    fintech = _segments(workspace)["Fintech"]

    assert fintech["deals"] == 7  # 9 without D7 and D8
    assert fintech["open_deals"] == 2  # D4, D5
    assert (fintech["won"], fintech["lost"]) == (3, 2)  # D3, D6 lost
    assert fintech["win_rate"] == 0.6
    assert fintech["pipeline"] == "20000.00"  # D4 only
    assert fintech["value_claimed"] == "12500.00"  # D4 10000 + D1 2500; D8's cases went
    assert fintech["cost_of_sale"] == "800.00"  # 850 without D7's 50 (its interviews)
    # D3 and D6 disagree with their recorded reasons; D7's interviews no longer count.
    assert fintech["reason_mismatch_rate"] == 1.0
    assert fintech["multithreaded_rate"] == 0.5  # D4 of D4, D5
    assert fintech["conversations_90d"] == 5  # C5, C6 stay: conversations are kept


def test_a_deleted_contacts_role_no_longer_covers_a_deal(workspace, figured_world):
    d1 = figured_world["deals"]["D1"]
    champion = DealRole.objects.get(deal=d1, role=DealRole.Role.CHAMPION)
    _delete(champion.contact)

    fintech = _segments(workspace)["Fintech"]

    assert fintech["deals"] == 9  # the deal stays
    assert fintech["win_rate_covered"] is None  # D1 was the only closed covered deal
    assert fintech["win_rate_uncovered"] == 0.5  # D1, D2, D10 won; D3, D6, D7 lost


def test_a_deleted_account_leaves_the_figures_with_its_deals(workspace, figured_world):
    _delete(figured_world["accounts"]["A2"])

    fintech = _segments(workspace)["Fintech"]

    assert fintech["accounts"] == 1
    assert fintech["deals"] == 6  # A1's: D1–D5, D10
    assert fintech["pipeline"] == "20000.00"  # D4; D8 was A2's


def test_a_deleted_deal_leaves_feature_demand_and_a_deleted_account_its_count(
    workspace, figured_world
):
    deals, accounts = figured_world["deals"], figured_world["accounts"]
    sso = FeatureRequestFactory(workspace=workspace, title="SSO")
    FeatureMentionFactory(
        workspace=workspace, feature=sso, account=accounts["A1"], deal=deals["D4"]
    )
    FeatureMentionFactory(
        workspace=workspace, feature=sso, account=accounts["A1"], deal=deals["D1"]
    )
    FeatureMentionFactory(workspace=workspace, feature=sso, account=accounts["A4"])
    _delete(deals["D1"], accounts["A4"])

    overall = {r["title"]: r for r in _parts(workspace, "features", "industry")["overall"]}

    assert overall["SSO"]["revenue_weighted_demand"] == "20000.00"  # D4; not D1's 100000
    assert overall["SSO"]["accounts"] == 1  # A1; A4 was deleted
    (listed,) = feature_request_list(workspace=workspace)
    assert (listed.mention_count, listed.account_count) == (3, 1)


def test_the_recompute_figures_match_a_world_without_the_deleted_deal(workspace, figured_world):
    """The dashboard's figures after deleting D9 (open, 10000, A3) equal those with D9 gone."""
    before = _segments(workspace)["unknown"]
    assert before["deals"] == 1 and before["pipeline"] == "10000.00"
    _delete(figured_world["deals"]["D9"])
    after = _segments(workspace)["unknown"]
    assert (after["deals"], after["open_deals"], after["pipeline"]) == (0, 0, "0.00")
    total = Decimal(_segments(workspace)["Fintech"]["pipeline"])
    assert total == Decimal("70000.00")  # Fintech untouched
