"""Every role on a phone (390×844) and on laptops (1200–1440 px): each page of the nav fits its
width, the nav is reachable from a "Menu" button on the phone and stays on one line on the laptop,
the deals at risk read as blocks on the phone, a 255-character title wraps, and the persona map
follows its card when the window is resized.

The workspace is the demo data set at a small scale (realistic names, wide tables, a persona map),
plus a second workspace for the admin so the switcher is a menu.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOPS = (1200, 1280, 1366, 1440)
DEMO_PASSWORD = "deallens-demo"  # demo_app/data/catalog.toml: published, not a secret
LOGINS = {"pm": "demo-pm", "sales": "demo-sales", "exec": "demo-exec", "admin": "demo-admin"}
# Pages reached from elsewhere than the nav: the board of deals at risk, the bell, the settings.
EXTRA_PAGES = ("/deals/at-risk/", "/notifications/", "/settings/alerts/")
ADMIN_PAGES = ("/settings/integrations/", "/settings/webhooks/")
LONG_TITLE = "Quarterly" + "x" * 246  # 255 characters, not one space

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
# What sticks out: the outermost elements past the window's right edge, to name in a failure.
SCROLL_WIDTH = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && !out.some((o) => o.el.contains(el))) {
      let scrolled = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (p.scrollWidth > p.clientWidth && getComputedStyle(p).overflowX !== 'visible') {
          scrolled = true;
          break;
        }
      }
      if (!scrolled) out.push({el, right: Math.round(r.right)});
    }
  }
  const name = (el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}`;
  return [document.documentElement.scrollWidth,
          ...out.slice(0, 3).map((o) => `${name(o.el)}:${o.right}`)];
}"""
HEADER = """() => {
  const bar = document.querySelector('.topbar').getBoundingClientRect();
  const nav = document.querySelector('#main-nav');
  const links = [...nav.querySelectorAll('a')].map((a) => {
    const r = a.getBoundingClientRect();
    return {text: a.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            shown: r.width > 0 && r.height > 0 && getComputedStyle(a).visibility !== 'hidden'};
  });
  const user = document.querySelector('.topbar-user').getBoundingClientRect();
  const switcher = document.querySelector('.switcher').getBoundingClientRect();
  return {height: bar.height, width: window.innerWidth, links, userLeft: user.left,
          switcherRight: switcher.right,
          navScrolls: nav.scrollWidth > nav.clientWidth + 1};
}"""


