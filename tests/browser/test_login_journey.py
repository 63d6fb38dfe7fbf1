"""A product manager signs in, reads the conversation log, switches workspace and signs out."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ConversationFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # UserFactory's password


@pytest.fixture
def pm_in_two_workspaces():
    acme = WorkspaceFactory.create(name="Acme Observability", slug="acme")
    globex = WorkspaceFactory.create(name="Globex", slug="globex")
    user = UserFactory.create(username="pat", first_name="Pat", last_name="Morgan")
    MembershipFactory.create(user=user, workspace=acme, role="pm")
    MembershipFactory.create(user=user, workspace=globex, role="pm")
    ConversationFactory.create(
        account__workspace=acme, account__name="Initech", title="Initech discovery call"
    )
    ConversationFactory.create(
        account__workspace=globex,
        account__name="Umbrella",
        title="Umbrella renewal QBR",
        kind="qbr",
    )
    return user


def test_pm_signs_in_switches_workspace_and_signs_out(
    page, page_log, live_server, pm_in_two_workspaces
):
    page.goto("/conversations/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/conversations/$"))
    expect(page.get_by_role("heading", name="Sign in to your workspace")).to_be_visible()

    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/conversations/")
    expect(page.get_by_role("heading", name="Conversations", exact=True)).to_be_visible()
    expect(page.get_by_test_id("current-workspace")).to_have_text("Acme Observability")
    expect(page.get_by_test_id("user-name")).to_have_text("Pat Morgan")
    table = page.get_by_test_id("conversation-table")
    expect(table).to_contain_text("Initech discovery call")
    expect(table).not_to_contain_text("Umbrella renewal QBR")

    page.get_by_test_id("workspace-switcher").locator("summary").click()
    page.get_by_role("menuitem", name=re.compile("^Globex")).click()

    expect(page).to_have_url(f"{live_server.url}/pm/")  # the role's landing page
    expect(page.get_by_test_id("current-workspace")).to_have_text("Globex")
    expect(page.get_by_text("Switched to Globex.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Conversations").click()
    table = page.get_by_test_id("conversation-table")
    expect(table).to_contain_text("Umbrella renewal QBR")
    expect(table).not_to_contain_text("Initech discovery call")

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/conversations/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/conversations/$"))

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []
