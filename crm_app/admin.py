from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "workspace", "state", "progress", "created_by", "created_at"]
    list_filter = ["state", "workspace"]
    search_fields = ["report"]
    list_select_related = ["workspace", "created_by"]
    raw_id_fields = ["created_by"]
