"""A product manager's day in the browser: land on "My work" and tick an action item done
inline, preview Markdown notes (rendered and sanitised) while logging a conversation, and add
an assumption from the board. The tick also works without JavaScript. No console errors (but
the one Chromium logs for the deliberate 400 of an invalid form), no request to another host.
"""

import re

import pytest
from playwright.sync_api import expect

from deals_app.models import ActionItem
from insights_app.models import Assumption
from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    ActionItemFactory,
    AssumptionFactory,
    ConversationFactory,
    EvidenceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # UserFactory's password
BAD_REQUEST = "the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def pm_day(workspace, acme_member):
    pat = acme_member("pat", "pm", "Pat", "Morgan")
    account = AccountFactory.create(workspace=workspace, name="Initech")
    call = ConversationFactory.create(
        account=account, logged_by=pat, title="Initech discovery call"
    )
    ActionItemFactory.create(conversation=call, owner=pat, text="Send the migration guide")
    ActionItemFactory.create(conversation=call, owner=pat, text="Book the security review")
    tested = AssumptionFactory.create(workspace=workspace, statement="VM teams reject agents.")
    EvidenceFactory.create(assumption=tested, conversation=call, quote="No agents on our VMs.")
    AssumptionFactory.create(workspace=workspace, statement="Buyers ask for SSO first.")
    insights_recompute(workspace_id=workspace.pk, force=True)
    return workspace


def sign_in(page, next_url="/"):
    page.goto(next_url)
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")


def unexpected(errors: list[str]) -> list[str]:
    return [e for e in errors if BAD_REQUEST not in e]


def test_pm_ticks_an_action_item_done_on_my_work(page, page_log, live_server, pm_day):
    sign_in(page)
    expect(page).to_have_url(f"{live_server.url}/pm/")
    expect(page.get_by_role("heading", name="My work", exact=True)).to_be_visible()
    expect(page.get_by_test_id("my-conversations")).to_contain_text("Initech discovery call")
    expect(page.get_by_test_id("untested-assumptions")).to_contain_text("Buyers ask for SSO first.")
    expect(page.get_by_test_id("untested-assumptions")).not_to_contain_text("VM teams")
    expect(page.get_by_test_id("action-item-count")).to_have_text("2")

    page.get_by_role("button", name="Mark done: Send the migration guide").click()
    row = page.get_by_test_id("my-action-item").filter(has_text="Send the migration guide")
    expect(row).to_have_class(re.compile(r"\bis-done\b"))
    expect(row.get_by_role("status")).to_have_text("Done")
    expect(page.get_by_test_id("action-item-count")).to_have_text("1")
    expect(page).to_have_url(f"{live_server.url}/pm/")  # no page load: htmx swapped the row
    assert ActionItem.objects.get(text="Send the migration guide").done

    # Undo, then tick again; after a reload only the other item is open.
    row.get_by_role("button", name="Mark not done: Send the migration guide").click()
    expect(row).not_to_have_class(re.compile(r"\bis-done\b"))
    expect(page.get_by_test_id("action-item-count")).to_have_text("2")
    row.get_by_role("button", name="Mark done: Send the migration guide").click()
    expect(row).to_have_class(re.compile(r"\bis-done\b"))
    page.reload()
    expect(page.get_by_test_id("my-action-items")).not_to_contain_text("Send the migration")
    expect(page.get_by_test_id("my-action-items")).to_contain_text("Book the security review")

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_the_tick_works_without_javascript(browser, live_server, pm_day):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page)
        page.get_by_role("button", name="Mark done: Book the security review").click()
        expect(page).to_have_url(f"{live_server.url}/pm/")
        expect(page.get_by_text("Done: Book the security review")).to_be_visible()
        expect(page.get_by_test_id("my-action-items")).not_to_contain_text("Book the security")
        assert ActionItem.objects.get(text="Book the security review").done
    finally:
        context.close()


def test_the_notes_preview_shows_rendered_sanitised_html(page, page_log, live_server, pm_day):
    sign_in(page, "/conversations/new/")
    expect(page.get_by_role("heading", name="Log a conversation")).to_be_visible()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator("#id_notes").fill(
        "They page **three** teams.\n\n- alert fatigue\n- tool sprawl\n\n"
        "<script>alert('x')</script>\n\n<img src=x onerror=\"alert('y')\"> "
        "[bad](javascript:alert('z')) [docs](https://example.com/docs)"
    )
    page.get_by_test_id("preview-notes").click()
    preview = page.get_by_test_id("notes-preview")
    expect(preview.locator("strong")).to_have_text("three")
    expect(preview.locator("li")).to_have_text(["alert fatigue", "tool sprawl"])
    expect(preview.get_by_role("link", name="docs")).to_have_attribute(
        "href", "https://example.com/docs"
    )
    assert preview.locator("script, img, [onerror]").count() == 0
    assert "javascript:" not in preview.inner_html()
    expect(page).to_have_url(f"{live_server.url}/conversations/new/")  # still the same form
    expect(page.locator("#id_notes")).to_have_value(re.compile(r"^They page \*\*three\*\*"))

    # Editing and previewing again replaces the preview.
    page.locator("#id_notes").fill("Now *emphasis*.")
    page.get_by_test_id("preview-notes").click()
    expect(preview.locator("em")).to_have_text("emphasis")
    expect(preview.locator("strong")).to_have_count(0)

    assert dialogs == []
    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_pm_creates_an_assumption_from_the_board(page, page_log, live_server, pm_day):
    sign_in(page, "/assumptions/")
    expect(page.get_by_test_id("assumption-board")).to_contain_text("VM teams reject agents.")
    page.get_by_test_id("new-assumption").click()
    expect(page.get_by_role("heading", name="New assumption")).to_be_visible()

    # A mistake first: the area typed is kept and the statement is asked for.
    page.get_by_label("Area").fill("Pricing")
    page.get_by_test_id("save-assumption").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Nothing was saved yet")
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_label("Area")).to_have_value("Pricing")

    page.get_by_label("Statement").fill("CFOs approve tools that pay back within a year.")
    page.get_by_test_id("save-assumption").click()
    expect(page.get_by_test_id("assumption-statement")).to_have_text(
        "CFOs approve tools that pay back within a year."
    )
    expect(page.get_by_test_id("assumption-status")).to_have_text("Untested")
    expect(page.get_by_text("Assumption added.")).to_be_visible()
    created = Assumption.objects.get(statement="CFOs approve tools that pay back within a year.")
    assert created.area == "Pricing"

    # It is on the board at once, pending its figures; its edit link leads to the form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assumptions").click()
    board = page.get_by_test_id("assumption-board")
    line = board.locator("tr").filter(has_text="CFOs approve tools")
    expect(line).to_contain_text("Pending")
    line.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Statement").fill("CFOs approve tools that pay back within 12 months.")
    page.get_by_test_id("save-assumption").click()
    expect(page.get_by_test_id("assumption-statement")).to_have_text(
        "CFOs approve tools that pay back within 12 months."
    )

    assert unexpected(page_log.console_errors) == []
    assert page_log.foreign_requests == []
