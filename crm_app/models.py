"""What comes from a CRM: import jobs, and live connections with their runs and marks."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.models import WorkspaceOwnedModel
from deals_app.models import Stage


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


class CrmKind(models.TextChoices):
    SALESFORCE = "salesforce", "Salesforce"
    HUBSPOT = "hubspot", "HubSpot"


# The CRM fields that fill the account segment fields by default (PRODUCT.md §11); "" = none.
DEFAULT_SEGMENT_FIELDS = {
    CrmKind.SALESFORCE: {
        "industry": "Industry",
        "size": "NumberOfEmployees",
        "region": "BillingCountry",
        "infrastructure": "",
    },
    CrmKind.HUBSPOT: {
        "industry": "industry",
        "size": "numberofemployees",
        "region": "country",
        "infrastructure": "",
    },
}
DEFAULT_INSTANCE_URL = {CrmKind.SALESFORCE: "", CrmKind.HUBSPOT: "https://api.hubapi.com"}


class CrmConnection(WorkspaceOwnedModel):
    """A workspace's live link to its CRM: where, how to sign in (encrypted), what fills the
    segment fields, how often to sync, and how the last runs went."""

    Kind = CrmKind

    kind = models.CharField(max_length=20, choices=CrmKind.choices)
    name = models.CharField(max_length=100)
    instance_url = models.URLField(
        max_length=300, help_text="Salesforce: the org's My Domain URL. HubSpot: the API host."
    )
    # Fernet token of the credentials' JSON (common.encryption); never shown or logged.
    credentials_encrypted = models.TextField(blank=True, editable=False)
    credentials_hint = models.CharField(max_length=20, blank=True, editable=False)
    segment_fields = models.JSONField(default=dict, blank=True)
    schedule_minutes = models.PositiveIntegerField(
        default=15, help_text="Minutes between scheduled syncs; 0 syncs only when asked."
    )
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Failing runs in a row (0 after a success) and the last one's message, for the page.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    last_run = models.ForeignKey(
        "crm_app.SyncRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # HubSpot: pipeline stage id → {"label", "pipeline", "pipeline_id", "order", "closed",
    # "probability", "stage" (the DealLens stage), "auto" (False once an admin chose it)}.
    # Refreshed from the pipelines API each run (services.stages); empty for Salesforce.
    stage_map = models.JSONField(default=dict, blank=True, editable=False)
    # When the schedule next starts a run (None: manual only or disabled).
    next_run_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["salesforce", "hubspot"]), name="crmconnection_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["workspace", "name"], name="crmconnection_name_unique_per_workspace"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def is_failing(self) -> bool:
        return self.consecutive_failures > 0


class SyncRun(WorkspaceOwnedModel):
    """One sync of one connection: its state, per-object counts, requests made, and errors."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Partly synced"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        MANUAL = "manual", "Sync now"
        COMMAND = "command", "Command line"

    ACTIVE = (State.QUEUED, State.RUNNING)

    connection = models.ForeignKey(CrmConnection, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    full = models.BooleanField(default=False)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # object type → {"created", "updated", "deleted", "skipped", "unchanged"}
    counts = models.JSONField(default=dict, blank=True)
    requests = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="Per bad record: object, CRM id, message (1,000 max)."
    )
    error_count = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    progress_message = models.CharField(max_length=300, blank=True)
    changed_data = models.BooleanField(default=False)
    # Per object: what the run's values said (unknown roles or stages read as defaults, …).
    notes = models.JSONField(default=dict, blank=True)
    # Per object type: the stamp this run has committed up to, or "done"; a resumed run (its
    # worker died) starts each object from here instead of from the beginning.
    cursor = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "succeeded", "partial", "failed"]),
                name="syncrun_state_valid",
            ),
            # One run per connection at a time: a second request gets the active one.
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(state__in=["queued", "running"]),
                name="syncrun_one_active_per_connection",
            ),
        ]
        indexes = [models.Index(fields=["connection", "-created_at"], name="syncrun_conn_created")]

    def __str__(self) -> str:
        return f"Sync {self.pk} of {self.connection_id} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state not in self.ACTIVE


class SyncMark(WorkspaceOwnedModel):
    """The high-water marks of one object type of one connection. They move only in the
    transaction that commits the records before them, so a run that dies resumes from here."""

    connection = models.ForeignKey(CrmConnection, on_delete=models.CASCADE, related_name="marks")
    object_type = models.CharField(max_length=60)
    # The last committed record's modification stamp and id (keyset: stamp, id).
    modified_at = models.DateTimeField(null=True, blank=True)
    modified_id = models.CharField(max_length=40, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The object's queryable fields (from describe), kept so incremental runs need no describe.
    fields = models.JSONField(default=list, blank=True)
    # id → stamp of the records read in the overlap before ``modified_at`` (HubSpot): the next
    # run skips them at the same stamp instead of paying for their associations again.
    edge = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "object_type"], name="syncmark_unique_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.connection_id}/{self.object_type} @ {self.modified_at}"


class StageAlias(WorkspaceOwnedModel):
    """A stage label an import or a Salesforce sync met that the vocabulary does not know, and
    the DealLens stage an admin chose for it ("" until then: read as discovery). Imports and
    syncs of the workspace read the chosen stage before the vocabulary."""

    key = models.CharField(max_length=200, help_text="The label normalised (letters, digits).")
    value = models.CharField(max_length=200, help_text="The label as the CRM wrote it.")
    stage = models.CharField(max_length=20, blank=True, choices=Stage.choices)
    seen_count = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["value", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="stagealias_key_unique"),
            models.CheckConstraint(
                condition=Q(stage__in=["", *Stage.values]), name="stagealias_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} → {self.stage or 'unmapped'}"
