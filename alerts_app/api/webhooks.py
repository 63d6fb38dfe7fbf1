"""/api/v1/webhooks/: an admin's outbound webhook endpoints and their delivery log
(PRODUCT.md §12). Admins of the workspace only, reads too (other roles: 403); another
workspace's endpoint or delivery is a 404. The ``whsec_`` secret is in the answer of a create
and of a rotate, once; never in a list or a read (only ``secret_hint``).
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts_app.api.base import Services, WorkspaceModelViewSet, membership_for_api_request
from accounts_app.api.schema import ErrorSerializer
from accounts_app.models import Membership
from events_app.models import EventType

from ..models import WebhookDelivery, WebhookEndpoint
from ..selectors.webhooks import webhook_delivery_get, webhook_delivery_list, webhook_endpoint_list
from ..services.webhooks import (
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)

ADMINS_ONLY = "Admins of the workspace only (other roles: 403)."


class WorkspaceAdminPermission(permissions.BasePermission):
    """Only an admin of the request's workspace reads or changes its webhooks."""

    message = "Only a workspace admin can manage webhooks."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        return membership_for_api_request(request).role == Membership.Role.ADMIN


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint: where deliveries go, which event types (none: all), and its health."""

    api_url = serializers.SerializerMethodField()
    url = serializers.CharField(
        max_length=500,
        help_text="http(s) URL of the receiver. Hosts resolving to private, loopback or "
        "link-local addresses are refused.",
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        required=False,
        max_length=len(EventType.values) * 2,
        help_text="Event types sent to it; empty: every type.",
    )
    last_delivery_state = serializers.CharField(read_only=True, allow_null=True, default=None)
    last_delivery_at = serializers.DateTimeField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "api_url",
            "url",
            "description",
            "event_types",
            "enabled",
            "secret_hint",
            "disabled_reason",
            "failing_since",
            "last_delivery_state",
            "last_delivery_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["secret_hint", "disabled_reason", "failing_since"]

    def get_api_url(self, endpoint) -> str:
        return reverse("webhook-api-detail", args=[endpoint.pk])


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """A new endpoint with its signing secret: shown this once, never again."""

    secret = serializers.CharField(read_only=True, help_text="whsec_…: keep it; not shown again.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new whsec_… secret: shown this once.")
    secret_hint = serializers.CharField()


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event for the endpoint: its state, attempts and the last answer."""

    event_id = serializers.CharField(source="event.public_id", help_text="= webhook-id.")
    event_type = serializers.CharField(source="event.type")
    event_summary = serializers.CharField(source="event.summary")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "state",
            "attempts",
            "response_status",
            "response_excerpt",
            "duration_ms",
            "error",
            "last_attempt_at",
            "next_attempt_at",
            "event_id",
            "event_type",
            "event_summary",
            "created_at",
        ]
        read_only_fields = fields


DELIVERY_ID = OpenApiParameter("delivery_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(summary="List webhook endpoints", description=ADMINS_ONLY),
    retrieve=extend_schema(summary="Read a webhook endpoint", description=ADMINS_ONLY),
    create=extend_schema(
        summary="Add a webhook endpoint",
        description="Answers 201 with the endpoint and its `secret` (whsec_…), this once. "
        + ADMINS_ONLY,
        responses={201: WebhookEndpointCreatedSerializer},
    ),
    update=extend_schema(summary="Replace a webhook endpoint", description=ADMINS_ONLY),
    partial_update=extend_schema(
        summary="Change a webhook endpoint",
        description="Switching it on again clears `disabled_reason` and `failing_since`. "
        + ADMINS_ONLY,
    ),
    destroy=extend_schema(
        summary="Delete a webhook endpoint", description="With its delivery log. " + ADMINS_ONLY
    ),
)
class WebhookEndpointViewSet(WorkspaceModelViewSet):
    """Webhook endpoints of the request's workspace; another workspace's is not found."""

    queryset = WebhookEndpoint.objects.all()
    selector = webhook_endpoint_list
    serializer_class = WebhookEndpointSerializer
    permission_classes = [permissions.IsAuthenticated, WorkspaceAdminPermission]
    services = Services(
        obj="endpoint",
        create=webhook_endpoint_create,
        update=webhook_endpoint_update,
        delete=webhook_endpoint_delete,
    )
    filterset_fields = ["enabled"]
    search_fields = ["url", "description"]
    ordering_fields = ["id", "created_at", "url"]
    ordering = ["id"]

    def get_serializer_class(self):
        if self.action in ("deliveries", "replay"):
            return WebhookDeliverySerializer
        if self.action == "rotate_secret":
            return SecretSerializer
        return WebhookEndpointSerializer

    def perform_create(self, serializer):
        endpoint, secret = self._call(
            webhook_endpoint_create, created_by=self.request.user, **serializer.validated_data
        )
        serializer.instance = self._reload(endpoint)
        self._secret = secret

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = WebhookEndpointCreatedSerializer(
            serializer.instance, context=self.get_serializer_context()
        ).data
        data["secret"] = self._secret
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rotate an endpoint's secret",
        description="A new whsec_ secret, used from the next attempt on; answered this once. "
        + ADMINS_ONLY,
        request=None,
        responses={200: SecretSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        secret = self._call(webhook_endpoint_rotate_secret, endpoint=endpoint)
        endpoint.refresh_from_db(fields=["secret_hint"])
        return Response({"secret": secret, "secret_hint": endpoint.secret_hint})

    @extend_schema(
        summary="List an endpoint's deliveries",
        description="The delivery log, newest first, paginated: state, attempts, the last "
        "answer's status, excerpt and time, the next attempt, the event. " + ADMINS_ONLY,
        responses={200: WebhookDeliverySerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        page = self.paginate_queryset(webhook_delivery_list(endpoint=endpoint))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Replay a delivery",
        description="Sends the event again with the same webhook-id (queued; answers 202 at "
        "once). 400 while the endpoint is off or an attempt is under way. " + ADMINS_ONLY,
        parameters=[DELIVERY_ID],
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            400: OpenApiResponse(ErrorSerializer, description="Endpoint off, or being sent."),
        },
        filters=False,
    )
    # Any segment reaches the view, so a malformed id is the API's JSON 404.
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[^/]+)/replay")
    def replay(self, request, pk=None, delivery_id=None):
        endpoint = self.get_object()
        if not str(delivery_id).isdigit() or len(str(delivery_id)) > 18:
            raise exceptions.NotFound()
        try:
            delivery = webhook_delivery_get(endpoint=endpoint, pk=int(delivery_id))
        except WebhookDelivery.DoesNotExist as exc:
            raise exceptions.NotFound() from exc
        delivery = self._call(webhook_delivery_replay, delivery=delivery)
        delivery = webhook_delivery_get(endpoint=endpoint, pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
