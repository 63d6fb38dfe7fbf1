"""The feature and assumption boards find lines by name (``?q=``), like every other list:
every word must appear, in any case; a search that finds nothing says so and how to clear it."""

from decimal import Decimal

import pytest

from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    AssumptionFactory,
    DealFactory,
    FeatureMentionFactory,
    FeatureRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def boards(workspace):
    account = AccountFactory.create(workspace=workspace, industry="Fintech")
    deal = DealFactory.create(account=account, amount=Decimal(1000), stage="evaluation")
    for title in ("SAML single sign-on", "Swiss data region", "Audit log export"):
        feature = FeatureRequestFactory.create(workspace=workspace, title=title)
        FeatureMentionFactory.create(feature=feature, account=account, deal=deal)
    AssumptionFactory.create(workspace=workspace, statement="Teams want SSO", area="Security")
    AssumptionFactory.create(workspace=workspace, statement="Buyers pay for audit", area="Pricing")
    insights_recompute(workspace_id=workspace.pk, force=True)


def titles(response, key):
    return [line[key] for line in response.context["board"]]


def test_the_feature_board_finds_features_by_title(client, member, boards):
    client.force_login(member("pm"))
    response = client.get("/features/?q=sign-on+SAML")
    assert titles(response, "title") == ["SAML single sign-on"]
    assert 'value="sign-on SAML"' in response.content.decode()
    assert titles(client.get("/features/?q=REGION"), "title") == ["Swiss data region"]
    assert len(titles(client.get("/features/"), "title")) == 3


def test_the_assumption_board_finds_statements_and_areas(client, member, boards):
    client.force_login(member("pm"))
    assert titles(client.get("/assumptions/?q=sso"), "statement") == ["Teams want SSO"]
    assert titles(client.get("/assumptions/?q=pricing"), "statement") == ["Buyers pay for audit"]


@pytest.mark.parametrize("path", ["/features/", "/assumptions/"])
def test_a_search_that_finds_nothing_says_so(client, member, boards, path):
    client.force_login(member("exec"))
    page = client.get(f"{path}?q=kubernetes").content.decode()
    assert "matches “kubernetes”" in page and "Clear the search" in page
