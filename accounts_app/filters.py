"""django-filter filter sets of accounts_app, and the id filter every app's filters use.

Foreign keys are filtered by id without looking the id up, so a filter never reveals whether
another workspace's row exists: it simply matches nothing.
"""

import django_filters
from django import forms

from .models import SIZE_BANDS, Account, Segment

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """``?account=12``: rows whose foreign key is this id (an integer)."""

    # Ids are integers; the django-filter stubs pin NumberFilter.field_class to DecimalField.
    field_class = forms.IntegerField  # type: ignore[assignment]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class TextFilter(django_filters.CharFilter):
    """A case-insensitive exact match on a free-text dimension (``?industry=fintech``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "iexact")
        super().__init__(*args, **kwargs)


class AccountFilter(django_filters.FilterSet):
    industry = TextFilter(help_text="Industry (case-insensitive exact match).")
    country = TextFilter()
    region = TextFilter()
    domain = TextFilter()
    external_id = django_filters.CharFilter()
    employee_count_min = django_filters.NumberFilter(
        field_name="employee_count", lookup_expr="gte", min_value=0, max_value=MAX_ID
    )
    employee_count_max = django_filters.NumberFilter(
        field_name="employee_count", lookup_expr="lte", min_value=0, max_value=MAX_ID
    )
    size_band = django_filters.ChoiceFilter(choices=SIZE_BANDS, help_text="Derived from size.")
    created_at = django_filters.IsoDateTimeFromToRangeFilter()

    class Meta:
        model = Account
        fields = ["deployment_model", "infrastructure", "lifecycle"]


class SegmentFilter(django_filters.FilterSet):
    name = TextFilter()

    class Meta:
        model = Segment
        fields: list[str] = []
