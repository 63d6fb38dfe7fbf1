"""Shapes of the catalog's API resources: assumptions, evidence, feature requests, mentions."""

from rest_framework import serializers

from accounts_app.api.base import WorkspaceModelSerializer
from common.limits import SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from insights_app.models import Assumption, Evidence, FeatureMention, FeatureRequest

TIMESTAMPS = ("created_at", "updated_at")
# The models' text fields carry no bound of their own yet; the API holds them to the documented
# limits (common.limits, docs/api.md), as the forms do.
SHORT_TEXT = {"max_length": SHORT_TEXT_MAX_LENGTH}


class AssumptionSerializer(WorkspaceModelSerializer):
    created_by_name = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    supports = serializers.IntegerField(read_only=True, help_text="Evidence that supports it.")
    contradicts = serializers.IntegerField(read_only=True, help_text="Evidence against it.")
    status = serializers.SerializerMethodField(
        help_text="untested (no evidence); validated (supports >= 3 and >= 2 × contradicts); "
        "invalidated (contradicts >= 3 and >= 2 × supports); otherwise mixed."
    )

    class Meta:
        model = Assumption
        fields = [
            "id",
            "statement",
            "area",
            "created_by",
            "created_by_name",
            "supports",
            "contradicts",
            "status",
            *TIMESTAMPS,
        ]
        read_only_fields = ["created_by", *TIMESTAMPS]
        extra_kwargs = {"statement": SHORT_TEXT}

    def get_status(self, obj) -> str:
        return str(Assumption.status_for(obj.supports, obj.contradicts))


class EvidenceSerializer(WorkspaceModelSerializer):
    conversation_title = serializers.CharField(source="conversation.title", read_only=True)
    assumption_statement = serializers.CharField(source="assumption.statement", read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "assumption",
            "assumption_statement",
            "conversation",
            "conversation_title",
            "verdict",
            "quote",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        extra_kwargs = {"quote": SHORT_TEXT}


class FeatureRequestSerializer(WorkspaceModelSerializer):
    mention_count = serializers.IntegerField(read_only=True)
    account_count = serializers.IntegerField(
        read_only=True, help_text="Distinct accounts that mentioned it."
    )

    class Meta:
        model = FeatureRequest
        fields = [
            "id",
            "title",
            "description",
            "status",
            "mention_count",
            "account_count",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        extra_kwargs = {"description": {"max_length": TEXT_MAX_LENGTH}}
        validators: list = []


class FeatureMentionSerializer(WorkspaceModelSerializer):
    feature_title = serializers.CharField(source="feature.title", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    deal_name = serializers.CharField(source="deal.name", read_only=True, allow_null=True)
    conversation_title = serializers.CharField(
        source="conversation.title", read_only=True, allow_null=True
    )

    class Meta:
        model = FeatureMention
        fields = [
            "id",
            "feature",
            "feature_title",
            "account",
            "account_name",
            "deal",
            "deal_name",
            "conversation",
            "conversation_title",
            "importance",
            "quote",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        extra_kwargs = {"quote": SHORT_TEXT}
