"""/api/v1/imports/: upload CRM exports (202 + import id), follow an import, list past ones.

Who may import: admins (they manage imports, PRODUCT.md §2) and sales leads (they write accounts,
contacts and deals, which is what an import writes). Every member may read imports.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts_app.api.base import WorkspaceViewMixin
from accounts_app.api.schema import ErrorSerializer
from common.parsers import MAX_DEPTH, JSONParser, JSONTooDeep, json_loads
from crm_app.ingest.recognition import KIND_LABELS
from crm_app.ingest.sources import skipped_sources
from crm_app.models import ImportJob
from crm_app.selectors import import_job_list, import_job_sources, import_job_warnings
from crm_app.services.import_jobs import import_job_create, import_job_discard, import_job_start
from crm_app.services.progress import progress_read
from crm_app.uploads import import_upload_limit

WRITERS = "admins and sales leads"


class ImportFileSerializer(serializers.Serializer):
    """One file of an import and what it was recognised as."""

    name = serializers.CharField()
    kind = serializers.CharField(allow_null=True, help_text="account, contact, deal, deal_role")
    kind_label = serializers.CharField()
    # The API's key "source"; DRF's metaclass moves declared fields out of the class
    # attributes, so Field.source is untouched. The stubs see the class attribute.
    source = serializers.CharField(  # type: ignore[assignment]
        help_text='For example "Salesforce Opportunity export".'
    )
    columns = serializers.DictField(
        child=serializers.CharField(), help_text="DealLens field → the column it is read from."
    )
    ignored = serializers.ListField(child=serializers.CharField())
    custom = serializers.ListField(
        child=serializers.CharField(),
        help_text="Custom fields (…__c) not mapped to a field; segment_fields can map them.",
    )
    status = serializers.CharField(help_text='"Ready", or what stops the file.')
    skipped = serializers.BooleanField(
        help_text="Not recognised beside recognised files: not read (price books, products…)."
    )
    rows = serializers.IntegerField(allow_null=True)


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()


class ImportCountsSerializer(serializers.Serializer):
    account = CountsSerializer()
    contact = CountsSerializer()
    deal = CountsSerializer()
    deal_role = CountsSerializer()


class RowErrorSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(
        allow_null=True, help_text="Row as a spreadsheet shows it; the header is line 1."
    )
    text_line = serializers.IntegerField(
        allow_null=True, help_text="The line of the text file the row starts on."
    )
    column = serializers.CharField()
    value = serializers.CharField()
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    """An import: its state and progress, its files, and the report once it is over."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    progress = serializers.SerializerMethodField(help_text="Percent done, 0–100.")
    progress_message = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    # The API's key "errors"; declared fields leave the class (Serializer.errors is unchanged).
    errors = RowErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]
    warnings = serializers.SerializerMethodField(
        help_text="Files skipped, and rows imported with a caveat (a deal opened after its "
        "close date keeps its opening date unknown): file, line, column, value, message."
    )
    notes = serializers.ListField(child=serializers.CharField(), read_only=True)
    created_by = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "state",
            "state_label",
            "progress",
            "progress_message",
            "files",
            "counts",
            "error_count",
            "errors",
            "warnings",
            "notes",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, job) -> int:
        return progress_read(job)[0]

    def get_progress_message(self, job) -> str:
        return progress_read(job)[1]

    @extend_schema_field(RowErrorSerializer(many=True))
    def get_warnings(self, job) -> list[dict]:
        return import_job_warnings(job)

    @extend_schema_field(ImportFileSerializer(many=True))
    def get_files(self, job) -> list[dict]:
        out = []
        sources = import_job_sources(job)
        skipped = {id(source) for source in skipped_sources(sources)}
        for data, source in zip(job.files, sources, strict=True):
            out.append(
                {
                    "name": source.name,
                    "kind": source.kind,
                    "kind_label": KIND_LABELS.get(source.kind or "", "Not recognised"),
                    "source": source.source,
                    "columns": {k: source.column_label(k) for k in source.columns},
                    "ignored": source.ignored,
                    "custom": source.custom,
                    "status": source.status,
                    "skipped": id(source) in skipped,
                    "rows": data.get("rows"),
                }
            )
        return out

    @extend_schema_field(ImportCountsSerializer)
    def get_counts(self, job) -> dict:
        return job.counts or {}

    def get_created_by(self, job) -> str | None:
        return job.created_by.get_username() if job.created_by else None

    def get_url(self, job) -> str:
        return reverse("import-job-detail", args=[job.pk])


