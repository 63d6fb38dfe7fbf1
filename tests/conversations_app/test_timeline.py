"""The conversation timeline (``/conversations/``), the PM's conversation log: only the current
workspace's rows, newest first, filtered as asked, fifty a page, and the same number of queries
whatever the number of rows. (Moved from tests/deals_app/test_landing_pages.py.)"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals_app.models import Conversation
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm_client(client, member):
    client.force_login(member("pm", username="pat"))
    return client


def rows_of(response, name: str) -> list:
    return list(response.context[name])


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _conversation(workspace, **kwargs):
    """A conversation with a deal, two participants, two tags and who logged it."""
    account = AccountFactory.create(workspace=workspace)
    deal = DealFactory.create(account=account, workspace=workspace)
    conversation = ConversationFactory.create(
        account=account, workspace=workspace, deal=deal, **kwargs
    )
    conversation.participants.add(*ContactFactory.create_batch(2, account=account))
    conversation.tags.add(
        TagFactory.create(workspace=workspace, name="Alert fatigue"),
        TagFactory.create(workspace=workspace, name="Air-gapped", kind="constraint"),
    )
    return conversation


def test_conversations_show_the_row_details(pm_client, workspace):
    logger = UserFactory.create(username="lee", first_name="Lee", last_name="Adama")
    conversation = _conversation(
        workspace, title="Kickoff with Initech", kind="demo", logged_by=logger
    )
    response = pm_client.get("/conversations/")
    assert response.status_code == 200
    page = response.content.decode()
    (row,) = rows_of(response, "conversations")
    assert row.participant_count == 2
    for text in (
        "Kickoff with Initech",
        conversation.account.name,
        conversation.deal.name,
        "Demo",
        "Alert fatigue",
        "Air-gapped",
        "Lee Adama",
        "Mar 10, 2026",
    ):
        assert text in page, text


def test_conversations_show_only_the_current_workspace(pm_client, workspace, other_workspace):
    ConversationFactory.create(account__workspace=workspace, title="Ours")
    ConversationFactory.create(account__workspace=other_workspace, title="Theirs")
    response = pm_client.get("/conversations/")
    assert [c.title for c in rows_of(response, "conversations")] == ["Ours"]
    assert "Theirs" not in response.content.decode()
    # Filters cannot reach across either.
    response = pm_client.get("/conversations/?q=Theirs")
    assert rows_of(response, "conversations") == []


def test_conversations_are_newest_first(pm_client, workspace):
    for day, title in ((1, "Older"), (20, "Newest"), (10, "Middle")):
        ConversationFactory.create(
            account__workspace=workspace, title=title, occurred_on=dt.date(2026, 3, day)
        )
    titles = [c.title for c in rows_of(pm_client.get("/conversations/"), "conversations")]
    assert titles == ["Newest", "Middle", "Older"]


def test_conversations_filter_by_kind_and_search_title_and_notes(pm_client, workspace):
    ConversationFactory.create(
        account__workspace=workspace, kind="discovery", title="SSO pains", notes="x"
    )
    ConversationFactory.create(
        account__workspace=workspace, kind="win_loss", title="Lost to Contoso", notes="price"
    )
    ConversationFactory.create(
        account__workspace=workspace, kind="discovery", title="Weekly", notes="They need SAML SSO"
    )

    def titles(query):
        response = pm_client.get(f"/conversations/?{query}")
        return sorted(c.title for c in rows_of(response, "conversations"))

    assert titles("kind=win_loss") == ["Lost to Contoso"]
    assert titles("q=sso") == ["SSO pains", "Weekly"]
    assert titles("q=sso&kind=discovery") == ["SSO pains", "Weekly"]
    assert titles("q=contoso&kind=discovery") == []
    assert titles("kind=bogus") == ["Lost to Contoso", "SSO pains", "Weekly"]  # ignored


def test_conversations_empty_states(pm_client, workspace):
    page = pm_client.get("/conversations/").content.decode()
    assert "No conversations logged yet" in page
    ConversationFactory.create(account__workspace=workspace, kind="demo")
    page = pm_client.get("/conversations/?kind=qbr").content.decode()
    assert "No conversations match these filters" in page
    assert "Clear filters" in page


def test_conversations_paginate_by_fifty(pm_client, workspace):
    account = AccountFactory.create(workspace=workspace)
    Conversation.objects.bulk_create(
        Conversation(
            workspace=workspace, account=account, title=f"Call {i}", occurred_on=dt.date(2026, 1, 1)
        )
        for i in range(55)
    )
    response = pm_client.get("/conversations/")
    assert len(rows_of(response, "conversations")) == 50
    assert "Showing <strong>1–50</strong> of <strong>55</strong>" in response.content.decode()
    response = pm_client.get("/conversations/?page=2")
    assert len(rows_of(response, "conversations")) == 5
    assert pm_client.get("/conversations/?page=99").status_code == 200  # last page, not a 404
    assert pm_client.get("/conversations/?page=abc").status_code == 200


def test_conversations_page_queries_do_not_grow_with_rows(pm_client, workspace):
    for _ in range(5):
        _conversation(workspace)
    few = query_count(pm_client, "/conversations/")
    for _ in range(45):
        _conversation(workspace)
    many = query_count(pm_client, "/conversations/")
    assert len(rows_of(pm_client.get("/conversations/"), "conversations")) == 50
    assert many == few
