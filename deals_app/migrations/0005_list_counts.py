"""Exact row counts per workspace for the big lists, kept by PostgreSQL triggers; and the index
the deal list's default ordering needs. PostgreSQL only (elsewhere a list counts with COUNT(*)).

A list page says how many rows match (``count``). Without filters that is every deal or
conversation of the workspace, and COUNT(*) over a million conversations is an index scan of a
million entries on every page (170–250 ms on the 2-core benchmark machine). Instead, statement
triggers append one row per INSERT/DELETE statement to ``deals_app_listcount`` (workspace, table,
± rows), from the statement's transition table: a COPY or bulk insert of 2,000 rows costs one
row, and writers never wait for each other on a shared counter row. The count is the sum of a
workspace's rows, read with the same snapshot as the list, so it is exact;
``common.counting`` reads it and folds the rows into one now and then. TRUNCATE (the
test suite's flush) empties the table's counts. There is no Django model: nothing but the
triggers writes the table.

The deal list's default order (``close_date DESC NULLS LAST, id DESC``) matches no index, so
every page sorted all of a workspace's deals; ``deal_ws_close_desc`` matches it exactly.
"""

from django.db import migrations

COUNTED = ("deals_app_deal", "deals_app_conversation")

CREATE = """
CREATE TABLE IF NOT EXISTS deals_app_listcount (
    id bigserial PRIMARY KEY,
    tbl text NOT NULL,
    workspace_id bigint NOT NULL,
    delta bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS listcount_tbl_ws ON deals_app_listcount (tbl, workspace_id);

CREATE OR REPLACE FUNCTION deals_app_listcount_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deals_app_listcount (tbl, workspace_id, delta)
    SELECT TG_TABLE_NAME, workspace_id, count(*) FROM listcount_new GROUP BY workspace_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION deals_app_listcount_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deals_app_listcount (tbl, workspace_id, delta)
    SELECT TG_TABLE_NAME, workspace_id, -count(*) FROM listcount_old GROUP BY workspace_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION deals_app_listcount_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deals_app_listcount WHERE tbl = TG_TABLE_NAME;
    RETURN NULL;
END $$;
"""

TRIGGERS = """
LOCK TABLE {table} IN SHARE MODE;
DELETE FROM deals_app_listcount WHERE tbl = '{table}';
INSERT INTO deals_app_listcount (tbl, workspace_id, delta)
    SELECT '{table}', workspace_id, count(*) FROM {table} GROUP BY workspace_id;
CREATE TRIGGER {table}_count_ins AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS listcount_new
    FOR EACH STATEMENT EXECUTE FUNCTION deals_app_listcount_insert();
CREATE TRIGGER {table}_count_del AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS listcount_old
    FOR EACH STATEMENT EXECUTE FUNCTION deals_app_listcount_delete();
CREATE TRIGGER {table}_count_trunc AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION deals_app_listcount_truncate();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS {table}_count_ins ON {table};
DROP TRIGGER IF EXISTS {table}_count_del ON {table};
DROP TRIGGER IF EXISTS {table}_count_trunc ON {table};
"""

DROP = """
DROP TABLE IF EXISTS deals_app_listcount;
DROP FUNCTION IF EXISTS deals_app_listcount_insert();
DROP FUNCTION IF EXISTS deals_app_listcount_delete();
DROP FUNCTION IF EXISTS deals_app_listcount_truncate();
"""

DEAL_INDEX = (
    "CREATE INDEX IF NOT EXISTS deal_ws_close_desc "
    "ON deals_app_deal (workspace_id, close_date DESC NULLS LAST, id DESC)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CREATE)
        for table in COUNTED:
            cursor.execute(DROP_TRIGGERS.format(table=table))
            cursor.execute(TRIGGERS.format(table=table))
        cursor.execute(DEAL_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in COUNTED:
            cursor.execute(DROP_TRIGGERS.format(table=table))
        cursor.execute(DROP)
        cursor.execute("DROP INDEX IF EXISTS deal_ws_close_desc")


class Migration(migrations.Migration):
    dependencies = [("deals_app", "0004_history")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
