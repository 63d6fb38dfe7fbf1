"""django-filter filter sets of deals_app."""

import django_filters
from django.db.models import Q

from accounts_app.filters import IdFilter, TextFilter
from accounts_app.models import SIZE_BANDS, DeploymentModel, Infrastructure, Lifecycle

from .models import (
    CLOSED_STAGES,
    ActionItem,
    BusinessCase,
    Conversation,
    Deal,
    DealRole,
    Tag,
)


class DealFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open"), ("closed", "Closed")],
        method="filter_status",
        help_text="open: any stage before closed; closed: won or lost.",
    )
    account = IdFilter()
    owner = IdFilter()
    contact = IdFilter(field_name="roles__contact", distinct=True, help_text="Holds a role.")
    industry = TextFilter(field_name="account__industry", help_text="The account's industry.")
    size_band = django_filters.ChoiceFilter(field_name="account__size_band", choices=SIZE_BANDS)
    country = TextFilter(field_name="account__country")
    region = TextFilter(field_name="account__region")
    deployment_model = django_filters.ChoiceFilter(
        field_name="account__deployment_model", choices=DeploymentModel.choices
    )
    infrastructure = django_filters.ChoiceFilter(
        field_name="account__infrastructure", choices=Infrastructure.choices
    )
    lifecycle = django_filters.ChoiceFilter(
        field_name="account__lifecycle", choices=Lifecycle.choices
    )
    competitor = TextFilter()
    external_id = django_filters.CharFilter()
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte")
    amount_max = django_filters.NumberFilter(field_name="amount", lookup_expr="lte")
    created_on = django_filters.DateFromToRangeFilter()
    close_date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Deal
        fields = ["stage", "loss_reason"]

    def filter_status(self, queryset, name, value):
        closed = Q(stage__in=CLOSED_STAGES)
        return queryset.filter(closed if value == "closed" else ~closed)


class DealRoleFilter(django_filters.FilterSet):
    deal = IdFilter()
    contact = IdFilter()
    last_engaged_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = DealRole
        fields = ["role", "stance", "is_primary"]


class BusinessCaseFilter(django_filters.FilterSet):
    deal = IdFilter()

    class Meta:
        model = BusinessCase
        fields = ["metric"]


class TagFilter(django_filters.FilterSet):
    name = TextFilter()

    class Meta:
        model = Tag
        fields = ["kind"]


class ConversationFilter(django_filters.FilterSet):
    account = IdFilter()
    deal = IdFilter()
    participant = IdFilter(field_name="participants", distinct=True)
    tag = IdFilter(field_name="tags", distinct=True)
    logged_by = IdFilter()
    occurred_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Conversation
        fields = ["kind", "sentiment", "stated_reason"]


class ActionItemFilter(django_filters.FilterSet):
    conversation = IdFilter()
    owner = IdFilter()
    due_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = ActionItem
        fields = ["done"]
