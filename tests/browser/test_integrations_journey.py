"""A new admin connects the Salesforce org in the browser, tests it, syncs, reads the run log;
a stage changed in Salesforce reaches the deal page after the next scheduled run. Another
pastes a HubSpot private-app token, syncs, and corrects how a custom pipeline stage reads."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from crm_app.models import CrmConnection, SyncRun
from crm_app.services.sync import sync_due_request
from deals_app.models import Deal, Stage
from tests.browser.conftest import ARTIFACTS
from tests.crm_app.sync_support import first_id
from tests.crm_support.fixtures import (  # noqa: F401 - the fixtures, registered
    fake_hubspot,
    fake_salesforce,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_connects_salesforce_and_keeps_deallens_current(
    page,
    page_log,
    acme_member,
    sign_in,
    fake_salesforce,  # noqa: F811 - the fixture imported above
    settings,
):
    settings.DEALLENS_CRM_CA_BUNDLE = fake_salesforce.ca_path
    acme_member("ada", "admin", "Ada", "Admin")
    sign_in("ada", "/settings/integrations/")
    expect(page.get_by_test_id("no-connections")).to_be_visible()

    form = page.get_by_test_id("add-connection")
    form.get_by_label("CRM").select_option("salesforce")
    form.get_by_label("Name").fill("Production org")
    form.get_by_label("Instance URL").fill(fake_salesforce.url)
    form.get_by_label("Client ID (Salesforce)").fill(fake_salesforce.client_id)
    form.get_by_label("Client secret (Salesforce)").fill(fake_salesforce.client_secret)
    page.get_by_test_id("connection-submit").click()
    expect(page).to_have_url(re.compile(r"/settings/integrations/\d+/$"))
    assert fake_salesforce.client_secret not in page.content()

    page.get_by_test_id("test-connection").click()
    expect(page.get_by_text("Connected to Salesforce")).to_be_visible()

    page.get_by_test_id("sync-now").click()
    row = page.get_by_test_id("run-row").first
    expect(row.get_by_test_id("run-state")).to_have_text("Succeeded", timeout=60_000)
    run = SyncRun.objects.get()
    assert {n: c["created"] for n, c in run.counts.items()} == {
        "Account": 185,
        "Contact": 701,
        "Opportunity": 741,
        "OpportunityContactRole": 42,
    }
    row.get_by_role("link").first.click()
    counts = page.get_by_test_id("run-counts")
    expect(counts).to_contain_text("741")
    expect(counts).to_contain_text("185")

    # A stage changes in Salesforce; the next scheduled run brings it in.
    fake_salesforce.advance(hours=1)
    opp = first_id(fake_salesforce, "Opportunity", StageName="Perception Analysis")
    fake_salesforce.update("Opportunity", opp, StageName="Closed Won")
    connection = CrmConnection.objects.get()
    assert sync_due_request(now=connection.next_run_at + timedelta(seconds=1)) == 1
    deal = Deal.objects.get(external_id=opp)
    page.goto(f"/deals/{deal.pk}/")
    expect(page.get_by_text("Closed won").first).to_be_visible()
    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_admin_pastes_a_hubspot_token_and_corrects_a_pipeline_stage(
    page,
    page_log,
    acme_member,
    sign_in,
    fake_hubspot,  # noqa: F811 - the fixture imported above
    settings,
):
    settings.DEALLENS_CRM_CA_BUNDLE = fake_hubspot.ca_path
    settings.CRM_HUBSPOT_REQUESTS_PER_10S = settings.CRM_HUBSPOT_SEARCHES_PER_SECOND = 0
    acme_member("hal", "admin", "Hal", "Admin")
    sign_in("hal", "/settings/integrations/")
    form = page.get_by_test_id("add-connection")
    form.get_by_label("CRM").select_option("hubspot")
    form.get_by_label("Name").fill("Main portal")
    form.get_by_label("Instance URL").fill(fake_hubspot.url)
    form.get_by_label("Private app access token (HubSpot)").fill(fake_hubspot.access_token)
    page.get_by_test_id("connection-submit").click()
    expect(page).to_have_url(re.compile(r"/settings/integrations/\d+/$"))
    assert fake_hubspot.access_token not in page.content()
    page.get_by_test_id("test-connection").click()
    expect(page.get_by_text("Connected to HubSpot")).to_be_visible()

    page.get_by_test_id("sync-now").click()
    row = page.get_by_test_id("run-row").first
    expect(row.get_by_test_id("run-state")).to_have_text("Succeeded", timeout=60_000)
    run = SyncRun.objects.get()
    assert {n: run.counts[n]["created"] for n in ("companies", "contacts", "deals")} == {
        "companies": 185,
        "contacts": 701,
        "deals": 741,
    }

    # The custom pipeline's "Security review" reads as proposal by its place; the admin says
    # negotiation, and the next run moves its deals.
    page.reload()
    stages = page.get_by_test_id("stage-map")
    expect(stages.get_by_test_id("pipeline")).to_have_count(2)
    select = stages.get_by_label("Security review")
    expect(select).to_have_value("proposal")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "integrations-hubspot-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "integrations-hubspot-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 768})
    select.select_option("negotiation")
    page.get_by_test_id("stage-save").click()
    expect(page.get_by_text("Stage mapping saved")).to_be_visible()
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("run-row").first.get_by_test_id("run-state")).to_have_text(
        "Succeeded", timeout=60_000
    )
    deal_id = next(
        d
        for d in fake_hubspot.ids("deals")
        if fake_hubspot.object("deals", d).properties["dealstage"] == "1004"
    )
    deal = Deal.objects.get(external_id=deal_id)
    assert deal.stage == Stage.NEGOTIATION
    page.goto(f"/deals/{deal.pk}/")
    expect(page.get_by_text("Negotiation").first).to_be_visible()
    assert page_log.console_errors == []
    assert page_log.foreign_requests == []
