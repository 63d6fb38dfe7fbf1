"""The dashboard's CSV writes rates and ratios rounded as a person reads them (0.6667, not
0.6666666666666666), ROI to 2 decimals and the median cycle to 1; money stays exact."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from insights_app.services import insights_recompute
from tests.factories import AccountFactory, DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exec_client(client, member):
    client.force_login(member("exec"))
    return client


def test_rates_are_rounded_and_money_is_exact(exec_client, workspace):
    fintech = AccountFactory.create(workspace=workspace, industry="Fintech")
    for stage, amount, days in (
        ("closed_won", "1000.10", 10),
        ("closed_won", "2000.25", 21),
        ("closed_lost", "500.00", 30),
        ("proposal", "333.33", 0),
    ):
        DealFactory.create(
            account=fintech,
            stage=stage,
            amount=Decimal(amount),
            close_date=dt.date(2026, 6, 30),
            created_on=dt.date(2026, 6, 30) - dt.timedelta(days=days),
            cost_of_sale=Decimal("900") if stage.startswith("closed") else None,
        )
    insights_recompute(workspace_id=workspace.pk, force=True)
    export = exec_client.get("/dashboard/export.csv?dimension=industry").content.decode()
    line = next(csv.DictReader(io.StringIO(export)))
    assert line["industry"] == "Fintech"
    assert line["win_rate"] == "0.6667"  # 2 won of 3 closed; the page says 67 %
    assert line["roi"] == "0.11"  # (3000.35 − 2700) ÷ 2700 = 0.1112…
    assert line["median_cycle_days"] == "15.5"
    assert line["pipeline_share"] == "1.0"
    assert Decimal(line["revenue_won"]) == Decimal("3000.35")  # money: every cent
    assert Decimal(line["pipeline"]) == Decimal("333.33")
    for column in ("win_rate", "roi", "multithreaded_rate", "pipeline_share"):
        assert len(line[column].partition(".")[2]) <= 4, (column, line[column])
