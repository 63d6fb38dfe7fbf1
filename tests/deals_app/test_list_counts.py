"""List pages keep an exact ``count`` without COUNT(*) over the whole workspace (PRODUCT.md §9).

On PostgreSQL, triggers keep per-workspace row counts of deals and conversations
(deals_app/migrations/0005_list_counts.py) and an unfiltered API list reads them; a filtered
list still counts with COUNT(*). Elsewhere every list counts with COUNT(*).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import counting
from deals_app.models import Conversation, Deal
from tests.api_support import member_client
from tests.factories import AccountFactory, ConversationFactory, DealFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the counts are kept by PostgreSQL triggers"
)


def _list(client, path: str) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in queries.captured_queries]


def _counts_scan(sql: list[str], table: str) -> bool:
    return any("COUNT(*)" in q and f'FROM "{table}"' in q for q in sql)


@pytest.fixture
def two_workspaces():
    mine, theirs = WorkspaceFactory.create(), WorkspaceFactory.create()
    account = AccountFactory.create(workspace=mine)
    DealFactory.create_batch(3, account=account)
    DealFactory.create(account=AccountFactory.create(workspace=theirs))
    ConversationFactory.create_batch(4, account=account)
    ConversationFactory.create(account=AccountFactory.create(workspace=theirs))
    client, _user = member_client(mine)
    return mine, account, client


def test_unfiltered_lists_count_every_row_of_the_workspace_only(two_workspaces):
    _mine, _account, client = two_workspaces
    deals, _ = _list(client, "/api/v1/deals/")
    conversations, _ = _list(client, "/api/v1/conversations/?page=1&ordering=-occurred_on")
    assert deals["count"] == 3 and len(deals["results"]) == 3
    assert conversations["count"] == 4 and len(conversations["results"]) == 4


@postgresql_only
def test_unfiltered_list_reads_the_kept_count_instead_of_scanning(two_workspaces):
    _mine, _account, client = two_workspaces
    body, sql = _list(client, "/api/v1/conversations/")
    assert body["count"] == 4
    assert not _counts_scan(sql, "deals_app_conversation")
    assert any("deals_app_listcount" in q for q in sql)


@postgresql_only
def test_kept_count_follows_bulk_inserts_and_deletes(two_workspaces):
    mine, account, client = two_workspaces
    Deal.objects.bulk_create(
        [DealFactory.build(account=account, name=f"Bulk {i}") for i in range(5)]
    )
    Deal.objects.filter(workspace=mine, name="Bulk 0").delete()
    Conversation.objects.filter(workspace=mine).delete()
    deals, _ = _list(client, "/api/v1/deals/")
    conversations, _ = _list(client, "/api/v1/conversations/")
    assert deals["count"] == 7 == Deal.objects.filter(workspace=mine).count()
    assert conversations["count"] == 0 and conversations["results"] == []


def test_filtered_list_counts_the_filtered_rows(two_workspaces):
    _mine, account, client = two_workspaces
    DealFactory.create(account=account, stage=Deal.Stage.CLOSED_WON, loss_reason="")
    body, sql = _list(client, "/api/v1/deals/?stage=closed_won")
    assert body["count"] == 1
    assert _counts_scan(sql, "deals_app_deal")


@postgresql_only
def test_many_count_rows_are_folded_into_one_without_changing_the_sum(two_workspaces, monkeypatch):
    mine, account, client = two_workspaces
    monkeypatch.setattr(counting, "FOLD_AT", 3)
    for i in range(4):  # one count row per INSERT statement
        DealFactory.create(account=account, name=f"One by one {i}")
    deals, _ = _list(client, "/api/v1/deals/")
    assert deals["count"] == 7
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(delta) FROM deals_app_listcount "
            "WHERE tbl = 'deals_app_deal' AND workspace_id = %s",
            [mine.pk],
        )
        assert cursor.fetchone() == (1, 7)
    assert counting.counted_rows(table="deals_app_deal", workspace_id=mine.pk) == 7
