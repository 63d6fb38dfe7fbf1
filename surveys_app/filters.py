"""django-filter filter set of surveys_app."""

import django_filters

from accounts_app.filters import IdFilter

from .models import Survey


class SurveyFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=Survey.State.choices,
        field_name="state_value",
        help_text="sent, opened, answered or expired.",
    )
    deal = IdFilter()
    contact = IdFilter()

    class Meta:
        model = Survey
        fields = ["state", "deal", "contact"]
