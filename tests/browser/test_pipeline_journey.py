"""A sales lead signs in, lands on their deals at risk, opens the biggest one, then narrows the
pipeline to one industry and removes that filter again."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import (
    AccountFactory,
    DealFactory,
    DealRoleFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # UserFactory's password


@pytest.fixture
def pipeline():
    workspace = WorkspaceFactory.create(name="Acme Observability", slug="acme")
    user = UserFactory.create(username="sam", first_name="Sam", last_name="Carter")
    MembershipFactory.create(user=user, workspace=workspace, role="sales")
    bank = AccountFactory.create(workspace=workspace, name="Initech Bank", industry="Fintech")
    shop = AccountFactory.create(workspace=workspace, name="Shopwise", industry="Retail")
    deals = {}
    for account, name, amount in (
        (bank, "Initech core banking", "750000"),
        (bank, "Initech pilot", "40000"),
        (shop, "Shopwise platform", "300000"),
        (shop, "Shopwise renewal", "90000"),
    ):
        deals[name] = DealFactory.create(
            account=account, workspace=workspace, name=name, owner=user, amount=Decimal(amount)
        )
    DealRoleFactory.create(deal=deals["Initech core banking"], role="champion")  # no buyer
    return deals


def test_sales_lead_goes_from_risks_to_the_biggest_deal_to_one_industry(
    page, page_log, live_server, pipeline
):
    page.goto("/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/deals/at-risk/")
    expect(page.get_by_role("heading", name="Deals at risk")).to_be_visible()
    expect(page.get_by_test_id("at-risk-count")).to_have_text("4")
    group = page.locator('[data-group="no_economic_buyer"]')
    expect(group.locator("tbody tr")).to_have_count(4)
    first = group.locator("tbody tr").first
    expect(first).to_contain_text("Initech core banking")
    expect(first).to_contain_text("No economic buyer is named on this deal")

    first.get_by_role("link", name="Initech core banking").click()
    deal = pipeline["Initech core banking"]
    expect(page).to_have_url(f"{live_server.url}/deals/{deal.pk}/")
    expect(page.get_by_role("heading", name="Initech core banking")).to_be_visible()
    expect(page.locator('[data-risk="no_economic_buyer"]')).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals").click()
    expect(page).to_have_url(re.compile(r"/deals/$"))
    expect(page.get_by_test_id("deal-table").locator("tbody tr")).to_have_count(4)
    expect(page.get_by_test_id("total-count")).to_have_text("4")

    page.get_by_text("Close dates and account segment values").click()
    page.get_by_label("Industry").fill("fintech")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"industry=fintech"))
    rows = page.get_by_test_id("deal-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Initech")
    expect(page.get_by_test_id("total-count")).to_have_text("2")
    chip = page.get_by_test_id("chip-industry")
    expect(chip).to_contain_text("fintech")
    badge = rows.filter(has_text="Initech core banking").locator('[data-risk="no_economic_buyer"]')
    expect(badge).to_have_attribute("title", re.compile(r"^No economic buyer is named"))

    chip.get_by_role("link", name=re.compile("Remove the industry filter")).click()
    expect(page.get_by_test_id("deal-table").locator("tbody tr")).to_have_count(4)

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []
