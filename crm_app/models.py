"""What comes from a CRM: import jobs (and, next, live connections and their runs)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.models import WorkspaceOwnedModel


class ImportJob(WorkspaceOwnedModel):
    """One CRM import: its files and what they were recognised as, its state and progress, and
    the report (counts per kind, every bad row). The import itself is all or nothing."""

    class State(models.TextChoices):
        DRAFT = "draft", "Waiting for you"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Refused"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    progress_message = models.CharField(max_length=300, blank=True)
    files = models.JSONField(
        default=list, blank=True, help_text="Per file: name, stored path, kind, columns."
    )
    mapping = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text="Per kind: created, updated…")
    errors = models.JSONField(default=list, blank=True, help_text="Every bad row (10,000 max).")
    error_count = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True)
    report = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "queued", "running", "succeeded", "failed"]),
                name="importjob_state_valid",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="importjob_progress_pct"),
        ]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="importjob_ws_created")]

    def __str__(self) -> str:
        names = ", ".join(f.get("name", "?") for f in self.files) or "no files"
        return f"Import {self.pk} ({names})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)
