"""API views of the catalog: assumptions, evidence, feature requests and mentions (pm writes)."""

from accounts_app.api.base import Services, WorkspaceModelViewSet
from accounts_app.api.schema import crud_schema
from accounts_app.models import Membership
from insights_app.api.serializers import (
    AssumptionSerializer,
    EvidenceSerializer,
    FeatureMentionSerializer,
    FeatureRequestSerializer,
)
from insights_app.filters import (
    AssumptionFilter,
    EvidenceFilter,
    FeatureMentionFilter,
    FeatureRequestFilter,
)
from insights_app.models import Assumption, Evidence, FeatureMention, FeatureRequest
from insights_app.selectors.catalog import (
    assumption_list,
    evidence_list,
    feature_mention_list,
    feature_request_list,
)
from insights_app.services import (
    assumption_create,
    assumption_delete,
    assumption_update,
    evidence_create,
    evidence_delete,
    evidence_update,
    feature_mention_create,
    feature_mention_delete,
    feature_mention_update,
    feature_request_create,
    feature_request_delete,
    feature_request_update,
)

PM = (Membership.Role.PM,)


@crud_schema("assumption", "assumptions", writers="admin and pm")
class AssumptionViewSet(WorkspaceModelViewSet):
    """Roadmap hypotheses; the status comes from their evidence. The author is the user who
    creates it."""

    queryset = Assumption.objects.all()
    selector = assumption_list
    serializer_class = AssumptionSerializer
    filterset_class = AssumptionFilter
    search_fields = ["statement", "area"]
    ordering_fields = ["created_at", "area", "supports", "contradicts"]
    write_roles = PM
    services = Services("assumption", assumption_create, assumption_update, assumption_delete)

    def create_extras(self) -> dict:
        return {"created_by": self.request.user}


@crud_schema("piece of evidence", "evidence", writers="admin and pm")
class EvidenceViewSet(WorkspaceModelViewSet):
    """A conversation that supports or contradicts an assumption, with the quote."""

    queryset = Evidence.objects.all()
    selector = evidence_list
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilter
    search_fields = ["quote"]
    ordering_fields = ["id", "created_at"]
    write_roles = PM
    services = Services("evidence", evidence_create, evidence_update, evidence_delete)


@crud_schema("feature request", "feature requests", writers="admin and pm")
class FeatureRequestViewSet(WorkspaceModelViewSet):
    """Things customers ask the product to do."""

    queryset = FeatureRequest.objects.all()
    selector = feature_request_list
    serializer_class = FeatureRequestSerializer
    filterset_class = FeatureRequestFilter
    search_fields = ["title", "description"]
    ordering_fields = ["title", "status", "mention_count", "account_count", "created_at"]
    write_roles = PM
    services = Services(
        "feature_request", feature_request_create, feature_request_update, feature_request_delete
    )


@crud_schema("feature mention", "feature mentions", writers="admin and pm")
class FeatureMentionViewSet(WorkspaceModelViewSet):
    """One account asking for a feature, optionally in a deal or a conversation."""

    queryset = FeatureMention.objects.all()
    selector = feature_mention_list
    serializer_class = FeatureMentionSerializer
    filterset_class = FeatureMentionFilter
    search_fields = ["quote"]
    ordering_fields = ["id", "importance", "created_at"]
    write_roles = PM
    services = Services(
        "feature_mention", feature_mention_create, feature_mention_update, feature_mention_delete
    )