class ImportCreateSerializer(serializers.Serializer):
    """The upload: one or several CSV files, and optionally a column mapping as JSON text."""

    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        allow_empty=False,
        help_text="CSV exports, in any order (Salesforce, HubSpot, or any CSV with a mapping).",
    )
    mapping = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text='JSON keyed by file name: {"pipeline.csv": {"kind": "deal", "columns": '
        '{"external_id": "id", "account": "account", "name": "title"}, "values": {"stage": '
        '{"Engaging": "evaluation"}}, "skip_incomplete": false, "day_first": false}}. '
        '"segment_fields" names the column of the accounts files, custom fields included, '
        'that fills lifecycle, industry, size, region or infrastructure: {"segment_fields": '
        '{"lifecycle": "Customer_Status__c"}, "Opportunity.csv": {…}}.',
    )

    def validate_mapping(self, value: str):
        if not value.strip():
            return None
        try:
            mapping = json_loads(value)
        except JSONTooDeep as exc:
            raise serializers.ValidationError(
                f"The mapping is nested deeper than {MAX_DEPTH} levels; give a flatter one."
            ) from exc
        except ValueError as exc:
            raise serializers.ValidationError(f"This is not valid JSON: {exc}.") from exc
        if not isinstance(mapping, dict):
            raise serializers.ValidationError("Give a JSON object keyed by file name.")
        if _has_null_character(mapping):
            # PostgreSQL cannot store U+0000 in text or jsonb; refuse it as bad input.
            raise serializers.ValidationError("Null characters are not allowed.")
        return mapping


def _has_null_character(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_null_character(k) or _has_null_character(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_null_character(v) for v in value)
    return False


ERROR_400 = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Bad upload: no file, a file that is not CSV, no file recognised and none "
    "mapped, a bad mapping, or a file past the size limits (DEALLENS_IMPORT_MAX_FILE_MB per "
    'file, DEALLENS_IMPORT_MAX_TOTAL_MB in all). Messages per field: {"files": [...], '
    '"mapping": [...]}.',
)


@extend_schema_view(
    list=extend_schema(
        summary="List imports",
        description="Past and running imports of the workspace, newest first.",
    ),
    retrieve=extend_schema(
        summary="Read an import",
        description="State, progress, counts created/updated/unchanged per kind, and every "
        "row error (file, line, column, value, message). Poll it while it runs.",
    ),
    create=extend_schema(
        summary="Import CRM exports",
        description="Upload CSV files as multipart/form-data (`files`, repeated; optional "
        f"`mapping`). Answers 202 with the import; it runs as a task. Writers: {WRITERS}. "
        "Files not recognised beside recognised ones (price books, products) are skipped and "
        "listed in `warnings`. "
        "All or nothing: if any row is bad, nothing is written and the import lists every "
        "bad row. 503 when the task queue (Redis) is unavailable: the import is kept as a "
        "draft and nothing was written.",
        request={"multipart/form-data": ImportCreateSerializer},
        responses={
            202: ImportJobSerializer,
            400: ERROR_400,
            503: OpenApiResponse(ErrorSerializer, description="The task queue is unavailable."),
        },
    ),
)
class ImportJobViewSet(
    WorkspaceViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """CRM imports of the request's workspace; another workspace's import is not found."""

    queryset = ImportJob.objects.all()
    selector = import_job_list
    serializer_class = ImportJobSerializer
    write_roles = ("sales",)
    parser_classes = [MultiPartParser, FormParser, JSONParser]  # JSONParser: depth-limited
    filterset_fields = ["state"]
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    search_fields: list[str] = []

    upload_limit = None

    def get_serializer_class(self):
        return ImportCreateSerializer if self.action == "create" else ImportJobSerializer

    def initialize_request(self, request, *args, **kwargs):
        drf_request = super().initialize_request(request, *args, **kwargs)
        if self.action == "create":  # before the body is read (the CSRF check may read it)
            self.upload_limit = import_upload_limit(request)
        return drf_request

    def create(self, request, *args, **kwargs):
        body = request.data  # parsed through the upload limit
        if self.upload_limit is not None and self.upload_limit.refusal:
            raise serializers.ValidationError({"files": [self.upload_limit.refusal]})
        upload = ImportCreateSerializer(data=body)
        upload.is_valid(raise_exception=True)
        job, problems = import_job_create(
            workspace=self.workspace,
            user=request.user,
            uploads=upload.validated_data["files"],
            mapping=upload.validated_data.get("mapping"),
        )
        if problems:
            import_job_discard(job=job)
            raise serializers.ValidationError({"files": problems})
        job = import_job_start(job=job)
        data = ImportJobSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})
