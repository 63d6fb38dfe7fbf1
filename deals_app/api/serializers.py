"""Shapes of deals_app's API resources and per-deal intelligence; rules live in services."""

from rest_framework import serializers

from accounts_app.api.base import LabelledRelatedField, WorkspaceModelSerializer
from deals_app.models import (
    ActionItem,
    BusinessCase,
    Conversation,
    Deal,
    DealRole,
    ScorecardItem,
    Tag,
)
from personas_app.models import Contact

TIMESTAMPS = ("created_at", "updated_at")


class DealSerializer(WorkspaceModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    owner_name = serializers.CharField(source="owner.username", read_only=True, allow_null=True)
    contact_count = serializers.IntegerField(
        read_only=True, help_text="Distinct contacts holding a role on the deal."
    )
    is_closed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deal
        fields = [
            "id",
            "account",
            "account_name",
            "name",
            "stage",
            "is_closed",
            "amount",
            "created_on",
            "close_date",
            "owner",
            "owner_name",
            "loss_reason",
            "loss_notes",
            "competitor",
            "cost_of_sale",
            "external_id",
            "contact_count",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        extra_kwargs = {
            "owner": {"help_text": "A member of the workspace (user id)."},
            "loss_reason": {"help_text": "Only for closed_lost deals."},
            "close_date": {
                "help_text": "Expected; the actual date once closed. Never before created_on."
            },
        }


class DealRoleSerializer(WorkspaceModelSerializer):
    deal_name = serializers.CharField(source="deal.name", read_only=True)
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)
    external = serializers.BooleanField(
        source="is_external", read_only=True, help_text="The contact is at another account."
    )

    class Meta:
        model = DealRole
        fields = [
            "id",
            "deal",
            "deal_name",
            "contact",
            "contact_name",
            "external",
            "role",
            "is_primary",
            "stance",
            "last_engaged_on",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        validators: list = []  # uniqueness is checked by the service (full_clean)


class BusinessCaseSerializer(WorkspaceModelSerializer):
    deal_name = serializers.CharField(source="deal.name", read_only=True)

    class Meta:
        model = BusinessCase
        fields = [
            "id",
            "deal",
            "deal_name",
            "metric",
            "description",
            "estimated_annual_value",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS


class TagSerializer(WorkspaceModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "kind", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS
        validators: list = []


class ConversationSerializer(WorkspaceModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    deal_name = serializers.CharField(source="deal.name", read_only=True, allow_null=True)
    logged_by_name = serializers.CharField(
        source="logged_by.username", read_only=True, allow_null=True
    )
    participants = LabelledRelatedField(
        many=True,
        required=False,
        queryset=Contact.objects.all(),
        labels={"name": "full_name"},
        help_text="Write contact ids; read {id, name}.",
    )
    tags = LabelledRelatedField(
        many=True,
        required=False,
        queryset=Tag.objects.all(),
        labels={"name": "name", "kind": "kind"},
        help_text="Write tag ids; read {id, name, kind}.",
    )

    class Meta:
        model = Conversation
        fields = [
            "id",
            "account",
            "account_name",
            "deal",
            "deal_name",
            "occurred_on",
            "kind",
            "title",
            "notes",
            "duration_minutes",
            "sentiment",
            "stated_reason",
            "participants",
            "tags",
            "logged_by",
            "logged_by_name",
            *TIMESTAMPS,
        ]
        read_only_fields = ["logged_by", *TIMESTAMPS]
        extra_kwargs = {
            "stated_reason": {
                "help_text": "Only for win_loss conversations: what the buyer "
                "said (the loss_reason taxonomy)."
            },
            "duration_minutes": {"max_value": 24 * 60},
        }


class ActionItemSerializer(WorkspaceModelSerializer):
    conversation_title = serializers.CharField(source="conversation.title", read_only=True)
    owner_name = serializers.CharField(source="owner.username", read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "conversation",
            "conversation_title",
            "text",
            "owner",
            "owner_name",
            "due_on",
            "done",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS


# --- per-deal intelligence --------------------------------------------------------------------


class PersonaMapNodeSerializer(serializers.Serializer):
    contact = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=DealRole.Role.choices))
    stance = serializers.ChoiceField(
        choices=DealRole.Stance.choices,
        allow_null=True,
        help_text="Opponent outweighs supporter outweighs neutral across the contact's roles; "
        "null for someone without a role who is on the path from a champion to the buyer.",
    )
    external = serializers.BooleanField(help_text="At another account than the deal's.")


class PersonaMapEdgeSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="Contact id.")  # type: ignore[assignment]  # key
    target = serializers.IntegerField(help_text="Contact id.")
    kind = serializers.ChoiceField(
        choices=[
            ("reports_to", "source reports to target"),
            ("advocacy", "source advocates to target"),
        ]
    )


class PersonaMapSerializer(serializers.Serializer):
    nodes = PersonaMapNodeSerializer(many=True)
    edges = PersonaMapEdgeSerializer(many=True)
    gaps = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["no_economic_buyer", "no_champion", "no_path_to_buyer"]
        )
    )


class ScorecardLineSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=ScorecardItem.Key.choices)
    status = serializers.ChoiceField(choices=ScorecardItem.Status.choices)
    source = serializers.ChoiceField(  # type: ignore[assignment]  # the API key, not Field.source
        choices=[("auto", "derived"), ("manual", "set by hand")]
    )


class ScorecardSerializer(serializers.Serializer):
    items = ScorecardLineSerializer(many=True)


class ScorecardItemInputSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=ScorecardItem.Key.choices)
    status = serializers.ChoiceField(
        choices=ScorecardItem.Status.choices,
        allow_null=True,
        help_text="null clears the hand-set value: the letter goes back to the derived one.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ScorecardUpdateSerializer(serializers.Serializer):
    # many=True passes max_length to the ListSerializer (DRF 3.15+); the stubs do not know it.
    items = ScorecardItemInputSerializer(  # type: ignore[call-arg]
        many=True, max_length=len(ScorecardItem.Key.values) * 2
    )


RISK_CODES = [
    "no_economic_buyer",
    "no_champion",
    "single_threaded",
    "buyer_not_engaged",
    "champion_left",
    "opponent_in_power",
    "no_path_to_buyer",
]


class RiskSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=RISK_CODES)
    message = serializers.CharField(help_text="A sentence naming the people involved.")


class RisksSerializer(serializers.Serializer):
    risks = RiskSerializer(many=True)
