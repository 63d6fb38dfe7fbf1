from django.contrib import admin

from .models import Advocacy, Contact, Persona


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "success_metric", "workspace"]
    list_filter = ["kind", "workspace"]
    search_fields = ["name", "goals", "pains", "success_metric"]
    list_select_related = ["workspace"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "account", "seniority", "persona", "has_left", "workspace"]
    list_filter = ["seniority", "has_left", "persona__kind", "workspace"]
    search_fields = ["first_name", "last_name", "email", "title", "external_id", "account__name"]
    list_select_related = ["account", "persona", "workspace"]
    raw_id_fields = ["account", "reports_to", "persona"]
    show_full_result_count = False


@admin.register(Advocacy)
class AdvocacyAdmin(admin.ModelAdmin):
    list_display = ["advocate", "audience", "workspace"]
    list_filter = ["workspace"]
    search_fields = [
        "advocate__first_name",
        "advocate__last_name",
        "audience__first_name",
        "audience__last_name",
        "note",
    ]
    list_select_related = ["advocate", "audience", "workspace"]
    raw_id_fields = ["advocate", "audience"]
