import pytest

from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory


@pytest.fixture
def workspace(db):
    return WorkspaceFactory.create(name="Acme Observability", slug="acme")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory.create(name="Globex", slug="globex")


@pytest.fixture
def member(workspace):
    """A factory: member(role) -> a user with that role in the workspace."""

    def make(role="pm", ws=None, username=None):
        user = UserFactory.create(**({"username": username} if username else {}))
        MembershipFactory.create(user=user, workspace=ws or workspace, role=role)
        return user

    return make
