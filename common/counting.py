"""Exact, cheap counts of a workspace's rows for unfiltered list pages (PostgreSQL).

A list page answers ``count``. Unfiltered, that is all of a workspace's deals or conversations,
and COUNT(*) over a million rows scans a million index entries per page. On PostgreSQL,
statement triggers (migration ``deals_app.0005_list_counts``) append a row per INSERT/DELETE
statement to ``deals_app_listcount`` with the number of rows it added or removed per workspace;
the count is their sum, read in the same snapshot as the page, so it is exact. A viewset names
the table it counts (``counted_table``); filtered lists count with COUNT(*) as before.

Elsewhere (SQLite) :func:`counted_rows` answers None and the list counts the usual way.

A list leaves out the deals a CRM sync marked deleted (PRODUCT.md §11): marking is an UPDATE,
which the triggers do not see, so the count subtracts the workspace's marked rows in the same
statement (a partial index holds only those: few, and cheap to count).
"""

from django.db import connection
from django.db.backends.utils import CursorWrapper

# Past this many rows a workspace's counts are folded into one (each INSERT/DELETE adds one).
FOLD_AT = 1000
COUNTED_TABLES = frozenset({"deals_app_deal", "deals_app_conversation"})
COUNT_SQL = (
    "SELECT COALESCE(SUM(delta), 0), COUNT(*) FROM deals_app_listcount "
    "WHERE tbl = %s AND workspace_id = %s"
)
# Deals list without those marked deleted in the CRM (Deal's default manager): the count
# subtracts them (index deal_ws_crm_deleted holds only them).
COUNT_LIVE_DEALS_SQL = (
    "SELECT COALESCE(SUM(delta), 0) - (SELECT COUNT(*) FROM deals_app_deal "
    "WHERE workspace_id = %s AND crm_deleted_at IS NOT NULL), COUNT(*) FROM deals_app_listcount "
    "WHERE tbl = %s AND workspace_id = %s"
)


def counted_rows(*, table: str, workspace_id: int) -> int | None:
    """The number of ``table`` rows of the workspace, or None where there are no counts."""
    if connection.vendor != "postgresql" or table not in COUNTED_TABLES:
        return None
    with connection.cursor() as cursor:
        if table == "deals_app_deal":
            cursor.execute(COUNT_LIVE_DEALS_SQL, [workspace_id, table, workspace_id])
        else:
            cursor.execute(COUNT_SQL, [table, workspace_id])
        total, rows = cursor.fetchone()
        if rows > FOLD_AT:
            _fold(cursor, table=table, workspace_id=workspace_id)
    return int(total)


def _fold(cursor: CursorWrapper, *, table: str, workspace_id: int) -> None:
    """Replace a workspace's count rows by their sum. Safe alongside writers: rows of open
    transactions are not seen, so not deleted, and are added to the sum once committed."""
    cursor.execute(
        "WITH gone AS (DELETE FROM deals_app_listcount WHERE tbl = %s AND workspace_id = %s "
        "RETURNING delta) "
        "INSERT INTO deals_app_listcount (tbl, workspace_id, delta) "
        "SELECT %s, %s, SUM(delta) FROM gone HAVING COUNT(*) > 0",
        [table, workspace_id, table, workspace_id],
    )
