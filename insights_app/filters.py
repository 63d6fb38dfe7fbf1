"""django-filter filter sets of insights_app's catalog."""

import django_filters

from accounts_app.filters import IdFilter, TextFilter

from .models import Assumption, Evidence, FeatureMention, FeatureRequest


class AssumptionFilter(django_filters.FilterSet):
    area = TextFilter()
    created_by = IdFilter()

    class Meta:
        model = Assumption
        fields: list[str] = []


class EvidenceFilter(django_filters.FilterSet):
    assumption = IdFilter()
    conversation = IdFilter()
    account = IdFilter(field_name="conversation__account", help_text="The conversation's account.")

    class Meta:
        model = Evidence
        fields = ["verdict"]


class FeatureRequestFilter(django_filters.FilterSet):
    class Meta:
        model = FeatureRequest
        fields = ["status"]


class FeatureMentionFilter(django_filters.FilterSet):
    feature = IdFilter()
    account = IdFilter()
    deal = IdFilter()
    conversation = IdFilter()

    class Meta:
        model = FeatureMention
        fields = ["importance"]
