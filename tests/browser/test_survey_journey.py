"""A PM sends the win/loss survey of a lost deal from its page (the e-mail goes through a real
SMTP server), the buyer answers on a phone (390×844) in well under a minute, and the
dashboard's competitor count, response rate and reason mismatch change after a recompute."""

import re
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from deals_app.models import Conversation, Deal, DealRole
from insights_app.services import insights_recompute
from surveys_app.models import Survey
from tests.factories import AccountFactory, ContactFactory, DealFactory, DealRoleFactory
from tests.surveys_app.smtp_support import smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def lost_deal(workspace, acme_member):
    caches["throttle"].clear()
    acme_member("pia", "pm", "Pia", "Park")
    account = AccountFactory.create(workspace=workspace, name="Initech", industry="Fintech")
    deal = DealFactory.create(
        account=account, name="Initech observability", stage="closed_lost", loss_reason="price"
    )
    buyer = ContactFactory.create(
        account=account, first_name="Bea", last_name="Buyer", email="bea@initech.example"
    )
    ContactFactory.create(account=account, first_name="Nora", last_name="Nomail", email="")
    DealRoleFactory.create(deal=deal, contact=buyer, role=DealRole.Role.ECONOMIC_BUYER)
    return deal


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as mailbox:
        yield mailbox


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"survey-{name}.png"), full_page=True)


def test_a_pm_sends_the_survey_and_the_buyer_answers_on_a_phone(
    page, page_log, browser, live_server, lost_deal, sign_in, smtp, settings, workspace
):
    settings.DEALLENS_BASE_URL = live_server.url
    insights_recompute(workspace_id=workspace.pk, force=True)

    sign_in("pia", f"/deals/{lost_deal.pk}/")
    expect(page.get_by_role("heading", name="Initech observability")).to_be_visible()
    page.get_by_test_id("survey-link").click()
    expect(page).to_have_url(f"{live_server.url}/deals/{lost_deal.pk}/survey/")
    picker = page.get_by_test_id("survey-send-form")
    expect(picker).to_contain_text("Economic buyer")
    expect(picker).to_contain_text("no e-mail address")
    page.get_by_test_id("survey-preview").click()
    expect(page.get_by_test_id("survey-preview-mail")).to_contain_text("Hello Bea")
    page.set_viewport_size(DESKTOP)
    _shot(page, "deal-page-1440")
    page.set_viewport_size(PHONE)
    assert page.evaluate(NO_OVERFLOW)
    _shot(page, "deal-page-390")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("survey-send-button").click()
    expect(page.locator(".messages")).to_contain_text("1 survey sent.")
    expect(page.get_by_test_id("survey-state")).to_have_text("sent")

    _shot(page, "deal-page-sent-1440")

    # Before the answer: one survey sent, none answered; no competitor, no stated reason.
    insights_recompute(workspace_id=workspace.pk, force=True)
    page.goto("/dashboard/?dimension=industry")
    before = page.locator('tr[data-segment="Fintech"]')
    expect(before.get_by_test_id("survey-response")).to_have_text("0%")
    expect(before.get_by_test_id("competitors")).to_have_text("—")
    expect(before.locator("td").nth(-3)).to_have_text("—")  # reason mismatch: nothing stated

    for _ in range(50):  # delivered after commit, through the SMTP server
        if smtp.messages:
            break
        time.sleep(0.1)
    assert len(smtp.messages) == 1
    link = re.search(r"https?://\S+/s/\S+/", smtp.text(smtp.messages[0])).group(0)
    assert link.startswith(live_server.url)

    # The buyer, on a phone, with no DealLens session.
    phone = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True)
    buyer = phone.new_page()
    errors = []
    buyer.on("pageerror", lambda error: errors.append(str(error)))
    started = time.monotonic()
    buyer.goto(link)
    expect(buyer.get_by_test_id("survey-from")).to_have_text("Acme Observability")
    expect(buyer.get_by_test_id("survey-deal")).to_have_text("Initech observability")
    expect(buyer.locator(".topbar")).to_have_count(0)
    assert buyer.evaluate(NO_OVERFLOW)
    competitor = buyer.get_by_label("Which product?")
    expect(competitor).to_be_hidden()  # until "another vendor" is chosen (survey.js)
    _shot(buyer, "public-390")
    buyer.get_by_text("Another product suited us better").click()
    buyer.get_by_text("Another vendor's product").click()
    expect(competitor).to_be_visible()
    competitor.fill("Globex")
    buyer.get_by_label("What would have changed your decision?").fill("Kubernetes support.")
    buyer.locator("label.fit", has_text="2").click()
    buyer.get_by_text("A short follow-up call would be fine").click()
    assert buyer.evaluate(NO_OVERFLOW)
    buyer.get_by_test_id("survey-submit").click()
    expect(buyer.get_by_test_id("survey-thanks")).to_contain_text("Thank you")
    assert time.monotonic() - started < 60
    _shot(buyer, "public-thanks-390")
    # The link is used now.
    response = buyer.goto(link)
    assert response.status == 404
    expect(buyer.get_by_test_id("survey-closed")).to_contain_text("This link has been used")
    phone.close()
    assert errors == []

    # Desktop view of a fresh link (a second contact) for the wide screenshot.
    survey = Survey.objects.get()
    assert survey.state == "answered" and survey.competitor == "Globex"
    conversation = Conversation.objects.get(pk=survey.conversation_id)
    assert conversation.stated_reason == "competitor"
    assert Deal.objects.get(pk=lost_deal.pk).loss_reason == "price"

    # The dashboard: mismatch 100 %, response rate 100 %, Globex named once.
    insights_recompute(workspace_id=workspace.pk, force=True)
    page.goto("/dashboard/?dimension=industry")
    row = page.locator('tr[data-segment="Fintech"]')
    expect(row.get_by_test_id("survey-response")).to_have_text("100%")
    expect(row.get_by_test_id("competitors")).to_have_text("Globex 1")
    expect(row.locator("td").nth(-3)).to_have_text("100%")  # buyer: competitor; rep: price
    _shot(page, "dashboard-after-1440")
    page.goto(f"/deals/{lost_deal.pk}/survey/")
    expect(page.get_by_test_id("survey-state")).to_have_text("answered")
    expect(page.get_by_test_id("survey-table")).to_contain_text("Another product suited us")
    _shot(page, "deal-page-answered-1440")
    assert page_log.foreign_requests == []
    assert [e for e in page_log.console_errors if "favicon" not in e] == []


def test_the_public_page_at_desktop_width(browser, live_server, lost_deal):
    from tests.factories import SurveyFactory

    buyer = lost_deal.roles.get().contact
    SurveyFactory.create(deal=lost_deal, contact=buyer, raw_token="d" * 43)
    for viewport, name in ((DESKTOP, "public-1440"), (PHONE, "public-form-390")):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        page = context.new_page()
        page.goto(f"/s/{'d' * 43}/")
        expect(page.get_by_test_id("survey-form")).to_be_visible()
        assert page.evaluate(NO_OVERFLOW)
        _shot(page, name)
        made_up = page.goto("/s/not-a-real-token/")
        assert made_up.status == 404
        expect(page.get_by_test_id("survey-closed")).to_contain_text("not valid")
        if name == "public-1440":
            _shot(page, "public-invalid-1440")
        context.close()
