"""Shapes of accounts_app's API resources; rules live in the models and services."""

from rest_framework import serializers

from accounts_app.api.base import WorkspaceModelSerializer
from accounts_app.models import Account, Membership, Segment
from common.limits import TEXT_MAX_LENGTH
from common.parsers import JSONField

TIMESTAMPS = ("created_at", "updated_at")


class AccountSerializer(WorkspaceModelSerializer):
    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "domain",
            "external_id",
            "industry",
            "employee_count",
            "annual_revenue",
            "size_band",
            "country",
            "region",
            "deployment_model",
            "infrastructure",
            "lifecycle",
            *TIMESTAMPS,
        ]
        read_only_fields = ["size_band", *TIMESTAMPS]
        extra_kwargs = {
            "size_band": {"help_text": "Derived from employee_count; read-only."},
            "annual_revenue": {"help_text": "In workspace currency, a decimal string."},
        }


class SegmentSerializer(WorkspaceModelSerializer):
    filters = JSONField(
        default=dict,
        help_text="Dimension → value or list of values, ANDed: "
        '{"industry": "Fintech", "infrastructure": ["virtual_machines"]}. Dimensions: '
        + ", ".join(Segment.FILTERABLE)
        + ".",
    )

    class Meta:
        model = Segment
        fields = ["id", "name", "description", "filters", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS
        # The model's TextField has no bound of its own yet; the API holds it to the limit.
        extra_kwargs = {"description": {"max_length": TEXT_MAX_LENGTH}}


class WorkspaceSerializer(serializers.ModelSerializer):
    """One of the member's workspaces and their role in it."""

    id = serializers.IntegerField(source="workspace.id", read_only=True)
    name = serializers.CharField(source="workspace.name", read_only=True)
    slug = serializers.CharField(source="workspace.slug", read_only=True)
    currency = serializers.CharField(source="workspace.currency", read_only=True)
    hourly_cost = serializers.DecimalField(
        source="workspace.hourly_cost", max_digits=10, decimal_places=2, read_only=True
    )

    class Meta:
        model = Membership
        fields = ["id", "name", "slug", "currency", "hourly_cost", "role"]
        read_only_fields = ["role"]
