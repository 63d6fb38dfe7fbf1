"""Conversation search finds a conversation by its account's name and its participants' names,
not only its title and notes — on the timeline (/conversations/?q=) and in the API (?search=),
each conversation once, in a constant number of queries, never another workspace's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AccountFactory, ContactFactory, ConversationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(client, member):
    client.force_login(member("pm"))
    return client


@pytest.fixture
def book(workspace, other_workspace):
    charlotte = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    initech = AccountFactory.create(workspace=workspace, name="Initech")
    priya = ContactFactory.create(account=initech, first_name="Priya", last_name="Raman")
    pavel = ContactFactory.create(account=initech, first_name="Priyanka", last_name="Orlov")
    calls = {
        "weekly": ConversationFactory.create(account=charlotte, title="Weekly sync"),
        "renewal": ConversationFactory.create(account=charlotte, title="Renewal talk", notes=""),
        "initech": ConversationFactory.create(account=initech, title="Kick-off"),
        "unrelated": ConversationFactory.create(account=initech, title="Pricing"),
    }
    calls["initech"].participants.set([priya, pavel])  # both match "Priya": listed once
    theirs = AccountFactory.create(workspace=other_workspace, name="Charlotte Health")
    ConversationFactory.create(account=theirs, title="Their call")
    return calls


def titles(client, q):
    response = client.get("/conversations/", {"q": q})
    assert response.status_code == 200
    table = response.content.decode()
    return sorted(c.title for c in response.context["conversations"]), table


def test_an_account_name_finds_that_accounts_conversations(pm, book):
    found, page = titles(pm, "Charlotte Health")
    assert found == ["Renewal talk", "Weekly sync"]
    assert "Their call" not in page  # another workspace's account of the same name


def test_a_participant_name_finds_their_conversations_once(pm, book):
    found, _ = titles(pm, "priya")
    assert found == ["Kick-off"]
    found, _ = titles(pm, "Priya Raman")
    assert found == ["Kick-off"]


def test_every_word_must_match_somewhere(pm, book):
    assert titles(pm, "Charlotte renewal")[0] == ["Renewal talk"]
    assert titles(pm, "Charlotte Raman")[0] == []
    assert titles(pm, "incident")[0] == ["Kick-off", "Pricing", "Weekly sync"]  # notes still


def test_the_api_search_matches_the_same_names(pm, book):
    body = pm.get("/api/v1/conversations/", {"search": "Charlotte Health"}).json()
    assert body["count"] == 2
    assert sorted(r["title"] for r in body["results"]) == ["Renewal talk", "Weekly sync"]
    body = pm.get("/api/v1/conversations/", {"search": "priya"}).json()
    assert [r["title"] for r in body["results"]] == ["Kick-off"]


def test_searching_names_costs_the_same_queries_with_more_rows(pm, workspace):
    account = AccountFactory.create(workspace=workspace, name="Charlotte Health")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert pm.get("/conversations/", {"q": "Charlotte"}).status_code == 200
        return len(queries)

    for _ in range(2):
        c = ConversationFactory.create(account=account)
        c.participants.add(ContactFactory.create(account=account))
    few = count()
    for _ in range(8):
        c = ConversationFactory.create(account=account)
        c.participants.add(ContactFactory.create(account=account))
    assert count() == few
