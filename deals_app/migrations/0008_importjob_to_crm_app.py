# ImportJob moves to crm_app: its table is renamed here and the model leaves deals_app's state;
# crm_app's 0001_initial adds it to crm_app's state without touching the database. No row moves.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deals_app", "0007_open_deal_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="importjob", table="crm_app_importjob"),
            ],
            state_operations=[
                migrations.DeleteModel(name="ImportJob"),
            ],
        ),
    ]
