"""A product manager logs a conversation in under a minute, keyboard only, on a laptop (1440 px)
and on a phone (390 px): the form stacks on the phone, pains are suggested from the workspace's
tags and reuse them, Enter walks the inline rows and adds one, Ctrl+Enter saves, the page says
"Conversation saved.", an account DealLens does not know yet is created from the form, and a
long unbroken title wraps. Screenshots: /tmp/i23-demo/."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts_app.models import Account
from deals_app.models import ActionItem, Conversation, Tag
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    TagFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "i23-demo"
LONG_TITLE = "Q" * 255


@pytest.fixture
def pm_world(workspace, acme_member):
    user = acme_member("pat", "pm", "Pat", "Morgan")
    account = AccountFactory.create(workspace=workspace, name="Initech")
    ContactFactory.create(account=account, first_name="Ann", last_name="Lee", title="CIO")
    DealFactory.create(account=account, name="Initech platform")
    patching = TagFactory.create(workspace=workspace, name="Manual patching", kind="pain")
    ConversationFactory.create(account=account, title="Earlier call").tags.add(patching)
    return user


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def wait_for_the_form_script(page):
    """The form's deferred script has run (it shows the "Add a row" buttons and hides the
    no-JavaScript "Load contacts" button, which would otherwise take the first Tab)."""
    expect(page.locator("[data-add-row=actions]")).to_be_visible()


def field_box(page, selector):
    return page.locator(selector).bounding_box()


@pytest.mark.parametrize("width", [1440, 390])
def test_a_conversation_is_logged_by_keyboard_at_both_widths(
    page, page_log, live_server, sign_in, pm_world, width
):
    page.set_viewport_size({"width": width, "height": 900 if width > 800 else 844})
    sign_in("pat", "/conversations/new/", press_enter=True)
    expect(page.get_by_role("heading", name="Log a conversation")).to_be_visible()
    wait_for_the_form_script(page)
    assert overflow(page) <= 0
    if width == 390:
        # Stacked: one field per line, each select as wide as the form (nothing cut to "No").
        deal, date, kind = (field_box(page, s) for s in ("#id_deal", "#id_occurred_on", "#id_kind"))
        assert deal["y"] < date["y"] < kind["y"]
        assert deal["width"] > 300 and kind["width"] > 300
        assert date["x"] + date["width"] <= width
    shot(page, f"log-form-{width}.png")

    # Account first (it has focus), then Tab: "or new account", the deal, the date, the title.
    expect(page.locator("#id_account")).to_be_focused()
    page.keyboard.type("Initech")
    expect(page.locator("[data-account-status]")).to_contain_text("1 contact, 1 deal")
    page.keyboard.press("Tab")
    expect(page.locator("#id_new_account_name")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_deal")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_occurred_on")).to_be_focused()
    page.locator("#id_title").focus()
    title = LONG_TITLE if width == 390 else "Patching pain at Initech"
    page.keyboard.type(title)

    # Pains: the workspace's tags are suggested, also for the name after a comma.
    page.locator("#id_pains").focus()
    page.keyboard.type("Slow releases, man")
    options = page.locator("#tag-options-pain option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "Slow releases, Manual patching"
    page.keyboard.type("ual patching")  # typed in lower case: the existing tag is reused

    # Action items: Enter walks the row, then on to the next row, then adds a third.
    page.locator("#id_actions-0-text").focus()
    page.keyboard.type("Send the patching guide")
    for expected in ("#id_actions-0-owner", "#id_actions-0-due_on", "#id_actions-0-done"):
        page.keyboard.press("Enter")
        expect(page.locator(expected)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_actions-1-text")).to_be_focused()
    page.keyboard.type("Book a follow-up")
    for _ in range(4):
        page.keyboard.press("Enter")
    expect(page.locator("#id_actions-2-text")).to_be_focused()  # a row was added
    expect(page.get_by_test_id("rows-actions").locator(".row-form")).to_have_count(3)
    assert page.url.endswith("/conversations/new/")  # Enter in a row never submitted the form
    if width == 1440:
        expect(page.get_by_test_id("keyboard-help")).to_be_visible()
    shot(page, f"log-form-filled-{width}.png")

    # Ctrl+Enter saves from wherever the cursor is.
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Conversation saved.")).to_be_visible()
    expect(page.get_by_test_id("conversation-title")).to_have_text(title)
    expect(page.get_by_test_id("tag-list")).to_contain_text("Manual patching")
    assert overflow(page) <= 0  # the 255-character title wraps at 390 px
    shot(page, f"conversation-saved-{width}.png")

    conversation = Conversation.objects.get(title=title)
    assert sorted(t.name for t in conversation.tags.all()) == ["Manual patching", "Slow releases"]
    assert Tag.objects.filter(name__iexact="manual patching").count() == 1
    assert ActionItem.objects.filter(conversation=conversation).count() == 2
    assert page_log.console_errors == [] and page_log.foreign_requests == []


def test_an_account_not_in_deallens_yet_is_created_from_the_phone(
    page, page_log, live_server, sign_in, pm_world
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("pat", "/conversations/new/", press_enter=True)
    wait_for_the_form_script(page)
    expect(page.locator("#id_account")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_new_account_name")).to_be_focused()
    page.keyboard.type("Umbrella Corp")
    page.locator("#id_title").focus()
    page.keyboard.type("First call with Umbrella")
    page.locator("#id_new_contact_name").focus()
    page.keyboard.type("Ada Wong")
    page.keyboard.press("Control+Enter")

    expect(page.get_by_text("Conversation saved.")).to_be_visible()
    expect(page.get_by_test_id("account-link")).to_have_text("Umbrella Corp")
    expect(page.get_by_test_id("participant-list")).to_contain_text("Ada Wong")
    assert Account.objects.filter(name="Umbrella Corp").count() == 1
    assert overflow(page) <= 0
    shot(page, "new-account-saved-390.png")
    assert page_log.console_errors == [] and page_log.foreign_requests == []
