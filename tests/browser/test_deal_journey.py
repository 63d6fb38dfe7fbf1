"""A sales lead opens a deal whose champion has no path to the economic buyer, reads the map,
records the missing advocacy edge from the page, and sees the warning go away."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    DealRoleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


COUNT_NODES = """() => {
  const plot = document.querySelector('#persona-map.js-plotly-plot');
  return plot.data
    .filter((trace) => trace.meta && trace.meta.kind === 'nodes')
    .reduce((n, trace) => n + trace.x.length, 0);
}"""
COUNT_ARROWS = "() => (document.querySelector('#persona-map').layout.annotations || []).length"


@pytest.fixture
def deal_without_path(workspace, acme_member):
    acme_member("sam", "sales", "Sam", "Carter")
    account = AccountFactory.create(workspace=workspace, name="Initech")
    deal = DealFactory.create(account=account, workspace=workspace, name="Initech platform")
    ines = ContactFactory.create(
        account=account, first_name="Ines", last_name="Ito", title="CIO", seniority="c_level"
    )
    sam = ContactFactory.create(
        account=account, first_name="Sam", last_name="Sosa", title="SRE lead", seniority="manager"
    )
    uma = ContactFactory.create(account=account, first_name="Uma", last_name="Ueda", reports_to=sam)
    DealRoleFactory.create(deal=deal, contact=ines, role="economic_buyer")
    DealRoleFactory.create(deal=deal, contact=sam, role="champion")
    DealRoleFactory.create(deal=deal, contact=uma, role="user")
    return deal


def test_sales_lead_adds_the_missing_advocacy_and_the_warning_goes_away(
    page, page_log, live_server, deal_without_path, sign_in
):
    sign_in("sam")
    expect(page).to_have_url(re.compile(r"/deals/"))

    page.get_by_role("link", name="Initech platform").click()
    expect(page).to_have_url(f"{live_server.url}/deals/{deal_without_path.pk}/")
    expect(page.get_by_role("heading", name="Initech platform")).to_be_visible()

    risk = page.locator('[data-risk="no_path_to_buyer"]')
    expect(risk).to_contain_text("No path from Sam Sosa (champion) to Ines Ito (economic buyer)")
    expect(page.get_by_test_id("map-gaps")).to_contain_text("No path from Sam Sosa")

    expect(page.locator("#persona-map.js-plotly-plot")).to_be_visible()
    assert page.evaluate(COUNT_NODES) == 3
    assert page.evaluate(COUNT_ARROWS) == 0
    expect(page.get_by_test_id("people-table").locator("tbody tr")).to_have_count(3)

    form = page.get_by_test_id("form-add-advocacy")
    form.get_by_label("Who advocates").select_option(label="Sam Sosa — SRE lead")
    form.get_by_label("To whom").select_option(label="Ines Ito — CIO")
    form.get_by_label("Note").fill("Introduced us at the QBR")
    form.get_by_role("button", name="Add advocacy").click()

    expect(page.get_by_text("Sam Sosa advocates to Ines Ito.")).to_be_visible()
    expect(page.locator('[data-risk="no_path_to_buyer"]')).to_have_count(0)
    expect(page.get_by_test_id("map-gaps")).not_to_contain_text("No path")
    expect(page.get_by_test_id("advocacy-list")).to_contain_text("Sam Sosa → Ines Ito")
    expect(page.locator("#persona-map.js-plotly-plot")).to_be_visible()
    assert page.evaluate(COUNT_NODES) == 3
    assert page.evaluate(COUNT_ARROWS) == 1

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []
