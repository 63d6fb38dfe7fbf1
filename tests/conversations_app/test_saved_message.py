"""Saving the log form says so: the conversation page opens with "Conversation saved."."""

import pytest

from deals_app.models import Conversation
from tests.conversations_app.log_support import log_data
from tests.factories import AccountFactory, ConversationFactory

pytestmark = pytest.mark.django_db


def test_logging_a_conversation_ends_with_a_saved_message(client, member, workspace):
    AccountFactory.create(workspace=workspace, name="Initech")
    client.force_login(member("pm"))

    response = client.post("/conversations/new/", log_data(account="Initech"), follow=True)

    conversation = Conversation.objects.get()
    assert response.redirect_chain[-1][0] == f"/conversations/{conversation.pk}/"
    assert "Conversation saved." in response.content.decode()
    # shown once: the next page does not repeat it
    assert "Conversation saved." not in client.get("/conversations/").content.decode()


def test_editing_a_conversation_ends_with_a_saved_message(client, member, workspace):
    account = AccountFactory.create(workspace=workspace, name="Initech")
    conversation = ConversationFactory.create(account=account, title="Before")
    client.force_login(member("pm"))

    response = client.post(
        f"/conversations/{conversation.pk}/edit/",
        log_data(account=str(account.pk), title="After"),
        follow=True,
    )

    assert "Changes saved." in response.content.decode()
    assert 'data-testid="conversation-title">After<' in response.content.decode()


def test_a_form_error_shows_no_saved_message(client, member, workspace):
    client.force_login(member("pm"))

    response = client.post("/conversations/new/", log_data(account="Nobody Inc"))

    assert response.status_code == 400
    assert "Conversation saved." not in response.content.decode()
