"""manage.py create_workspace creates, and run again updates instead of failing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts_app.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def test_create_workspace_with_an_owner_twice_is_fine(capsys):
    call_command("create_workspace", "acme", "--name", "Acme Inc", "--owner", "ines")
    out = capsys.readouterr().out
    assert "Created workspace acme." in out and "Created user ines" in out
    call_command("create_workspace", "acme", "--owner", "ines", "--role", "sales")
    out = capsys.readouterr().out
    assert "Updated workspace acme." in out and "Set ines as Sales lead." in out
    assert Workspace.objects.get(slug="acme").name == "Acme Inc"
    membership = Membership.objects.get(user__username="ines")
    assert membership.role == "sales"
    assert get_user_model().objects.filter(username="ines").count() == 1


def test_create_workspace_adds_an_existing_user_with_a_password(capsys):
    call_command("create_workspace", "acme", "--owner", "sam", "--password", "s3cret-Pass!")
    call_command("create_workspace", "globex", "--owner", "sam", "--role", "exec")
    user = get_user_model().objects.get(username="sam")
    assert user.check_password("s3cret-Pass!")
    assert sorted(user.memberships.values_list("workspace__slug", "role")) == [
        ("acme", "admin"),
        ("globex", "exec"),
    ]


def test_a_bad_slug_is_a_clear_error():
    with pytest.raises(CommandError, match="not a valid slug"):
        call_command("create_workspace", "Acme Inc")
