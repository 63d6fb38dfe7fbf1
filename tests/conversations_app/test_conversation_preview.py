"""The notes preview of the log form: the Markdown rendered through the same nh3 sanitiser the
conversation page uses, as a fragment for htmx, or, without JavaScript, the whole form again
with the preview and everything typed."""

import pytest

from deals_app.models import Conversation
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

URL = "/conversations/preview/"
HOSTILE = (
    "They page **three** teams.\n\n- alerts\n- tickets\n\n<script>alert('x')</script>\n\n"
    '[click](javascript:alert(1)) <img src=x onerror="alert(2)"> [docs](https://example.com/d)'
)
EMPTY_FORMSETS = {
    f"{prefix}-{key}": value
    for prefix in ("actions", "evidence", "mentions")
    for key, value in (("TOTAL_FORMS", "2"), ("INITIAL_FORMS", "0"))
}


def login(client, member, role):
    client.force_login(member(role))
    return client


@pytest.mark.parametrize("role", ["pm", "admin"])
def test_the_preview_is_sanitised_markdown(client, member, role):
    response = login(client, member, role).post(URL, {"notes": HOSTILE}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<strong>three</strong>" in html and "<li>alerts</li>" in html
    assert 'href="https://example.com/d"' in html
    for unsafe in ("<script", "javascript:", "onerror", "<img"):
        assert unsafe not in html, unsafe
    assert "<html" not in html  # a fragment, not a page


def test_empty_notes_say_there_is_nothing_to_preview(client, member):
    response = login(client, member, "pm").post(URL, {"notes": "  \n"})
    assert "Nothing to preview." in response.content.decode()


def test_notes_too_long_to_preview_answer_400(client, member):
    response = login(client, member, "pm").post(URL, {"notes": "x" * 100_001})
    assert response.status_code == 400
    assert "too long to preview" in response.content.decode()


@pytest.mark.parametrize("role", ["sales", "exec"])
def test_readers_cannot_use_the_preview(client, member, role):
    assert login(client, member, role).post(URL, {"notes": "**x**"}).status_code == 403


def test_the_preview_only_takes_posts(client, member):
    assert login(client, member, "pm").get(URL).status_code == 405


def test_without_javascript_the_preview_button_shows_the_form_again_with_the_preview(
    client, member, workspace
):
    account = AccountFactory.create(workspace=workspace, name="Initech")
    ContactFactory.create(account=account, first_name="Ann", last_name="Lee")
    login(client, member, "pm")
    data = {
        **EMPTY_FORMSETS,
        "account": "Initech",
        "occurred_on": "2026-03-02",
        "kind": "discovery",
        "sentiment": "neutral",
        "title": "Half typed",
        "notes": HOSTILE,
        "actions-0-text": "Call back",
        "_preview": "1",
    }
    response = client.post("/conversations/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    preview = page[page.index('id="notes-preview"') :]
    preview = preview[: preview.index("</div>")]
    assert "<strong>three</strong>" in preview and "<script" not in preview
    assert "onerror" not in preview
    assert 'value="Half typed"' in page and 'value="Call back"' in page and "Ann Lee" in page
    assert "Nothing was saved yet" not in page
    assert not Conversation.objects.exists()


def test_the_form_serves_htmx_from_the_app(client, member):
    page = login(client, member, "pm").get("/conversations/new/").content.decode()
    assert 'src="/static/django_htmx/htmx-2.min.js"' in page
    assert 'hx-post="/conversations/preview/"' in page
    assert 'name="_preview"' in page  # the same button works without JavaScript
