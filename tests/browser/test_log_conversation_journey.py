"""A product manager logs a conversation with the keyboard only, then finds it by search.

Two participants, a new tag, an action item, an evidence row and a feature mention; a form
error keeps everything typed. No console errors, no request to another host.
"""

import re

import pytest
from playwright.sync_api import expect

from deals_app.models import Conversation
from tests.factories import (
    AccountFactory,
    AssumptionFactory,
    ContactFactory,
    DealFactory,
    FeatureRequestFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # UserFactory's password


@pytest.fixture
def pm_with_data():
    workspace = WorkspaceFactory.create(name="Acme Observability", slug="acme")
    user = UserFactory.create(username="pat", first_name="Pat", last_name="Morgan")
    MembershipFactory.create(user=user, workspace=workspace, role="pm")
    account = AccountFactory.create(workspace=workspace, name="Initech")
    AccountFactory.create(workspace=workspace, name="Initrode")
    ContactFactory.create(account=account, first_name="Ann", last_name="Lee", title="CIO")
    ContactFactory.create(account=account, first_name="Raj", last_name="Patel", title="SRE")
    ContactFactory.create(account=account, first_name="Zoe", last_name="Kim", title="Buyer")
    DealFactory.create(account=account, name="Initech platform")
    AssumptionFactory.create(workspace=workspace, statement="VM teams reject agents.")
    FeatureRequestFactory.create(workspace=workspace, title="SAML SSO")
    return user


def sign_in(page, next_url):
    page.goto(next_url)
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")


def type_into(page, selector, text):
    page.locator(selector).focus()
    page.keyboard.type(text)


def choose(page, selector, label):
    """Pick an option of a <select> from the keyboard: focus it and type the option's text."""
    page.locator(selector).focus()
    page.keyboard.type(label)


def test_pm_logs_a_conversation_by_keyboard_and_finds_it(page, page_log, live_server, pm_with_data):
    sign_in(page, "/conversations/new/")
    expect(page.get_by_role("heading", name="Log a conversation")).to_be_visible()

    # The account field has focus on arrival; the type-ahead offers matches as you type.
    expect(page.locator("#id_account")).to_be_focused()
    page.keyboard.type("Initech")
    expect(page.locator("[data-account-status]")).to_contain_text("3 contacts, 1 deal")
    expect(page.locator("#account-options option")).to_have_count(1)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the deal select (the no-JS button is hidden)
    choose(page, "#id_deal", "Initech platform")

    type_into(page, "#id_title", "Discovery with Initech ops")
    choose(page, "#id_kind", "Discovery")
    for name in ("Ann Lee", "Raj Patel"):
        page.get_by_label(re.compile(name)).focus()
        page.keyboard.press("Space")
    type_into(page, "#id_new_contact_name", "Bo Diaz")
    type_into(page, "#id_new_contact_title", "Head of platform")
    type_into(page, "#id_notes", "They page **three** teams for every incident.")
    type_into(page, "#id_pains", "Pager overload")
    type_into(page, "#id_duration_minutes", "30")

    rows = page.get_by_test_id("rows-actions")
    rows.get_by_label("Action item").first.focus()
    page.keyboard.type("Send the migration guide")
    choose(page, "#id_actions-0-owner", "Pat")

    choose(page, "#id_evidence-0-assumption", "VM teams")
    choose(page, "#id_evidence-0-verdict", "Contradicts")
    page.locator("#id_evidence-0-quote").focus()
    page.keyboard.type("We run agents on every VM.")

    choose(page, "#id_mentions-0-feature", "SAML")
    choose(page, "#id_mentions-0-importance", "Deal")
    page.locator("#id_mentions-0-quote").focus()
    page.keyboard.type("No SSO, no deal.")

    page.get_by_test_id("save-conversation").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("conversation-title")).to_have_text("Discovery with Initech ops")
    expect(page.get_by_test_id("participant-list")).to_contain_text("Ann Lee")
    expect(page.get_by_test_id("participant-list")).to_contain_text("Raj Patel")
    expect(page.get_by_test_id("participant-list")).to_contain_text("Bo Diaz")
    expect(page.get_by_test_id("tag-list")).to_contain_text("Pager overload")
    expect(page.get_by_test_id("action-item-list")).to_contain_text("Send the migration guide")
    expect(page.get_by_test_id("evidence-list")).to_contain_text("We run agents on every VM.")
    expect(page.get_by_test_id("mention-list")).to_contain_text("SAML SSO")
    expect(page.get_by_test_id("mention-list")).to_contain_text("Deal blocker")
    expect(page.get_by_test_id("conversation-notes").locator("strong")).to_have_text("three")
    expect(page.get_by_test_id("deal-link")).to_have_text("Initech platform")

    conversation = Conversation.objects.get()
    assert conversation.participants.count() == 3

    # Find it again from the timeline by searching.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Conversations").focus()
    page.keyboard.press("Enter")
    search = page.get_by_placeholder("Search titles, notes, accounts, people")
    search.focus()
    page.keyboard.type("Initech ops")
    page.keyboard.press("Enter")
    table = page.get_by_test_id("conversation-table")
    expect(table.get_by_role("link", name="Discovery with Initech ops")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(1)

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_a_form_error_keeps_what_was_typed(page, page_log, live_server, pm_with_data):
    sign_in(page, "/conversations/new/")
    expect(page.locator("#id_account")).to_be_focused()
    page.keyboard.type("Nobody Inc")
    type_into(page, "#id_title", "Call I must not lose")
    type_into(page, "#id_notes", "Long notes typed by hand.")
    type_into(page, "#id_pains", "Slow releases")
    page.locator("#id_actions-0-text").focus()
    page.keyboard.type("Follow up next week")
    page.get_by_test_id("save-conversation").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("form-errors")).to_contain_text("Nothing was saved yet")
    expect(page.get_by_text("No account here is named “Nobody Inc”")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Call I must not lose")
    expect(page.locator("#id_notes")).to_have_value("Long notes typed by hand.")
    expect(page.locator("#id_pains")).to_have_value("Slow releases")
    expect(page.locator("#id_actions-0-text")).to_have_value("Follow up next week")

    # Fix the account and save: the rest was kept.
    account = page.locator("#id_account")
    account.fill("")
    account.focus()
    page.keyboard.type("Initech")
    expect(page.locator("[data-account-status]")).to_contain_text("3 contacts")
    page.get_by_test_id("save-conversation").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("conversation-title")).to_have_text("Call I must not lose")
    expect(page.get_by_test_id("action-item-list")).to_contain_text("Follow up next week")

    # The invalid submission answered 400 (Chromium logs that); nothing else went wrong.
    bad_request = "the server responded with a status of 400 (Bad Request)"
    assert [e for e in page_log.console_errors if bad_request in e] != []
    assert [e for e in page_log.console_errors if bad_request not in e] == []
    assert page_log.foreign_requests == []
