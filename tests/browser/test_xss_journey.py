"""Stored scripts never run (PRODUCT.md §10).

A member stores script payloads where users type text: conversation notes (Markdown), an
account's name and industry, a deal's name and a contact's name. Opening the conversation, the
deal, the account and the dashboard in a real browser, nothing runs: no alert dialog ever
opens, no console error (a blocked inline script or a failed injected image would log one),
every page carries a Content-Security-Policy whose script-src has no 'unsafe-inline', the DOM
holds no javascript: link and no inline event handler, and the payloads show as text.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    DealRoleFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # UserFactory's password
SCRIPT = "<script>alert('xss-script')</script>"
IMAGE = '<img src=x onerror=alert("xss-img")>'
LINK = "[x](javascript:alert('xss-link'))"
ALL = f"{SCRIPT} {IMAGE} {LINK}"

# What the DOM must not hold: javascript: URLs anywhere, inline handlers, injected scripts
# (json_script data blocks are not run, and escape their payload anyway).
INSPECT_DOM = """() => {
  const all = Array.from(document.querySelectorAll('*'));
  const jsUrls = all.flatMap((el) => Array.from(el.attributes)
    .filter((a) => /^\\s*javascript:/i.test(a.value))
    .map((a) => `${el.tagName}.${a.name}`));
  const handlers = all.flatMap((el) => Array.from(el.attributes)
    .filter((a) => /^on/i.test(a.name))
    .map((a) => `${el.tagName}.${a.name}`));
  const scripts = Array.from(document.scripts)
    .filter((s) => !s.src && (!s.type || /javascript|module/i.test(s.type)))
    .filter((s) => /alert|xss/.test(s.textContent))
    .map((s) => s.textContent.slice(0, 80));
  const images = Array.from(document.images).filter((i) => i.getAttribute('src') === 'x').length;
  return {jsUrls, handlers, scripts, images, text: document.body.innerText};
}"""


@pytest.fixture
def poisoned():
    workspace = WorkspaceFactory.create(name="Acme Observability", slug="acme")
    user = UserFactory.create(username="mallory")
    MembershipFactory.create(user=user, workspace=workspace, role="admin")
    account = AccountFactory.create(
        workspace=workspace, name=f"Initech {SCRIPT} {IMAGE}", industry=f"Fin {IMAGE}"
    )
    contact = ContactFactory.create(account=account, first_name=SCRIPT, last_name=IMAGE)
    deal = DealFactory.create(
        account=account,
        name=f"Deal {SCRIPT} {IMAGE}",
        amount=Decimal("120000"),
        stage="closed_won",
    )
    DealFactory.create(account=account, name=f"Lost {IMAGE}", stage="closed_lost")
    DealRoleFactory.create(deal=deal, contact=contact, role="champion")
    conversation = ConversationFactory.create(
        account=account,
        deal=deal,
        logged_by=user,
        title=f"Call {SCRIPT}",
        notes=f"Notes {ALL}\n\n[safe](https://example.com/) and {LINK}",
    )
    conversation.participants.add(contact)
    insights_recompute(workspace_id=workspace.pk, force=True)
    return {"account": account, "deal": deal, "conversation": conversation}


def test_stored_scripts_do_not_run_on_any_page(page, page_log, live_server, poisoned):
    page.set_default_timeout(30_000)  # plotly.js is large and the CI machine is small
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/login/")
    page.get_by_label("Username").fill("mallory")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/settings/"))

    pages = {
        "conversation": f"/conversations/{poisoned['conversation'].pk}/",
        "deal": f"/deals/{poisoned['deal'].pk}/",
        "account": f"/accounts/{poisoned['account'].pk}/",
        "dashboard": "/dashboard/",
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, (name, response.status)
        page.wait_for_load_state("networkidle")

        policy = response.headers.get("content-security-policy", "")
        script_src = re.search(r"script-src ([^;]*)", policy)
        assert script_src, (name, policy)
        assert "unsafe-inline" not in script_src.group(1), (name, policy)
        assert "unsafe-eval" not in script_src.group(1), (name, policy)

        dom = page.evaluate(INSPECT_DOM)
        assert dom["jsUrls"] == [], (name, dom["jsUrls"])
        assert dom["handlers"] == [], (name, dom["handlers"])
        assert dom["scripts"] == [], (name, dom["scripts"])
        assert dom["images"] == 0, name
        # The payloads are shown, as text (so the page did render what was stored).
        assert "<img src=x" in dom["text"] or "<script>" in dom["text"], name

    # The Markdown link survives as text or a harmless element; the https one stays a link.
    page.goto(pages["conversation"])
    expect(page.locator('a[href="https://example.com/"]')).to_have_count(1)

    assert dialogs == [], dialogs
    assert page_log.console_errors == [], page_log.console_errors
    assert page_log.foreign_requests == []
