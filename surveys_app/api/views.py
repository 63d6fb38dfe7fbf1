"""API views of surveys_app: the surveys of the workspace, and sending a closed deal's."""

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response

from accounts_app.api.base import WorkspaceViewMixin
from accounts_app.api.plumbing import OrderingFilter, Pagination
from accounts_app.filters import MAX_ID
from deals_app.models import Deal
from surveys_app.api.serializers import SurveySendSerializer, SurveySerializer
from surveys_app.filters import SurveyFilter
from surveys_app.models import Survey
from surveys_app.selectors import survey_list
from surveys_app.services import survey_send


@extend_schema_view(
    list=extend_schema(
        summary="List surveys",
        description="Win/loss surveys of the workspace, newest first, with their state "
        "(`sent`, `opened`, `answered`, `expired`) and, once answered, the buyer's answer. "
        "Filters: `?state=`, `?deal=`, `?contact=`.",
    ),
    retrieve=extend_schema(summary="Get a survey"),
)
class SurveyViewSet(
    WorkspaceViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Surveys sent to buyers; another workspace's survey is not found."""

    queryset = Survey.objects.all()
    selector = survey_list
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["sent_at", "answered_at", "expires_at"]


class DealSurveysView(WorkspaceViewMixin, generics.GenericAPIView):
    """``POST deals/<id>/surveys/``: send a closed deal's survey to contacts."""

    queryset = Survey.objects.all()
    serializer_class = SurveySendSerializer
    write_roles = ("pm", "sales")  # a sales rep only for deals they own (the service checks)

    @extend_schema(
        summary="Send a deal's win/loss survey",
        description="Sends the survey e-mail to each contact (one survey per contact per deal). "
        "A contact asked before gets a reminder: a new link for the same survey "
        "(`reminded: true`); one who answered already is refused. Only for won or lost "
        "deals; writers: admins, PMs and the deal's owner. 400 with `contacts` or `deal` "
        "messages for a contact without an e-mail address, another workspace's contact, or "
        "an open deal.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The deal.")
        ],
        request=SurveySendSerializer,
        responses={201: SurveySerializer(many=True)},
        examples=[OpenApiExample("Two contacts", value={"contacts": [12, 15]}, request_only=True)],
    )
    def post(self, request, id: str):  # noqa: A002 - the route's parameter
        if not id.isdigit() or int(id) > MAX_ID:
            raise Http404("No Deal matches the given query.")
        try:
            deal = Deal.objects.for_workspace(self.workspace).get(pk=int(id))
        except Deal.DoesNotExist:
            raise Http404("No Deal matches the given query.") from None
        body = SurveySendSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        surveys = survey_send(
            workspace=self.workspace,
            deal=deal,
            contacts=body.validated_data["contacts"],
            sent_by=request.user,
        )
        reminded = {s.pk: getattr(s, "reminded", False) for s in surveys}
        rows = list(survey_list(workspace=self.workspace).filter(pk__in=reminded))
        for row in rows:
            row.reminded = reminded[row.pk]  # type: ignore[attr-defined]
        data = SurveySerializer(rows, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
