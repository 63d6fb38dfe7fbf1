"""Shared Playwright fixtures: the system chromium, headless, against pytest-django's live_server.

Chromium must never reach the internet: every request to a host other than the live server is
aborted and recorded, and a journey asserts there were none (and no console errors).
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told that this is safe (the test, not the loop, owns the database connection).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@dataclass
class PageLog:
    """What a page did that a journey should not: console errors and requests to other hosts."""

    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`."
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_log():
    return PageLog()


@pytest.fixture
def page(request, browser, live_server, page_log):
    """A fresh browser context (no cookies) at 1366×768, confined to the live server."""
    allowed = urlsplit(live_server.url).netloc
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(10_000)

    def confine(route):
        url = route.request.url
        if urlsplit(url).netloc == allowed or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            page_log.foreign_requests.append(url)
            route.abort()

    context.route("**/*", confine)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: page_log.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: page_log.console_errors.append(str(error)))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


# The people of the journeys: workspace "acme" (tests/conftest.py ``workspace``) and its members.

PASSWORD = "correct-horse-battery"  # UserFactory's password


@pytest.fixture
def acme_member(workspace):
    """acme_member(username, role, first_name="", last_name="") -> a member of the "acme"
    workspace who signs in with UserFactory's password."""
    from tests.factories import MembershipFactory, UserFactory

    def make(username, role, first_name="", last_name=""):
        user = UserFactory.create(username=username, first_name=first_name, last_name=last_name)
        MembershipFactory.create(user=user, workspace=workspace, role=role)
        return user

    return make


@pytest.fixture
def sign_in(page):
    """sign_in(username, next_url="/login/", press_enter=False): the sign-in form, filled in and
    sent with the button (or with Enter in the password field)."""

    def fill(username, next_url="/login/", *, press_enter=False):
        page.goto(next_url)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        if press_enter:
            page.get_by_label("Password").press("Enter")
        else:
            page.get_by_role("button", name="Sign in").click()

    return fill
