"""An account the product manager talked to but DealLens does not know yet is created from the
log form ("or new account"), in the same save; a name that exists is reused, never duplicated."""

import pytest

from accounts_app.models import Account
from deals_app.models import Conversation
from tests.conversations_app.log_support import log_data
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_a_new_account_is_created_with_the_conversation(client, member, workspace):
    client.force_login(member("pm"))

    response = client.post(
        "/conversations/new/",
        log_data(account="", new_account_name="  Umbrella   Corp ", new_contact_name="Ada Wong"),
        follow=True,
    )

    account = Account.objects.get(workspace=workspace, name="Umbrella Corp")
    conversation = Conversation.objects.get()
    assert conversation.account == account
    assert [c.full_name for c in conversation.participants.all()] == ["Ada Wong"]
    assert "Conversation saved." in response.content.decode()


def test_an_existing_name_in_another_case_is_reused(client, member, workspace):
    initech = AccountFactory.create(workspace=workspace, name="Initech")
    client.force_login(member("pm"))

    client.post("/conversations/new/", log_data(account="", new_account_name="INITECH"))

    assert Account.objects.filter(workspace=workspace).count() == 1
    assert Conversation.objects.get().account == initech


def test_neither_an_account_nor_a_new_one_is_an_error(client, member, workspace):
    client.force_login(member("pm"))

    response = client.post("/conversations/new/", log_data(account=""))

    assert response.status_code == 400
    assert "Pick an account, or name a new one beside it." in response.content.decode()
    assert not Account.objects.exists()


def test_both_an_account_and_a_new_one_is_an_error(client, member, workspace):
    AccountFactory.create(workspace=workspace, name="Initech")
    client.force_login(member("pm"))

    response = client.post(
        "/conversations/new/", log_data(account="Initech", new_account_name="Umbrella")
    )

    assert response.status_code == 400
    assert "clear the account to create a new one" in response.content.decode()
    assert Account.objects.count() == 1 and not Conversation.objects.exists()


def test_a_failed_save_creates_no_account(client, member, workspace):
    client.force_login(member("pm"))

    response = client.post(
        "/conversations/new/",
        log_data(account="", new_account_name="Umbrella", **{"actions-0-due_on": "not a date"}),
    )

    assert response.status_code == 400
    assert not Account.objects.exists()
