"""Indexes for the pages at full scale (docs/benchmarks.md, "Page work").

``conv_ws_logged_by`` serves "logged by me" on the conversation timeline and the PM landing's
recent conversations. ``deal_ws_amount_desc`` serves the risk board's order (biggest open deals,
an unknown amount last); it is PostgreSQL's only, like ``deal_ws_close_desc`` (0005): SQLite
refuses NULLS LAST in an index, and sorts NULLs last in a descending order anyway.
"""

from django.conf import settings
from django.db import migrations, models

AMOUNT_INDEX = (
    "CREATE INDEX IF NOT EXISTS deal_ws_amount_desc "
    "ON deals_app_deal (workspace_id, amount DESC NULLS LAST, close_date, id)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(AMOUNT_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS deal_ws_amount_desc")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts_app", "0001_initial"),
        ("deals_app", "0005_list_counts"),
        ("personas_app", "0002_contact_reports_to_same_account"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(
                fields=["workspace", "logged_by", "-occurred_on", "-id"], name="conv_ws_logged_by"
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
