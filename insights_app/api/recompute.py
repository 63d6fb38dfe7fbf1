"""/api/v1/insights/recompute/ and /api/v1/tasks/<id>/: request a recompute of the insights,
and follow the background task's progress.

Every role may request a recompute, executives included: it changes no data, only brings the
figures up to date (PRODUCT.md §2: executives write nothing but their saved views, and they need
the fresh number most). A task of another workspace is not found.
"""

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts_app.api.base import WorkspaceViewMixin
from accounts_app.api.schema import ErrorSerializer
from accounts_app.models import Membership
from insights_app.models import InsightTask
from insights_app.selectors import insight_task_get
from insights_app.services import TaskQueueUnavailable, insights_recompute_request

# and admins: every role (a recompute writes no data of the workspace)
RECOMPUTE_ROLES = (Membership.Role.PM, Membership.Role.SALES, Membership.Role.EXEC)


class RecomputeRequestSerializer(serializers.Serializer):
    force = serializers.BooleanField(
        default=False,
        help_text="Recompute even when nothing changed since the last recompute.",
    )


class TaskAcceptedSerializer(serializers.Serializer):
    task_id = serializers.UUIDField()


class TaskSerializer(serializers.ModelSerializer):
    """A background task's state and progress (percent)."""

    class Meta:
        model = InsightTask
        fields = [
            "id",
            "kind",
            "state",
            "progress",
            "message",
            "created_at",
            "started_at",
            "finished_at",
            "result",
        ]
        read_only_fields = fields


class RecomputeView(WorkspaceViewMixin, APIView):
    write_roles = RECOMPUTE_ROLES

    @extend_schema(
        summary="Request a recompute of the insights",
        description=(
            "Queues a full recompute of the workspace's insights and answers 202 with the task "
            "id; follow it at `tasks/<id>/`. A recompute with unchanged data is cheap (unless "
            "`force`). Every member may ask, executives included (it changes no data). "
            "503 when the task queue (Redis) is unavailable; nothing was queued."
        ),
        request=RecomputeRequestSerializer,
        responses={
            202: TaskAcceptedSerializer,
            503: OpenApiResponse(ErrorSerializer, description="The task queue is unavailable."),
        },
        tags=["insights"],
    )
    def post(self, request):
        params = RecomputeRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            task = insights_recompute_request(
                workspace=self.workspace,
                requested_by=request.user,
                force=params.validated_data["force"],
            )
        except TaskQueueUnavailable as exc:
            return Response({"detail": exc.message}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"task_id": str(task.pk)}, status=status.HTTP_202_ACCEPTED)


class TaskDetailView(WorkspaceViewMixin, APIView):
    @extend_schema(
        summary="A background task's state and progress",
        description=(
            "`state` is queued, running, succeeded or failed; `progress` is percent done. "
            "Another workspace's task id is not found (404)."
        ),
        parameters=[
            OpenApiParameter("task_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
        ],
        responses={200: TaskSerializer},
        tags=["tasks"],
    )
    def get(self, request, task_id: str):
        try:
            key = uuid.UUID(str(task_id))
        except ValueError:
            raise exceptions.NotFound() from None
        task = insight_task_get(workspace=self.workspace, task_id=key)
        if task is None:
            raise exceptions.NotFound()
        return Response(TaskSerializer(task).data)
