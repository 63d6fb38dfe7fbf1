"""Who gets in and what they may change: token and session auth, X-Workspace, roles, paging."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts_app.models import Membership
from deals_app.models import Conversation, Deal
from tests.api_support import api_client, member_client
from tests.factories import AccountFactory, DealFactory, MembershipFactory, WorkspaceFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db


def test_without_credentials_the_api_answers_401_and_names_the_token_scheme(workspace):
    build_world(workspace)
    response = APIClient().get("/api/v1/deals/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_401(workspace):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/deals/").status_code == 401


def test_a_token_made_with_drf_create_token_works(workspace, member):
    user = member("sales", username="sam")
    DealFactory.create(account__workspace=workspace, name="Initech platform")
    call_command("drf_create_token", "sam")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    response = client.get("/api/v1/deals/")
    assert response.status_code == 200
    assert [d["name"] for d in response.json()["results"]] == ["Initech platform"]


def test_a_session_login_works_too(client, workspace, member):
    user = member("exec")
    DealFactory.create(account__workspace=workspace)
    client.force_login(user)
    assert client.get("/api/v1/deals/").json()["count"] == 1


def test_the_only_workspace_is_used_without_a_header(workspace):
    client, _ = member_client(workspace, Membership.Role.EXEC)
    AccountFactory.create(workspace=workspace, name="Initech")
    assert [a["name"] for a in client.get("/api/v1/accounts/").json()["results"]] == ["Initech"]


def test_several_workspaces_and_no_header_is_a_400_that_says_what_to_do(workspace):
    other = WorkspaceFactory.create(slug="globex")
    client, user = member_client(workspace, Membership.Role.EXEC)
    MembershipFactory.create(user=user, workspace=other, role=Membership.Role.PM)
    response = client.get("/api/v1/accounts/")
    assert response.status_code == 400
    assert "X-Workspace" in response.json()["detail"][0]
    client.defaults["HTTP_X_WORKSPACE"] = "globex"
    assert client.get("/api/v1/accounts/").status_code == 200
    # the role is the one held in the named workspace: pm may not write accounts there
    assert client.post("/api/v1/accounts/", {"name": "X"}, format="json").status_code == 403


@pytest.mark.parametrize("slug", ["globex", "nope", "bad slug!", "x" * 300])
def test_naming_a_workspace_you_are_not_in_is_404(workspace, slug):
    WorkspaceFactory.create(slug="globex")
    client, _ = member_client(workspace)
    client.defaults["HTTP_X_WORKSPACE"] = slug
    response = client.get("/api/v1/deals/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such workspace, or you are not a member of it."}


def test_a_user_without_any_workspace_is_403(db):
    from tests.factories import UserFactory

    response = api_client(UserFactory.create()).get("/api/v1/deals/")
    assert response.status_code == 403


def test_workspaces_lists_only_the_members_workspaces_with_their_role(workspace):
    other = WorkspaceFactory.create(slug="globex", name="Globex")
    WorkspaceFactory.create(slug="hidden")
    client, user = member_client(workspace, Membership.Role.SALES)
    MembershipFactory.create(user=user, workspace=other, role=Membership.Role.EXEC)
    rows = client.get("/api/v1/workspaces/").json()["results"]
    assert [(r["slug"], r["role"]) for r in rows] == [("acme", "sales"), ("globex", "exec")]
    assert client.post("/api/v1/workspaces/", {}, format="json").status_code == 405


# --- roles (PRODUCT.md §2) --------------------------------------------------------------------

WRITERS = {
    "accounts": {"admin", "sales"},
    "contacts": {"admin", "sales", "pm"},
    "personas": {"admin", "sales", "pm"},
    "advocacies": {"admin", "sales", "pm"},
    "deals": {"admin", "sales"},
    "deal-roles": {"admin", "sales"},
    "business-cases": {"admin", "sales"},
    "conversations": {"admin", "pm"},
    "action-items": {"admin", "pm"},
    "tags": {"admin", "pm"},
    "assumptions": {"admin", "pm"},
    "evidence": {"admin", "pm"},
    "feature-requests": {"admin", "pm"},
    "feature-mentions": {"admin", "pm"},
    "segments": {"admin", "pm", "sales"},
}


@pytest.mark.parametrize("role", ["admin", "pm", "sales", "exec"])
def test_each_role_reads_everything_and_writes_only_its_own_resources(workspace, role):
    world = build_world(workspace)
    client, _ = member_client(workspace, role)
    resources = world.by_resource()
    for resource, obj in resources.items():
        assert client.get(f"/api/v1/{resource}/").status_code == 200
        assert client.get(f"/api/v1/{resource}/{obj.pk}/").status_code == 200
        response = client.patch(f"/api/v1/{resource}/{obj.pk}/", {}, format="json")
        expected = 200 if role in WRITERS[resource] else 403
        assert response.status_code == expected, (role, resource, response.content)
    for resource, obj in reversed(resources.items()):  # dependents first
        response = client.delete(f"/api/v1/{resource}/{obj.pk}/")
        writes = role in WRITERS[resource]
        assert response.status_code == (204 if writes else 403), (role, resource)
        assert type(obj).objects.filter(pk=obj.pk).exists() is not writes


def test_exec_cannot_create_anything_and_is_told_why(workspace):
    world = build_world(workspace)
    client, _ = member_client(workspace, Membership.Role.EXEC)
    response = client.post(
        "/api/v1/deals/", {"account": world.account.pk, "name": "X"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role in this workspace cannot change this."}
    assert Deal.objects.count() == 1


def test_a_pm_logs_a_conversation_and_is_recorded_as_its_author(workspace):
    world = build_world(workspace)
    client, pm = member_client(workspace, Membership.Role.PM)
    response = client.post(
        "/api/v1/conversations/",
        {
            "account": world.account.pk,
            "occurred_on": "2026-04-02",
            "title": "Win/loss with Initech",
            "kind": "win_loss",
            "stated_reason": "price",
            "participants": [world.contact.pk, world.manager.pk],
            "tags": [world.tag.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["logged_by"] == pm.pk
    assert {p["name"] for p in body["participants"]} == {
        world.contact.full_name,
        world.manager.full_name,
    }
    assert body["tags"] == [{"id": world.tag.pk, "name": "Alert fatigue", "kind": "pain"}]
    conversation = Conversation.objects.get(pk=body["id"])
    assert set(conversation.participants.all()) == {world.contact, world.manager}


# --- pagination -------------------------------------------------------------------------------


def test_lists_are_paginated_50_by_default_and_page_size_is_capped_at_200(workspace):
    client, _ = member_client(workspace, Membership.Role.EXEC)
    AccountFactory.create_batch(205, workspace=workspace)
    first = client.get("/api/v1/accounts/").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert (first["count"], len(first["results"]), first["previous"]) == (205, 50, None)
    assert "page=2" in first["next"]
    assert len(client.get("/api/v1/accounts/", {"page_size": 10}).json()["results"]) == 10
    assert len(client.get("/api/v1/accounts/", {"page_size": 1000}).json()["results"]) == 200
    last = client.get("/api/v1/accounts/", {"page_size": 200, "page": 2}).json()
    assert (len(last["results"]), last["next"]) == (5, None)


@pytest.mark.parametrize("page", ["999999999999999999999", "0", "-1", "abc"])
def test_a_page_out_of_range_is_a_404_not_an_error(workspace, page):
    client, _ = member_client(workspace, Membership.Role.EXEC)
    AccountFactory.create(workspace=workspace)
    response = client.get("/api/v1/accounts/", {"page": page})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_silly_page_size_falls_back_to_the_default(workspace):
    client, _ = member_client(workspace, Membership.Role.EXEC)
    AccountFactory.create_batch(3, workspace=workspace)
    for size in ("0", "-5", "abc", "9" * 30):
        assert client.get("/api/v1/accounts/", {"page_size": size}).status_code == 200
