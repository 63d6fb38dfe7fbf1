"""Database guarantee that a contact reports to someone at the same account.

PostgreSQL: a composite foreign key (reports_to_id, account_id) → (id, account_id).
SQLite cannot add constraints to a table, so triggers enforce the same rule there.
Note: on SQLite, Django rebuilds a table for some later ALTERs, which drops triggers;
tests/personas_app/test_contact_rules.py fails if that happens.
"""

from django.db import migrations

PG_UP = """
ALTER TABLE personas_app_contact
    ADD CONSTRAINT contact_reports_to_same_account
    FOREIGN KEY (reports_to_id, account_id)
    REFERENCES personas_app_contact (id, account_id)
    DEFERRABLE INITIALLY DEFERRED;
"""
PG_DOWN = "ALTER TABLE personas_app_contact DROP CONSTRAINT contact_reports_to_same_account;"

_MSG = "'CHECK constraint failed: contact_reports_to_same_account'"
SQLITE_UP = [
    f"""
    CREATE TRIGGER contact_reports_to_same_account_insert
    BEFORE INSERT ON personas_app_contact
    WHEN NEW.reports_to_id IS NOT NULL AND NEW.account_id IS NOT
        (SELECT account_id FROM personas_app_contact WHERE id = NEW.reports_to_id)
    BEGIN SELECT RAISE(ABORT, {_MSG}); END;
    """,
    f"""
    CREATE TRIGGER contact_reports_to_same_account_update
    BEFORE UPDATE OF reports_to_id, account_id ON personas_app_contact
    WHEN (NEW.reports_to_id IS NOT NULL AND NEW.account_id IS NOT
            (SELECT account_id FROM personas_app_contact WHERE id = NEW.reports_to_id))
        OR EXISTS (SELECT 1 FROM personas_app_contact
                   WHERE reports_to_id = NEW.id AND account_id != NEW.account_id)
    BEGIN SELECT RAISE(ABORT, {_MSG}); END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS contact_reports_to_same_account_insert;",
    "DROP TRIGGER IF EXISTS contact_reports_to_same_account_update;",
]


def forwards(apps, schema_editor):
    statements = [PG_UP] if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = [PG_DOWN] if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("personas_app", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
