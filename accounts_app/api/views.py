"""API views of accounts_app: customer accounts, saved segments and the member's workspaces."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from accounts_app.api.base import Services, WorkspaceModelViewSet
from accounts_app.api.schema import ERRORS, crud_schema
from accounts_app.api.serializers import (
    AccountSerializer,
    SegmentSerializer,
    WorkspaceSerializer,
)
from accounts_app.filters import AccountFilter, SegmentFilter
from accounts_app.models import Account, Membership, Segment
from accounts_app.selectors import membership_list, segment_list
from accounts_app.services import (
    account_create,
    account_delete,
    account_update,
    segment_create,
    segment_delete,
    segment_update,
)

SALES = (Membership.Role.SALES,)


@crud_schema(
    "account",
    "accounts",
    writers="sales and admin",
    filters_note="Filter by any segment dimension (`?industry=`, `?size_band=`, …).",
)
class AccountViewSet(WorkspaceModelViewSet):
    """Customer and prospect companies; their columns are the segment dimensions."""

    queryset = Account.objects.all()
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    search_fields = ["name", "domain", "industry", "external_id"]
    ordering_fields = ["name", "employee_count", "annual_revenue", "created_at", "updated_at"]
    write_roles = SALES
    services = Services("account", account_create, account_update, account_delete)


@crud_schema(
    "segment",
    "segments",
    writers="admin, pm and sales (saved segments are shared by the workspace; exec reads them)",
)
class SegmentViewSet(WorkspaceModelViewSet):
    """Saved segments: a name and an AND-filter over account dimensions."""

    queryset = Segment.objects.all()
    selector = segment_list
    serializer_class = SegmentSerializer
    filterset_class = SegmentFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    write_roles = (Membership.Role.PM, Membership.Role.SALES)
    services = Services("segment", segment_create, segment_update, segment_delete)


@extend_schema_view(
    list=extend_schema(
        summary="List your workspaces",
        description="The workspaces you are a member of, with your role in each. "
        "Use a slug in the X-Workspace header of the other endpoints.",
        responses={200: WorkspaceSerializer(many=True), 401: ERRORS["401"], 404: ERRORS["404"]},
    ),
    retrieve=extend_schema(
        summary="Read one of your workspaces",
        responses={200: WorkspaceSerializer, 401: ERRORS["401"], 404: ERRORS["404"]},
    ),
)
class WorkspaceViewSet(viewsets.ReadOnlyModelViewSet):
    """The member's workspaces (read-only); another workspace is not found."""

    queryset = Membership.objects.all()
    serializer_class = WorkspaceSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "workspace_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return membership_list(user=self.request.user)
