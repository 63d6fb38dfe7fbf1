"""Serializers of the survey API: read shapes and the send request. Never the token or its
hash."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts_app.api.base import (
    LabelledRelatedField,
    WorkspaceModelSerializer,
    WorkspacePrimaryKeyRelatedField,
)
from deals_app.models import Deal
from personas_app.models import Contact
from surveys_app.models import Survey

ANSWER_FIELDS = (
    "main_reason",
    "alternative",
    "competitor",
    "would_have_changed",
    "fit",
    "follow_up_welcome",
    "conversation",
)


class SurveyAnswerSerializer(serializers.Serializer):
    main_reason = serializers.CharField(
        help_text="A loss reason (lost deal) or a win reason (won deal); docs/surveys.md."
    )
    alternative = serializers.ChoiceField(choices=Survey.Alternative.choices)
    competitor = serializers.CharField(allow_blank=True)
    would_have_changed = serializers.CharField(allow_blank=True)
    fit = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    follow_up_welcome = serializers.BooleanField()
    conversation = serializers.IntegerField(
        source="conversation_id", allow_null=True, help_text="The win/loss conversation."
    )


class SurveySerializer(WorkspaceModelSerializer):
    deal = LabelledRelatedField(queryset=Deal.objects.all(), labels={"name": "name"})
    contact = LabelledRelatedField(queryset=Contact.objects.all(), labels={"name": "full_name"})
    state = serializers.ChoiceField(choices=Survey.State.choices, read_only=True)
    reminded = serializers.SerializerMethodField(
        help_text="In the answer to a send: true when this was a reminder (a new link for an "
        "existing survey)."
    )
    answer = serializers.SerializerMethodField(help_text="The buyer's answer; null until then.")

    class Meta:
        model = Survey
        fields = [
            "id",
            "deal",
            "contact",
            "state",
            "sent_at",
            "reminded_at",
            "reminder_count",
            "opened_at",
            "answered_at",
            "expires_at",
            "last_error",
            "reminded",
            "answer",
        ]
        read_only_fields = fields

    def get_reminded(self, survey: Survey) -> bool | None:
        return getattr(survey, "reminded", None)

    @extend_schema_field(SurveyAnswerSerializer(allow_null=True))
    def get_answer(self, survey: Survey) -> dict | None:
        if survey.answered_at is None:
            return None
        return dict(SurveyAnswerSerializer(survey).data)


class SurveySendSerializer(serializers.Serializer):
    contacts = serializers.ListField(
        child=WorkspacePrimaryKeyRelatedField(queryset=Contact.objects.all()),
        min_length=1,
        max_length=50,
        help_text="Ids of the contacts to ask (of this workspace, with an e-mail address).",
    )
