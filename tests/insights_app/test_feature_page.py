"""A feature request's page: its mentions (quotes, importance, accounts, deals, conversations),
paginated, and its demand overall and per segment value from the published snapshot. Everyone
in the workspace reads it; another workspace's feature is not found; queries stay constant."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    ConversationFactory,
    DealFactory,
    FeatureMentionFactory,
    FeatureRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso(workspace):
    return FeatureRequestFactory.create(
        workspace=workspace, title="SAML SSO", description="Sign in through the customer's IdP."
    )


@pytest.fixture
def demand(workspace, sso):
    """Fintech asks in an open 100k deal (critical), healthcare in a lost 40k deal (blocker)."""
    fintech = AccountFactory.create(workspace=workspace, name="Initech", industry="Fintech")
    clinic = AccountFactory.create(workspace=workspace, name="Mercy", industry="Healthcare")
    open_deal = DealFactory.create(
        account=fintech, name="Initech platform", amount=Decimal("100000"), stage="evaluation"
    )
    lost_deal = DealFactory.create(
        account=clinic,
        name="Mercy rollout",
        amount=Decimal("40000"),
        stage="closed_lost",
        loss_reason="missing_feature",
    )
    call = ConversationFactory.create(account=fintech, deal=open_deal, title="Initech security")
    FeatureMentionFactory.create(
        feature=sso,
        account=fintech,
        deal=open_deal,
        conversation=call,
        importance="critical",
        quote="No SSO, no rollout.",
    )
    FeatureMentionFactory.create(
        feature=sso, account=clinic, deal=lost_deal, importance="deal_blocker", quote="We left."
    )
    insights_recompute(workspace_id=workspace.pk, force=True)
    return {
        "fintech": fintech,
        "clinic": clinic,
        "open": open_deal,
        "lost": lost_deal,
        "call": call,
    }


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["pm", "sales", "exec", "admin"])
def test_everyone_in_the_workspace_reads_a_feature_page(client, member, role, sso, demand):
    client.force_login(member(role))
    response = client.get(f"/features/{sso.pk}/")
    assert response.status_code == 200
    assert "SAML SSO" in response.content.decode()


def test_another_workspaces_feature_is_not_found(client, member, other_workspace):
    theirs = FeatureRequestFactory.create(workspace=other_workspace, title="Their feature")
    client.force_login(member("admin"))
    assert client.get(f"/features/{theirs.pk}/").status_code == 404
    assert client.get("/features/999999/").status_code == 404


def test_the_page_lists_mentions_with_quotes_accounts_deals_and_conversations(
    client, member, sso, demand
):
    client.force_login(member("pm"))
    page = client.get(f"/features/{sso.pk}/").content.decode()
    for text in (
        "Sign in through the customer&#x27;s IdP.",
        "“No SSO, no rollout.”",
        "“We left.”",
        "Critical",
        "Deal blocker",
        f'href="/accounts/{demand["fintech"].pk}/">Initech</a>',
        f'href="/accounts/{demand["clinic"].pk}/">Mercy</a>',
        f'href="/deals/{demand["open"].pk}/">Initech platform</a>',
        f'href="/deals/{demand["lost"].pk}/">Mercy rollout</a>',
        f'href="/conversations/{demand["call"].pk}/">Initech security</a>',
        "Recorded without a conversation",
        "2 mentions",
    ):
        assert text in page, text


def test_the_page_shows_demand_from_the_snapshot_overall_and_per_value(client, member, sso, demand):
    client.force_login(member("pm"))
    response = client.get(f"/features/{sso.pk}/?dimension=industry")
    overall = response.context["overall"]
    assert overall["accounts"] == 2
    assert overall["demand"] == Decimal("100000")
    assert overall["lost"] == Decimal("40000")
    assert overall["deli_counter"] is True  # one deal is all of the demand
    rows = {row["label"]: row for row in response.context["by_value"]}
    assert rows["Fintech"]["demand"] == Decimal("100000")
    assert rows["Healthcare"]["lost"] == Decimal("40000")
    page = response.content.decode()
    assert "100,000" in page and "40,000" in page and "Deli counter" in page


def test_without_a_snapshot_the_page_says_so_and_still_lists_mentions(
    client, member, workspace, sso
):
    FeatureMentionFactory.create(feature=sso, account__workspace=workspace, quote="Please add SSO.")
    client.force_login(member("pm"))
    response = client.get(f"/features/{sso.pk}/?dimension=nonsense")  # falls back to industry
    page = response.content.decode()
    assert response.context["overall"] is None
    assert "Not computed yet" in page and "Please add SSO." in page


def test_mentions_are_paginated(client, member, workspace, sso):
    account = AccountFactory.create(workspace=workspace)
    for i in range(30):
        FeatureMentionFactory.create(feature=sso, account=account, quote=f"Quote {i:02d}")
    client.force_login(member("pm"))
    first = client.get(f"/features/{sso.pk}/")
    assert len(first.context["mentions"]) == 25
    assert "Quote 29" in first.content.decode()  # newest first
    assert "Showing <strong>1–25</strong> of <strong>30</strong>" in first.content.decode()
    second = client.get(f"/features/{sso.pk}/?page=2")
    assert len(second.context["mentions"]) == 5
    assert "Quote 00" in second.content.decode()
    assert client.get(f"/features/{sso.pk}/?page=abc").status_code == 200


def test_the_board_links_each_feature_to_its_page(client, member, sso, demand):
    client.force_login(member("exec"))
    page = client.get("/features/").content.decode()
    assert f'href="/features/{sso.pk}/"' in page


def test_query_count_does_not_grow_with_mentions(client, member, workspace, sso):
    client.force_login(member("pm"))

    def add(n):
        for _ in range(n):
            account = AccountFactory.create(workspace=workspace)
            deal = DealFactory.create(account=account)
            conversation = ConversationFactory.create(account=account, deal=deal)
            FeatureMentionFactory.create(
                feature=sso, account=account, deal=deal, conversation=conversation, quote="q"
            )

    add(5)
    insights_recompute(workspace_id=workspace.pk, force=True)
    few = queries(client, f"/features/{sso.pk}/")
    add(45)
    insights_recompute(workspace_id=workspace.pk, force=True)
    assert queries(client, f"/features/{sso.pk}/") == few
