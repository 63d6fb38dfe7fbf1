"""The feature-demand board reads the published snapshot: demand overall and per segment value,
sortable, with deli-counter requests (one deal is at least half the demand) marked."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    DealFactory,
    FeatureMentionFactory,
    FeatureRequestFactory,
)

pytestmark = pytest.mark.django_db


def mention(feature, account, amount):
    deal = DealFactory.create(account=account, amount=Decimal(amount), stage="evaluation")
    FeatureMentionFactory.create(feature=feature, account=account, deal=deal)


@pytest.fixture
def board_data(workspace, other_workspace):
    fintech = AccountFactory.create(workspace=workspace, industry="Fintech")
    health = AccountFactory.create(workspace=workspace, industry="Healthcare")
    clinic = AccountFactory.create(workspace=workspace, industry="Healthcare")
    sso = FeatureRequestFactory.create(workspace=workspace, title="SAML SSO")
    swiss = FeatureRequestFactory.create(workspace=workspace, title="Swiss region")
    for account in (fintech, health, clinic):
        mention(sso, account, "100000")
    mention(swiss, fintech, "900000")
    FeatureRequestFactory.create(workspace=other_workspace, title="Their secret feature")
    insights_recompute(workspace_id=workspace.pk, force=True)


@pytest.mark.parametrize("role", ["pm", "sales", "exec", "admin"])
def test_everyone_reads_the_board(client, member, role, board_data):
    client.force_login(member(role))
    page = client.get("/features/").content.decode()
    assert "SAML SSO" in page and "Their secret feature" not in page


def test_board_sorts_and_marks_deli_counter_requests(client, member, board_data):
    client.force_login(member("pm"))
    response = client.get("/features/?dimension=industry&sort=demand")
    board = response.context["board"]
    assert [line["title"] for line in board] == ["Swiss region", "SAML SSO"]
    assert [line["deli_counter"] for line in board] == [True, False]
    assert response.context["values"] == ["Fintech", "Healthcare"]
    response = client.get("/features/?dimension=industry&sort=accounts")
    assert [line["title"] for line in response.context["board"]] == ["SAML SSO", "Swiss region"]


def test_board_query_count_is_constant(client, member, workspace, board_data):
    client.force_login(member("exec"))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/features/?dimension=industry").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    account = AccountFactory.create(workspace=workspace, industry="Retail")
    for i in range(4):
        mention(FeatureRequestFactory.create(workspace=workspace), account, f"{i + 1}000")
    insights_recompute(workspace_id=workspace.pk, force=True)
    assert count() == before
