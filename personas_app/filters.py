"""django-filter filter sets of personas_app."""

import django_filters

from accounts_app.filters import IdFilter, TextFilter

from .models import Advocacy, Contact, Persona


class PersonaFilter(django_filters.FilterSet):
    class Meta:
        model = Persona
        fields = ["kind"]


class ContactFilter(django_filters.FilterSet):
    account = IdFilter()
    persona = IdFilter()
    reports_to = IdFilter()
    department = TextFilter()
    email = TextFilter()
    external_id = django_filters.CharFilter()
    deal = IdFilter(field_name="deal_roles__deal", distinct=True, help_text="Holds a role on it.")

    class Meta:
        model = Contact
        fields = ["seniority", "has_left"]


class AdvocacyFilter(django_filters.FilterSet):
    advocate = IdFilter()
    audience = IdFilter()
    account = IdFilter(field_name="advocate__account", help_text="The advocate's account.")

    class Meta:
        model = Advocacy
        fields: list[str] = []
