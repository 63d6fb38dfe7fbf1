"""Helpers for the API tests: authenticated clients (the world they read is tests/world.py)."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts_app.models import Membership
from tests.factories import MembershipFactory, UserFactory


def api_client(user=None, workspace=None) -> APIClient:
    """A client with ``Authorization: Token …`` (and X-Workspace when a workspace is given)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    if workspace is not None:
        client.defaults["HTTP_X_WORKSPACE"] = workspace.slug
    return client


def member_client(workspace, role=Membership.Role.ADMIN, username=None):
    user = UserFactory.create(**({"username": username} if username else {}))
    MembershipFactory.create(user=user, workspace=workspace, role=role)
    return api_client(user), user