@pytest.fixture
def demo(db):
    """The demo workspace (scale 0.1: about twenty accounts) with fresh figures, a conversation
    whose title is one 255-character word, and the admin also in a second workspace."""
    from accounts_app.models import Membership
    from deals_app.models import Deal
    from demo_app.services import seed_demo
    from insights_app.services import insights_recompute
    from personas_app.models import Contact
    from tests.factories import ConversationFactory, MembershipFactory, WorkspaceFactory

    workspace = seed_demo(slug="acme", scale=0.1).workspace
    insights_recompute(workspace_id=workspace.pk, force=True)
    deal = (
        Deal.objects.filter(workspace=workspace, stage__in=("discovery", "evaluation"))
        .filter(roles__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    conversation = ConversationFactory.create(
        workspace=workspace, account=deal.account, deal=deal, title=LONG_TITLE
    )
    conversation.participants.add(*Contact.objects.filter(account=deal.account)[:1])
    admin = Membership.objects.get(workspace=workspace, user__username="demo-admin").user
    MembershipFactory.create(user=admin, workspace=WorkspaceFactory.create(name="Globex"))
    return {"workspace": workspace, "deal": deal, "conversation": conversation}


def sign_in(page, role):
    page.goto("/login/")
    page.get_by_label("Username").fill(LOGINS[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("logout")).to_be_attached()


def nav_paths(page):
    return page.eval_on_selector_all(
        "#main-nav a", "(links) => links.map((a) => new URL(a.href).pathname)"
    )


@pytest.mark.parametrize("role", ["pm", "sales", "exec", "admin"])
def test_every_role_reaches_every_page_on_a_phone_and_each_fits_its_width(
    page, page_log, live_server, demo, role
):
    page.set_viewport_size(PHONE)
    sign_in(page, role)

    # On the phone the header holds the menu button, the workspace, the bell and Sign out.
    toggle = page.get_by_test_id("nav-toggle")
    nav = page.get_by_role("navigation", name="Main")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    for testid in ("current-workspace", "notification-bell", "logout"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (testid, box)

    # The menu lists every link, all on screen; one click lands on the page, the menu closed.
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    paths = nav_paths(page)
    expected = 9 if role == "admin" else 8
    assert len(paths) == expected, paths
    for link in nav.get_by_role("link").all():
        expect(link).to_be_in_viewport()
    nav.get_by_role("link", name="Accounts").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(nav).to_be_hidden()
    # Escape closes it again, and the focus is back on the button.
    toggle.click()
    expect(nav).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()

    pages = [*paths, *EXTRA_PAGES, f"/deals/{demo['deal'].pk}/"]
    if role == "admin":
        pages += ADMIN_PAGES
    overflowing = []
    for width, height in ((PHONE["width"], PHONE["height"]), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for path in pages:
            page.goto(path)
            if not page.evaluate(FITS):
                overflowing.append((width, path, page.evaluate(SCROLL_WIDTH)))
    assert overflowing == [], overflowing

    # On laptops every link is on the one line of the bar, none hidden, for every role.
    page.goto("/deals/")
    for width in LAPTOPS:
        page.set_viewport_size({"width": width, "height": 900})
        header = page.evaluate(HEADER)
        expect(toggle).to_be_hidden()
        assert header["height"] <= 57, (width, header["height"])
        assert not header["navScrolls"], width
        for link in header["links"]:
            assert link["shown"], (width, link)
            assert link["left"] >= header["switcherRight"], (width, link)
            assert link["right"] <= header["userLeft"], (width, link)
            assert link["top"] >= 0 and link["bottom"] <= header["height"], (width, link)
        assert page.evaluate(FITS), width

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_deals_at_risk_read_as_blocks_on_a_phone(page, page_log, live_server, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, "sales")
    page.goto("/deals/at-risk/?scope=all")
    rows = page.locator(".risk-table tbody tr")
    assert rows.count() > 0
    first = rows.first
    name = first.locator("td").first
    name_box, row_box = name.bounding_box(), first.bounding_box()
    # The deal's name spans the block, not one letter of a squeezed column.
    assert name_box["width"] >= 0.8 * row_box["width"], (name_box, row_box)
    link = name.get_by_role("link")
    assert link.bounding_box()["height"] < 3 * 22, link.bounding_box()
    # Each line says what it is (the labels come from CSS, so they are read out too).
    expect(first.get_by_role("cell", name=re.compile(r"^What to do:"))).to_have_count(1)
    expect(first.get_by_role("cell", name=re.compile(r"^Close date:"))).to_have_count(1)
    assert page.evaluate(FITS)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 250 * (rows.count() + 4), height  # a block of a few lines per deal
    assert page_log.console_errors == []


def test_a_title_of_one_255_character_word_wraps_on_a_phone(page, page_log, live_server, demo):
    conversation, deal = demo["conversation"], demo["deal"]
    page.set_viewport_size(PHONE)
    sign_in(page, "pm")
    for path in (
        f"/conversations/{conversation.pk}/",
        "/conversations/",
        f"/deals/{deal.pk}/",
        f"/accounts/{deal.account_id}/",
    ):
        page.goto(path)
        assert page.evaluate(FITS), (path, page.evaluate(SCROLL_WIDTH))
    page.goto(f"/conversations/{conversation.pk}/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Quarterly")
    box = heading.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page_log.console_errors == []


INSIDE = """() => {
  const map = document.querySelector('#persona-map');
  const card = map.closest('.card').getBoundingClientRect();
  const svg = map.querySelector('.main-svg').getBoundingClientRect();
  return {card: {left: card.left, right: card.right, width: card.width},
          svg: {left: svg.left, right: svg.right, width: svg.width}};
}"""


def map_fits(page):
    page.wait_for_timeout(400)  # the observer re-lays the plot out on the next frame
    box = page.evaluate(INSIDE)
    card, svg = box["card"], box["svg"]
    assert svg["left"] >= card["left"] - 1 and svg["right"] <= card["right"] + 1, box
    assert svg["width"] >= card["width"] - 40, box  # follows the card: no 320-px leftover
    return box


def test_the_persona_map_follows_its_card_through_resizes_and_rotation(
    page, page_log, live_server, demo
):
    sign_in(page, "sales")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"/deals/{demo['deal'].pk}/")
    expect(page.locator("#persona-map.js-plotly-plot")).to_be_visible(timeout=20_000)
    wide = map_fits(page)
    for width, height in ((1200, 900), (1440, 900), (390, 844), (844, 390), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        map_fits(page)
        assert page.evaluate(FITS), width
    page.set_viewport_size({"width": 1440, "height": 900})
    assert abs(map_fits(page)["svg"]["width"] - wide["svg"]["width"]) <= 2
    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_the_menu_works_by_keyboard_and_without_a_mouse(page, page_log, live_server, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, "exec")
    toggle = page.get_by_test_id("nav-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("a:focus")).to_have_count(1)  # focus moves into the list
    nav.get_by_role("link", name="Deals").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/deals/$"))
    assert page_log.console_errors == []
