"""Shapes of personas_app's API resources; rules live in the models and services."""

from rest_framework import serializers

from accounts_app.api.base import WorkspaceModelSerializer
from personas_app.models import Advocacy, Contact, Persona

TIMESTAMPS = ("created_at", "updated_at")


class PersonaSerializer(WorkspaceModelSerializer):
    class Meta:
        model = Persona
        fields = ["id", "name", "kind", "goals", "pains", "success_metric", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS


class ContactSerializer(WorkspaceModelSerializer):
    name = serializers.CharField(source="full_name", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    persona_name = serializers.CharField(source="persona.name", read_only=True, allow_null=True)
    reports_to_name = serializers.CharField(
        source="reports_to.full_name", read_only=True, allow_null=True
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "account",
            "account_name",
            "first_name",
            "last_name",
            "name",
            "title",
            "email",
            "department",
            "seniority",
            "persona",
            "persona_name",
            "reports_to",
            "reports_to_name",
            "external_id",
            "has_left",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        extra_kwargs = {
            "reports_to": {"help_text": "Another contact of the same account."},
        }


class AdvocacySerializer(WorkspaceModelSerializer):
    advocate_name = serializers.CharField(source="advocate.full_name", read_only=True)
    audience_name = serializers.CharField(source="audience.full_name", read_only=True)

    class Meta:
        model = Advocacy
        fields = [
            "id",
            "advocate",
            "advocate_name",
            "audience",
            "audience_name",
            "note",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        validators: list = []  # the unique edge is checked by the service (full_clean)
