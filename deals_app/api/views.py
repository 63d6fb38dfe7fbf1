"""API views of deals_app: deals and their people, cases, conversations, action items, tags,
and per deal its persona map, MEDDPICC scorecard and risk warnings."""

from functools import partial

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts_app.api.base import Services, WorkspaceModelViewSet
from accounts_app.api.schema import crud_schema
from accounts_app.models import Membership
from deals_app.api.serializers import (
    ActionItemSerializer,
    BusinessCaseSerializer,
    ConversationSerializer,
    DealRoleSerializer,
    DealSerializer,
    PersonaMapSerializer,
    RisksSerializer,
    ScorecardSerializer,
    ScorecardUpdateSerializer,
    TagSerializer,
)
from deals_app.filters import (
    ActionItemFilter,
    BusinessCaseFilter,
    ConversationFilter,
    DealFilter,
    DealRoleFilter,
    TagFilter,
)
from deals_app.models import ActionItem, BusinessCase, Conversation, Deal, DealRole, Tag
from deals_app.selectors import (
    STAGE_ALL,
    action_item_list,
    business_case_list,
    conversation_list_full,
    conversation_search_q,
    deal_list,
    deal_persona_map,
    deal_risks,
    deal_role_list,
    deal_scorecard,
    tag_list,
)
from deals_app.services import (
    action_item_create,
    action_item_delete,
    action_item_update,
    business_case_create,
    business_case_delete,
    business_case_update,
    conversation_create,
    conversation_delete,
    conversation_update,
    deal_create,
    deal_delete,
    deal_role_create,
    deal_role_delete,
    deal_role_update,
    deal_scorecard_set,
    deal_update,
    tag_create,
    tag_delete,
    tag_update,
)
from personas_app.models import Contact

SALES = (Membership.Role.SALES,)
PM = (Membership.Role.PM,)
# What a list row shows (the serializers' fields), so a page loads no other columns. Only for
# lists: an object that is written goes to the services whole.
TIMESTAMP_COLUMNS = ("created_at", "updated_at")
DEAL_LIST_COLUMNS = (
    *("id", "account_id", "name", "stage", "amount", "created_on", "close_date", "owner_id"),
    *("loss_reason", "loss_notes", "competitor", "cost_of_sale", "external_id"),
    *TIMESTAMP_COLUMNS,
    "account__name",
    "owner__username",
)
CONVERSATION_LIST_COLUMNS = (
    *("id", "account_id", "deal_id", "occurred_on", "kind", "title", "notes"),
    *("duration_minutes", "sentiment", "stated_reason", "logged_by_id"),
    *TIMESTAMP_COLUMNS,
    "account__name",
    "deal__name",
    "logged_by__username",
)


