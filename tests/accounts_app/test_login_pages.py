"""Signing in and out, the landing page of each role, and switching workspaces."""

import pytest
from django.urls import reverse

from accounts_app.selectors import SESSION_KEY
from tests.factories import ConversationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's password


def test_login_page_renders_a_sign_in_form(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b"Sign in to your workspace" in response.content
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_login_with_the_right_password_lands_on_the_role_page(client, member):
    user = member("pm")
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get("/").url == "/pm/"


def test_login_with_a_wrong_password_shows_an_error(client, member):
    user = member("pm")
    response = client.post("/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_login_honours_a_safe_next_and_ignores_an_unsafe_one(client, member):
    user = member("sales")
    credentials = {"username": user.username, "password": PASSWORD}
    response = client.post("/login/?next=/dashboard/", credentials)
    assert response.url == "/dashboard/"
    client.logout()
    response = client.post("/login/?next=https://evil.example/", credentials)
    assert response.url == reverse("home")


def test_pages_redirect_anonymous_visitors_to_login(client):
    for url in ("/", "/conversations/", "/deals/", "/dashboard/", "/settings/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/login/?next="), url


def test_logout_is_a_post_and_ends_the_session(client, member):
    client.force_login(member("pm"))
    assert client.get("/logout/").status_code == 405  # Django 5: never log out on a GET
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get("/conversations/").status_code == 302
    assert b"You have signed out." in client.get("/login/").content


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("pm", "/pm/"),
        ("sales", "/deals/at-risk/"),
        ("exec", "/dashboard/"),
        ("admin", "/settings/"),
    ],
)
def test_home_redirects_to_the_landing_page_of_the_role(client, member, role, landing):
    client.force_login(member(role))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == landing
    assert client.get(landing).status_code == 200


def test_the_landing_page_follows_the_role_in_the_current_workspace(
    client, workspace, other_workspace, member
):
    user = member("pm")
    MembershipFactory.create(user=user, workspace=other_workspace, role="exec")
    client.force_login(user)
    client.post("/workspace/switch/", {"workspace": other_workspace.slug})
    assert client.get("/").url == "/dashboard/"


def test_a_user_without_a_workspace_gets_a_friendly_page_not_an_error(client):
    client.force_login(UserFactory.create(username="newcomer"))
    for url in ("/", "/conversations/", "/deals/", "/dashboard/", "/settings/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"not in a workspace yet" in response.content
        assert b"Ask an admin" in response.content
    # They can still sign out from there.
    assert b'action="/logout/"' in response.content


def test_navigation_shows_the_pages_of_the_role(client, member):
    client.force_login(member("pm"))
    page = client.get("/conversations/").content.decode()
    for link in ('href="/conversations/"', 'href="/deals/"', 'href="/dashboard/"'):
        assert link in page
    assert 'href="/settings/"' not in page
    assert "Product manager" in page

    client.force_login(member("admin"))
    page = client.get("/conversations/").content.decode()
    assert 'href="/settings/"' in page
    assert "Admin" in page


def test_header_shows_the_workspace_user_and_role(client, member):
    user = member("sales")
    user.first_name, user.last_name = "Dana", "Scully"
    user.save()
    client.force_login(user)
    page = client.get("/deals/").content.decode()
    assert "Acme Observability" in page
    assert "Dana Scully" in page
    assert "Sales lead" in page


def test_switcher_lists_only_the_users_workspaces(client, workspace, other_workspace, member):
    user = member("pm")
    MembershipFactory.create(user=user, workspace=other_workspace, role="sales")
    MembershipFactory.create(role="admin")  # a workspace the user is not in
    client.force_login(user)
    page = client.get("/conversations/").content.decode()
    assert page.count('name="workspace" value=') == 2
    assert 'value="acme"' in page
    assert 'value="globex"' in page


def test_switching_workspace_changes_the_data_shown(client, workspace, other_workspace, member):
    user = member("pm")
    MembershipFactory.create(user=user, workspace=other_workspace, role="pm")
    ConversationFactory.create(account__workspace=workspace, title="Acme kickoff")
    ConversationFactory.create(account__workspace=other_workspace, title="Globex renewal")
    client.force_login(user)

    page = client.get("/conversations/").content.decode()
    assert "Acme kickoff" in page
    assert "Globex renewal" not in page

    response = client.post("/workspace/switch/", {"workspace": "globex"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == "globex"

    page = client.get("/conversations/").content.decode()
    assert "Globex renewal" in page
    assert "Acme kickoff" not in page
    assert "Switched to Globex." in page


def test_switching_to_a_workspace_the_user_is_not_in_is_a_404(
    client, workspace, other_workspace, member
):
    client.force_login(member("admin"))
    for slug in ("globex", "does-not-exist", ""):
        response = client.post("/workspace/switch/", {"workspace": slug})
        assert response.status_code == 404, slug
    assert SESSION_KEY not in client.session


def test_switching_needs_a_post_with_a_csrf_token(member, workspace):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member("pm"))
    assert csrf_client.get("/workspace/switch/").status_code == 405
    assert csrf_client.post("/workspace/switch/", {"workspace": "acme"}).status_code == 403
