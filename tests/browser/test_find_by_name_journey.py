"""A sales lead finds a deal by name on /deals/, then opens it again from its account page, on
a laptop (1440 px) and on a phone (390 px); a product manager finds an account's conversations
by the account's name. Screenshots under /tmp/i23-find/."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import AccountFactory, ContactFactory, ConversationFactory, DealFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "i23-find"
WIDTHS = {"laptop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def book(workspace, acme_member):
    acme_member("sam", "sales", "Sam", "Carter")
    acme_member("pia", "pm", "Pia", "Moreau")
    charlotte = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    priya = ContactFactory.create(account=charlotte, first_name="Priya", last_name="Raman")
    for i in range(12):
        other = AccountFactory.create(workspace=workspace, name=f"Account {i:02d}")
        DealFactory.create(account=other, name=f"Routine renewal {i:02d}")
    deal = DealFactory.create(account=charlotte, name="Observability rollout", stage="proposal")
    call = ConversationFactory.create(account=charlotte, deal=deal, title="Scoping call")
    call.participants.add(priya)
    return {"deal": deal, "account": charlotte}


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_a_deal_is_found_by_name_and_opened_from_its_account(
    page, page_log, live_server, book, sign_in, size
):
    page.set_viewport_size(WIDTHS[size])
    sign_in("sam", "/login/?next=/deals/")
    expect(page).to_have_url(re.compile(r"/deals/$"))
    search = page.get_by_placeholder("Search deals and accounts")
    search.fill("rollout")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"q=rollout"))
    table = page.get_by_test_id("deal-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.get_by_role("link", name="Observability rollout")).to_be_visible()
    shoot(page, f"deals-search-{size}")

    page.get_by_placeholder("Search deals and accounts").fill("Zebra")
    page.get_by_placeholder("Search deals and accounts").press("Enter")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No deal matches “Zebra”")
    shoot(page, f"deals-search-empty-{size}")
    page.get_by_test_id("clear-search").click()
    expect(page.get_by_test_id("deal-table").locator("tbody tr")).to_have_count(13)

    # the account's name finds it too, and leads to the account page
    page.get_by_placeholder("Search deals and accounts").fill("charlotte")
    page.get_by_placeholder("Search deals and accounts").press("Enter")
    page.get_by_test_id("deal-table").get_by_role("link", name="Charlotte Health").click()
    expect(page.get_by_test_id("account-name")).to_have_text("Charlotte Health")
    shoot(page, f"account-{size}")
    page.get_by_test_id("account-deals").get_by_role("link", name="Observability rollout").click()
    expect(page).to_have_url(re.compile(rf"/deals/{book['deal'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Observability rollout")
    shoot(page, f"deal-from-account-{size}")

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_conversations_are_found_by_the_accounts_name(page, page_log, live_server, book, sign_in):
    page.set_viewport_size(WIDTHS["laptop"])
    sign_in("pia", "/login/?next=/conversations/")
    search = page.get_by_placeholder("Search titles, notes, accounts, people")
    search.fill("Charlotte Health")
    search.press("Enter")
    table = page.get_by_test_id("conversation-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.get_by_role("link", name="Scoping call")).to_be_visible()
    search = page.get_by_placeholder("Search titles, notes, accounts, people")
    search.fill("Priya")
    search.press("Enter")
    expect(page.get_by_test_id("conversation-table").locator("tbody tr")).to_have_count(1)
    shoot(page, "conversations-search-laptop")
    assert page_log.console_errors == []