@crud_schema(
    "deal",
    "deals",
    writers="admin and sales",
    filters_note="`?stage=`, `?status=open|closed`, `?account=`, `?owner=`, account dimensions "
    "(`?industry=`, `?size_band=`, …), `?close_date_after=`/`_before`, `?created_on_after=`/"
    "`_before`, `?amount_min=`/`_max`.",
)
class DealViewSet(WorkspaceModelViewSet):
    """Opportunities with an account, moving through stages to won or lost."""

    queryset = Deal.objects.all()
    selector = partial(deal_list, stage=STAGE_ALL)
    serializer_class = DealSerializer
    filterset_class = DealFilter
    search_fields = ["name", "competitor", "loss_notes", "account__name"]
    ordering_fields = ["name", "amount", "close_date", "created_on", "stage", "updated_at"]
    counted_table = "deals_app_deal"
    write_roles = SALES
    services = Services("deal", deal_create, deal_update, deal_delete)

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "action", None) == "list":  # a page of 50: load only what it shows
            queryset = queryset.only(*DEAL_LIST_COLUMNS)
        return queryset

    @extend_schema(
        summary="Persona map of a deal",
        description="The people with a role on the deal (and anyone on the path from a "
        "champion to the economic buyer) as a graph: reporting lines (`reports_to`: source "
        "reports to target) and advocacy edges (`advocacy`: source champions us to target), "
        "each person with their roles and stance; gaps: `no_economic_buyer`, `no_champion`, "
        "`no_path_to_buyer`.",
        responses={200: PersonaMapSerializer},
    )
    @action(detail=True, methods=["get"], url_path="persona-map", filterset_class=None)
    def persona_map(self, request, pk=None):
        persona_map = deal_persona_map(deal=self.get_object())
        return Response(PersonaMapSerializer(persona_map).data)

    @extend_schema(
        summary="MEDDPICC scorecard of a deal",
        description="The eight letters in order: metrics, economic_buyer, decision_criteria, "
        "decision_process, paper_process, identify_pain, champion, competition. `auto` letters "
        "come from the data: metrics is confirmed by a business case with an annual value "
        "(partial without one); economic_buyer and champion are confirmed by someone in the "
        "role who has not left and does not oppose the deal (partial when everyone in the role "
        "has left or opposes it); identify_pain is confirmed by a pain tag on a conversation of "
        "the deal (partial: only on other conversations with the account); competition is "
        "confirmed when a competitor is named. The other letters are set by hand (`manual`), "
        "and a hand-set letter overrides the derived one.",
        responses={200: ScorecardSerializer},
    )
    @action(detail=True, methods=["get"], url_path="scorecard", filterset_class=None)
    def scorecard(self, request, pk=None):
        return Response(ScorecardSerializer({"items": deal_scorecard(deal=self.get_object())}).data)

    @extend_schema(
        summary="Set scorecard letters by hand",
        description="Writers: admin and sales. Each item sets one letter (`manual`); "
        "`status: null` clears it back to the derived (`auto`) value. Letters not named stay. "
        "Answers the whole scorecard.",
        request=ScorecardUpdateSerializer,
        responses={200: ScorecardSerializer},
        examples=[
            OpenApiExample(
                "Decision process known, paper process back to auto",
                value={
                    "items": [
                        {"key": "decision_process", "status": "confirmed"},
                        {"key": "paper_process", "status": None},
                    ]
                },
                request_only=True,
            )
        ],
    )
    @scorecard.mapping.patch
    def scorecard_update(self, request, pk=None):
        deal = self.get_object()
        serializer = ScorecardUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._call(
            deal_scorecard_set,
            deal=deal,
            items=serializer.validated_data["items"],
            user=request.user,
        )
        return Response(ScorecardSerializer({"items": deal_scorecard(deal=deal)}).data)

    @extend_schema(
        summary="Risk warnings of a deal",
        description="For an open deal (a closed one has none): `no_economic_buyer`, "
        "`no_champion`, `single_threaded` (fewer than two people with roles), "
        "`buyer_not_engaged` (no economic buyer engaged in the last 30 days), `champion_left`, "
        "`opponent_in_power` (an opponent as economic buyer, decision maker or executive "
        "sponsor), `no_path_to_buyer` (no chain of advocacy or reporting lines from any "
        "champion still there to any economic buyer; a chain through someone who opposes the "
        "deal or has left does not count, and the sentence names them). Each with a sentence "
        "naming the people.",
        responses={200: RisksSerializer},
    )
    @action(detail=True, methods=["get"], url_path="risks", filterset_class=None)
    def risks(self, request, pk=None):
        return Response(RisksSerializer({"risks": deal_risks(deal=self.get_object())}).data)

    def get_serializer_class(self):
        if self.action in ("persona_map", "scorecard", "scorecard_update", "risks"):
            return {
                "persona_map": PersonaMapSerializer,
                "scorecard": ScorecardSerializer,
                "scorecard_update": ScorecardUpdateSerializer,
                "risks": RisksSerializer,
            }[self.action]
        return super().get_serializer_class()

    def filter_queryset(self, queryset):
        if self.action in ("persona_map", "scorecard", "scorecard_update", "risks"):
            return queryset  # a detail route: list filters do not apply
        return super().filter_queryset(queryset)


