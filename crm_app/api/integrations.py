"""/api/v1/integrations/: CRM connections, their test, "sync now" and their run log
(PRODUCT.md §11). Admins of the workspace only; other roles get 403, another workspace's
connection 404. ``credentials`` are write-only: no response ever holds them, only a hint.
"""

from django.db import transaction
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts_app.api.base import WorkspaceModelViewSet, membership_for_api_request
from accounts_app.api.schema import ErrorSerializer
from accounts_app.models import Membership
from crm_app.models import CrmConnection, CrmKind, SyncRun
from crm_app.selectors import connection_list, stage_map_entries, sync_run_get, sync_run_list
from crm_app.services.connections import (
    connection_create,
    connection_delete,
    connection_test,
    connection_update,
)
from crm_app.services.stages import stage_map_update
from crm_app.services.sync import sync_run_request
from deals_app.models import Stage

ADMINS_ONLY = "Admins of the workspace only (other roles: 403)."


class WorkspaceAdminPermission(permissions.BasePermission):
    """Only an admin of the request's workspace reads or changes its integrations."""

    message = "Only a workspace admin can manage integrations."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        return membership_for_api_request(request).role == Membership.Role.ADMIN


# --- serializers ------------------------------------------------------------------------------


class SyncCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deleted = serializers.IntegerField()
    skipped = serializers.IntegerField()


