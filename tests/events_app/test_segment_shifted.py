"""segment.shifted (PRODUCT.md §12): a segment value's win rate or pipeline moved by more than
the set amount between the published snapshot and the one replacing it."""

from decimal import Decimal

import pytest

from deals_app.models import Deal, Stage
from events_app.models import Event
from insights_app.services import insights_recompute
from tests.factories import AccountFactory, DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fintech(workspace):
    account = AccountFactory.create(workspace=workspace, industry="Fintech")
    won = [
        DealFactory.create(
            workspace=workspace, account=account, stage=Stage.CLOSED_WON, amount=Decimal(1000)
        )
        for _ in range(4)
    ]
    DealFactory.create(
        workspace=workspace, account=account, stage=Stage.CLOSED_LOST, amount=Decimal(1000)
    )
    DealFactory.create(
        workspace=workspace, account=account, stage=Stage.DISCOVERY, amount=Decimal(10000)
    )
    return won


def shifts():
    return list(Event.objects.filter(type="segment.shifted").order_by("id"))


def test_the_first_snapshot_reports_no_shift(workspace, fintech):
    insights_recompute(workspace_id=workspace.pk, force=True)
    assert shifts() == []


def test_a_halved_win_rate_is_reported_once_with_before_and_after(workspace, fintech):
    insights_recompute(workspace_id=workspace.pk, force=True)
    Deal.objects.filter(pk__in=[d.pk for d in fintech[:3]]).update(
        stage=Stage.CLOSED_LOST, loss_reason="price"
    )
    insights_recompute(workspace_id=workspace.pk, force=True)
    win = [e for e in shifts() if e.data["metric"] == "win_rate"]
    industry = [e for e in win if e.data["dimension"] == "industry"]
    assert len(industry) == 1
    event = industry[0]
    assert event.data["value"] == "Fintech"
    assert (event.data["before"], event.data["after"]) == (0.8, 0.2)
    assert event.summary == "Win rate of industry = Fintech fell from 80% to 20%"
    assert event.object_url == "/dashboard/?dimension=industry"

    insights_recompute(workspace_id=workspace.pk, force=True)  # nothing moved since
    assert len([e for e in shifts() if e.data["metric"] == "win_rate"]) == len(win)


def test_a_small_move_is_not_a_shift(workspace, fintech, settings):
    insights_recompute(workspace_id=workspace.pk, force=True)
    Deal.objects.filter(stage=Stage.DISCOVERY).update(amount=Decimal(11000))  # +10 %
    insights_recompute(workspace_id=workspace.pk, force=True)
    assert shifts() == []
    Deal.objects.filter(stage=Stage.DISCOVERY).update(amount=Decimal(20000))  # +82 %
    insights_recompute(workspace_id=workspace.pk, force=True)
    pipeline = [e for e in shifts() if e.data["dimension"] == "industry"]
    assert [e.data["metric"] for e in pipeline] == ["pipeline"]
    assert "grew from 11000.00 to 20000.00" in pipeline[0].summary
