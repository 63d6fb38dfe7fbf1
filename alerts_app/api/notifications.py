"""/api/v1/notifications/: the caller's own in-app notifications (the bell, PRODUCT.md §12).

Every member reads only their own lines in the request's workspace; another member's or
another workspace's id is a 404. ``POST notifications/{id}/read/`` marks one read,
``POST notifications/read-all/`` all of them ({"marked": n}).
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts_app.api.base import WorkspaceViewMixin
from accounts_app.api.plumbing import Pagination
from accounts_app.models import Membership
from events_app.models import Event, EventType

from ..models import Notification
from ..selectors.notifications import notification_list, safe_path
from ..services.notifications import notification_read, notifications_read_all

OWN_ONLY = "Your own notifications in this workspace only; anyone else's id is a 404."


class EventActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EventObjectSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="deal, conversation, assumption, import, …")
    id = serializers.CharField(help_text="The object's id ('' when the event names none).")
    url = serializers.CharField(help_text="A path of this site ('' when there is none).")


class EventSerializer(serializers.ModelSerializer):
    """The event a notification is about, shaped as PRODUCT.md §12 describes events."""

    id = serializers.CharField(source="public_id", help_text='"evt_" and 32 hex digits.')
    type = serializers.ChoiceField(choices=EventType.choices)
    actor = serializers.SerializerMethodField()
    object = serializers.SerializerMethodField()
    # The event's "data" key; DRF's metaclass moves declared fields out of the class
    # attributes, so Serializer.data is untouched. The stubs see the class attribute.
    data = serializers.DictField(  # type: ignore[assignment]
        help_text="What the event carries (a deal's name, amount…)."
    )

    class Meta:
        model = Event
        fields = ["id", "type", "summary", "occurred_at", "actor", "object", "data"]
        read_only_fields = fields

    @extend_schema_field(EventActorSerializer(allow_null=True))
    def get_actor(self, event: Event) -> dict | None:
        if event.actor is None:
            return None
        return {"id": event.actor.pk, "name": event.actor.get_full_name() or event.actor.username}

    @extend_schema_field(EventObjectSerializer)
    def get_object(self, event: Event) -> dict:
        return {
            "type": event.object_type,
            "id": event.object_id,
            "url": safe_path(event.object_url),
        }


class NotificationSerializer(serializers.ModelSerializer):
    """One line of the bell: an event, or a notice of DealLens itself (``event`` null, with
    ``message`` and ``url``)."""

    event = EventSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text="A path of this site, or ''.")

    class Meta:
        model = Notification
        fields = ["id", "event", "message", "url", "read_at", "created_at"]
        read_only_fields = fields

    def get_url(self, notification: Notification) -> str:
        return safe_path(notification.url)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notifications were marked read.")


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="true: only unread ones."
    )

    class Meta:
        model = Notification
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="List my notifications",
        description=f"Newest first, paginated; `unread=true` for unread ones. {OWN_ONLY}",
    ),
    retrieve=extend_schema(summary="Read one of my notifications", description=OWN_ONLY),
)
class NotificationViewSet(
    WorkspaceViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilter
    write_roles = tuple(Membership.Role.values)  # marking one's own lines read: every member
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notification_list(workspace=self.workspace, user=self.request.user)

    def filter_queryset(self, queryset):
        if getattr(self, "detail", False):
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        summary="Mark one of my notifications read",
        description=f"Marking it again changes nothing. {OWN_ONLY}",
        request=None,
        responses={200: NotificationSerializer},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_read(workspace=self.workspace, user=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications read",
        description="Every unread notification of yours in this workspace; answers how many.",
        request=None,
        responses={200: MarkedSerializer},
        filters=False,
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = notifications_read_all(workspace=self.workspace, user=request.user)
        return Response({"marked": marked})