@crud_schema(
    "deal role",
    "deal roles",
    writers="admin and sales",
    filters_note="`?deal=`, `?contact=`, `?role=`, `?stance=`, `?is_primary=`.",
)
class DealRoleViewSet(WorkspaceModelViewSet):
    """A contact's part in one deal: a row of its persona map."""

    queryset = DealRole.objects.all()
    selector = deal_role_list
    serializer_class = DealRoleSerializer
    filterset_class = DealRoleFilter
    search_fields = ["contact__first_name", "contact__last_name", "contact__title"]
    ordering_fields = ["id", "role", "last_engaged_on", "created_at"]
    write_roles = SALES
    services = Services("deal_role", deal_role_create, deal_role_update, deal_role_delete)


@crud_schema("business case", "business cases", writers="admin and sales")
class BusinessCaseViewSet(WorkspaceModelViewSet):
    """The buyer's outcome (the M of MEDDPICC) and what it is worth to them per year."""

    queryset = BusinessCase.objects.all()
    selector = business_case_list
    serializer_class = BusinessCaseSerializer
    filterset_class = BusinessCaseFilter
    search_fields = ["description"]
    ordering_fields = ["id", "estimated_annual_value", "created_at"]
    write_roles = SALES
    services = Services(
        "business_case", business_case_create, business_case_update, business_case_delete
    )


@crud_schema(
    "conversation",
    "conversations",
    writers="admin and pm",
    filters_note="`?account=`, `?deal=`, `?kind=`, `?sentiment=`, `?participant=`, `?tag=`, "
    "`?occurred_on_after=`/`_before`.",
)
class ConversationViewSet(WorkspaceModelViewSet):
    """Logged customer conversations with participants, tags and, for win/loss interviews,
    the reason the buyer stated. The author is the user who logs it."""

    queryset = Conversation.objects.all()
    selector = conversation_list_full
    serializer_class = ConversationSerializer
    filterset_class = ConversationFilter
    # Title, notes, the account's name and the participants' names, as the timeline searches.
    search_q = staticmethod(conversation_search_q)
    ordering_fields = ["occurred_on", "title", "duration_minutes", "created_at"]
    counted_table = "deals_app_conversation"
    write_roles = PM
    services = Services(
        "conversation", conversation_create, conversation_update, conversation_delete
    )

    def create_extras(self) -> dict:
        return {"logged_by": self.request.user}

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "action", None) == "list":  # a page of 50: load only what it shows
            queryset = (
                queryset.only(*CONVERSATION_LIST_COLUMNS)
                .prefetch_related(None)
                .prefetch_related(
                    Prefetch(
                        "tags",
                        queryset=Tag.objects.only("id", "name", "kind"),
                        to_attr="prefetched_tags",
                    ),
                    Prefetch(
                        "participants",
                        queryset=Contact.objects.only("id", "first_name", "last_name"),
                        to_attr="prefetched_participants",
                    ),
                )
            )
        return queryset


@crud_schema("action item", "action items", writers="admin and pm")
class ActionItemViewSet(WorkspaceModelViewSet):
    """Things someone promised to do after a conversation."""

    queryset = ActionItem.objects.all()
    selector = action_item_list
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    search_fields = ["text"]
    ordering_fields = ["due_on", "done", "created_at"]
    write_roles = PM
    services = Services("action_item", action_item_create, action_item_update, action_item_delete)


@crud_schema("tag", "tags", writers="admin and pm")
class TagViewSet(WorkspaceModelViewSet):
    """Pains, constraints and topics heard in conversations."""

    queryset = Tag.objects.all()
    selector = tag_list
    serializer_class = TagSerializer
    filterset_class = TagFilter
    search_fields = ["name"]
    ordering_fields = ["name", "kind", "created_at"]
    write_roles = PM
    services = Services("tag", tag_create, tag_update, tag_delete)
