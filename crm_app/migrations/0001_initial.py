# ImportJob, moved from deals_app (whose 0008 renamed the table to crm_app_importjob): state only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts_app", "0001_initial"),
        ("deals_app", "0008_importjob_to_crm_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ImportJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("state", models.CharField(choices=[("draft", "Waiting for you"), ("queued", "Queued"), ("running", "Running"), ("succeeded", "Imported"), ("failed", "Refused")], default="draft", max_length=10)),
                        ("progress", models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")),
                        ("progress_message", models.CharField(blank=True, max_length=300)),
                        ("files", models.JSONField(blank=True, default=list, help_text="Per file: name, stored path, kind, columns.")),
                        ("mapping", models.JSONField(blank=True, default=dict)),
                        ("counts", models.JSONField(blank=True, default=dict, help_text="Per kind: created, updated…")),
                        ("errors", models.JSONField(blank=True, default=list, help_text="Every bad row (10,000 max).")),
                        ("error_count", models.PositiveIntegerField(default=0)),
                        ("notes", models.JSONField(blank=True, default=list)),
                        ("report", models.TextField(blank=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("workspace", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts_app.workspace")),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["workspace", "-created_at"], name="importjob_ws_created")],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("state__in", ["draft", "queued", "running", "succeeded", "failed"])), name="importjob_state_valid"),
                            models.CheckConstraint(condition=models.Q(("progress__lte", 100)), name="importjob_progress_pct"),
                        ],
                    },
                ),
            ],
        ),
    ]