class SyncErrorSerializer(serializers.Serializer):
    object = serializers.CharField(help_text="The CRM object type, e.g. Opportunity.")
    id = serializers.CharField(help_text="The record's CRM id.")
    field = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class SyncRunSerializer(serializers.ModelSerializer):
    """A sync run: state, per-object counts, API requests made, and how many records failed."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    counts = serializers.DictField(
        child=SyncCountsSerializer(),
        read_only=True,
        help_text="CRM object type (Account, Contact, Opportunity, OpportunityContactRole) → "
        "counts.",
    )

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "connection",
            "state",
            "state_label",
            "full",
            "trigger",
            "counts",
            "requests",
            "error_count",
            "message",
            "progress_message",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class SyncRunDetailSerializer(SyncRunSerializer):
    """A run with its record errors (object, CRM id, field, message; the first 1,000)."""

    # The API's key "errors"; declared fields leave the class (Serializer.errors is unchanged).
    errors = SyncErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]

    class Meta(SyncRunSerializer.Meta):
        fields = [*SyncRunSerializer.Meta.fields, "errors"]
        read_only_fields = fields


class StageMapEntrySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The CRM's stage id.")
    # A declared field, not Field.label (the metaclass moves it into the fields).
    label = serializers.CharField()  # type: ignore[assignment]
    pipeline = serializers.CharField()
    pipeline_id = serializers.CharField()
    order = serializers.IntegerField(help_text="Its place in its pipeline.")
    closed = serializers.BooleanField()
    probability = serializers.FloatField(allow_null=True)
    stage = serializers.ChoiceField(choices=Stage.choices, help_text="The DealLens stage.")
    auto = serializers.BooleanField(help_text="false: an admin chose the stage; kept by syncs.")


class ConnectionSerializer(serializers.ModelSerializer):
    """A CRM connection. ``credentials`` are write-only; reads show ``credentials_hint``."""

    url = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=CrmKind.choices, help_text="Fixed once created.")
    instance_url = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="https only. Salesforce: the org's My Domain URL. HubSpot: blank for "
        "https://api.hubapi.com.",
    )
    credentials = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        write_only=True,
        required=False,
        help_text='Salesforce: {"client_id", "client_secret"}; HubSpot: {"access_token"}. '
        "Required on create; on a change, left out (or empty) keeps the stored ones. Never "
        "returned.",
    )
    segment_fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=100),
        required=False,
        help_text="Which CRM field fills industry, size, region and infrastructure "
        '(API names; "" = none). Keys left out keep their value (or the default).',
    )
    last_run = SyncRunSerializer(read_only=True, allow_null=True)
    is_failing = serializers.BooleanField(read_only=True)
    stages = serializers.SerializerMethodField(
        help_text="HubSpot: every pipeline stage and the DealLens stage it reads as (filled by "
        "the first sync); Salesforce: empty (its stage names say it all)."
    )
    stage_choices = serializers.DictField(
        child=serializers.ChoiceField(choices=Stage.choices),
        write_only=True,
        required=False,
        help_text='An admin\'s corrections, CRM stage id → DealLens stage ({"1004": '
        '"negotiation"}); kept across syncs, and the next run moves the deals already synced.',
    )

    class Meta:
        model = CrmConnection
        fields = [
            "id",
            "url",
            "kind",
            "name",
            "instance_url",
            "credentials",
            "credentials_hint",
            "segment_fields",
            "schedule_minutes",
            "enabled",
            "last_run",
            "is_failing",
            "stages",
            "stage_choices",
            "consecutive_failures",
            "last_error",
            "next_run_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "credentials_hint",
            "consecutive_failures",
            "last_error",
            "next_run_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"schedule_minutes": {"min_value": 0, "max_value": 10080}}

    @extend_schema_field(StageMapEntrySerializer(many=True))
    def get_stages(self, connection) -> list[dict]:
        return list(StageMapEntrySerializer(stage_map_entries(connection), many=True).data)

    def get_url(self, connection) -> str:
        return reverse("integration-api-detail", args=[connection.pk])

    def validate(self, attrs):
        if self.instance is not None and "kind" in attrs:
            if attrs["kind"] != self.instance.kind:
                raise serializers.ValidationError(
                    {"kind": ["A connection's CRM cannot change; add a new connection."]}
                )
            attrs.pop("kind")
        return attrs


class SyncRequestSerializer(serializers.Serializer):
    full = serializers.BooleanField(
        default=False,
        help_text="true: read everything again (a full resync); false: only what changed.",
    )


class TestResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    message = serializers.CharField(help_text="What worked, or what to fix.")


# --- views ------------------------------------------------------------------------------------

RUN_ID = OpenApiParameter("run_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="List CRM connections",
        description=f"The workspace's connections by name, with their last run. {ADMINS_ONLY}",
    ),
    retrieve=extend_schema(summary="Read a CRM connection", description=ADMINS_ONLY),
    create=extend_schema(
        summary="Connect a CRM",
        description="Salesforce (client credentials) or HubSpot (private app token). The "
        f"credentials are encrypted at once and never returned. {ADMINS_ONLY}",
    ),
    partial_update=extend_schema(
        summary="Change a CRM connection",
        description="Fields left out stay; credentials left out or empty stay. Changing "
        f"credentials clears the failure count. {ADMINS_ONLY}",
    ),
    destroy=extend_schema(
        summary="Delete a CRM connection",
        description="Its runs and sync marks go; the records it synced stay. " + ADMINS_ONLY,
    ),
)
class IntegrationViewSet(WorkspaceModelViewSet):
    """CRM connections of the request's workspace; another workspace's is not found."""

    queryset = CrmConnection.objects.all()
    selector = connection_list
    serializer_class = ConnectionSerializer
    permission_classes = [
        permissions.IsAuthenticated,
        WorkspaceAdminPermission,
    ]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["kind", "enabled"]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name", "id"]

    def get_serializer_class(self):
        if self.action == "runs":
            return SyncRunSerializer
        if self.action == "run":
            return SyncRunDetailSerializer
        if self.action == "sync":
            return SyncRequestSerializer
        if self.action == "test":
            return TestResultSerializer
        return ConnectionSerializer

    def perform_create(self, serializer):
        data = {"credentials": None, **serializer.validated_data}
        data.pop("stage_choices", None)  # a new connection has no stages yet (the first sync)
        connection = self._call(connection_create, user=self.request.user, **data)
        serializer.instance = self._reload(connection)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        choices = data.pop("stage_choices", None)
        connection = serializer.instance
        with transaction.atomic():  # the choices and the other fields, or neither
            if choices:
                connection = self._call(stage_map_update, connection=connection, choices=choices)
            connection = self._call(connection_update, connection=connection, **data)
        serializer.instance = self._reload(connection)

    def perform_destroy(self, instance):
        self._call(connection_delete, connection=instance)

    @extend_schema(
        summary="Test a CRM connection",
        description="One cheap call to the CRM. `ok` false with a message a person can act "
        "on: bad credentials, wrong URL, missing permission, unreachable. " + ADMINS_ONLY,
        request=None,
        responses={200: TestResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        connection = self.get_object()
        ok, message = connection_test(connection=connection, workspace=self.workspace)
        return Response({"ok": ok, "message": message})

    @extend_schema(
        summary="Sync now",
        description="Starts a sync run (`full`: read everything again) and answers 202 with "
        "it. While a run is queued or running, that run is answered instead (202 too). 503 "
        f"when the task queue is unavailable: nothing was synced. {ADMINS_ONLY}",
        request=SyncRequestSerializer,
        responses={
            202: SyncRunSerializer,
            503: OpenApiResponse(ErrorSerializer, description="The task queue is unavailable."),
        },
    )
    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        connection = self.get_object()
        params = SyncRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        run, _created = self._call(
            sync_run_request,
            connection=connection,
            user=request.user,
            full=params.validated_data["full"],
            trigger=SyncRun.Trigger.MANUAL,
        )
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="List a connection's sync runs",
        description=f"Newest first, paginated; errors are on each run's own page. {ADMINS_ONLY}",
        responses={200: SyncRunSerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"])
    def runs(self, request, pk=None):
        connection = self.get_object()
        page = self.paginate_queryset(sync_run_list(connection=connection))
        return self.get_paginated_response(SyncRunSerializer(page, many=True).data)

    @extend_schema(
        summary="Read a sync run",
        description="Counts per object and every record error (object, CRM id, field, "
        f"message). {ADMINS_ONLY}",
        parameters=[RUN_ID],
        responses={200: SyncRunDetailSerializer},
        filters=False,
    )
    # Any segment (dots too) reaches the view, so a malformed id is the API's JSON 404, not the
    # site's HTML one.
    @action(detail=True, methods=["get"], url_path=r"runs/(?P<run_id>[^/]+)")
    def run(self, request, pk=None, run_id=None):
        connection = self.get_object()
        if not str(run_id).isdigit() or len(str(run_id)) > 18:
            raise exceptions.NotFound()
        try:
            run = sync_run_get(workspace=self.workspace, pk=int(run_id))
        except SyncRun.DoesNotExist as exc:
            raise exceptions.NotFound() from exc
        if run.connection_id != connection.pk:
            raise exceptions.NotFound()
        return Response(SyncRunDetailSerializer(run).data)
