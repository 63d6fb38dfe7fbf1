"""/api/v1/subscriptions/: the caller's own alert subscriptions (PRODUCT.md §12), and
``subscriptions/preferences/`` for their digest hour and weekday.

Every member manages their own (execs too: these are their own settings, like saved views);
another member's or another workspace's id is a 404. ``slack_url`` is write-only: reads show
``slack_url_hint``. A member without settings yet gets their role's defaults on first read.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts_app.api.base import WorkspaceModelViewSet, WorkspacePrimaryKeyRelatedField
from accounts_app.models import Membership, Segment
from common.encryption import SecretUnreadable, decrypt
from events_app.models import EventType

from ..models import AlertPreference, Subscription
from ..selectors.notifications import alert_preference_get, subscription_list
from ..services.subscriptions import (
    alert_preference_update,
    slack_url_hint,
    subscription_create,
    subscription_defaults_ensure,
    subscription_delete,
    subscription_update,
)

OWN = "Your own subscriptions in this workspace; anyone else's id is a 404. Every member."


class SubscriptionSerializer(serializers.ModelSerializer):
    """Which event types, for which deals, through which channel."""

    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        allow_empty=False,
        max_length=len(EventType.values) * 2,
        help_text="At least one event type.",
    )
    segment = WorkspacePrimaryKeyRelatedField(
        queryset=Segment.objects.all(),
        allow_null=True,
        required=False,
        help_text="A saved segment of this workspace: only deals of its accounts.",
    )
    slack_url = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=500,
        help_text="https only. This subscription's own Slack incoming-webhook URL (else the "
        'workspace\'s). Never returned; left out or null keeps it, "" removes it.',
    )
    slack_url_hint = serializers.SerializerMethodField(
        help_text="The stored Slack URL's host and last characters, or ''."
    )

    class Meta:
        model = Subscription
        fields = [
            "id",
            "event_types",
            "channel",
            "scope",
            "min_amount",
            "segment",
            "digest_frequency",
            "slack_url",
            "slack_url_hint",
            "enabled",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "min_amount": {"min_value": 0, "help_text": "Only deals of at least this amount."}
        }

    @extend_schema_field(serializers.CharField())
    def get_slack_url_hint(self, subscription: Subscription) -> str:
        if not subscription.slack_url_encrypted:
            return ""
        try:
            return slack_url_hint(decrypt(subscription.slack_url_encrypted))
        except SecretUnreadable:
            return "unreadable"


class AlertPreferenceSerializer(serializers.ModelSerializer):
    """When the caller's e-mail digests go out."""

    class Meta:
        model = AlertPreference
        fields = ["digest_hour", "digest_weekday"]
        extra_kwargs = {
            "digest_hour": {"min_value": 0, "max_value": 23},
            "digest_weekday": {"min_value": 0, "max_value": 6},
        }


@extend_schema_view(
    list=extend_schema(summary="List my subscriptions", description=OWN),
    retrieve=extend_schema(summary="Read one of my subscriptions", description=OWN),
    create=extend_schema(summary="Add a subscription", description=OWN),
    partial_update=extend_schema(
        summary="Change one of my subscriptions", description=f"Fields left out stay. {OWN}"
    ),
    destroy=extend_schema(summary="Delete one of my subscriptions", description=OWN),
)
class SubscriptionViewSet(WorkspaceModelViewSet):
    queryset = Subscription.objects.all()
    serializer_class = SubscriptionSerializer
    write_roles = tuple(Membership.Role.values)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Subscription.objects.none()
        return subscription_list(workspace=self.workspace, user=self.request.user)

    def list(self, request, *args, **kwargs):
        subscription_defaults_ensure(workspace=self.workspace)  # a new member sees defaults
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        if self.action == "preferences":
            return AlertPreferenceSerializer
        return SubscriptionSerializer

    def _user_call(self, func, **kwargs):
        try:
            return func(workspace=self.workspace, user=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc

    def perform_create(self, serializer):
        obj = self._user_call(subscription_create, **serializer.validated_data)
        serializer.instance = self._reload(obj)

    def perform_update(self, serializer):
        obj = self._user_call(
            subscription_update, subscription=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self._reload(obj)

    def perform_destroy(self, instance):
        self._user_call(subscription_delete, subscription=instance)

    @extend_schema(
        methods=["GET"],
        summary="Read my digest time",
        description="The hour (0–23, workspace time) your digests go out, and the weekday "
        "(0 = Monday) of a weekly digest.",
        responses={200: AlertPreferenceSerializer},
        filters=False,
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Change my digest time",
        description="Fields left out stay.",
        request=AlertPreferenceSerializer,
        responses={200: AlertPreferenceSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get", "patch"], pagination_class=None)
    def preferences(self, request):
        preference = alert_preference_get(workspace=self.workspace, user=request.user)
        if request.method == "GET":
            return Response(AlertPreferenceSerializer(preference).data)
        serializer = AlertPreferenceSerializer(preference, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {
            "digest_hour": preference.digest_hour,
            "digest_weekday": preference.digest_weekday,
            **serializer.validated_data,
        }
        updated = self._user_call(alert_preference_update, **data)
        return Response(AlertPreferenceSerializer(updated).data)
