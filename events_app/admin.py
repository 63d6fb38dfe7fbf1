from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "workspace", "type", "summary", "dispatched_at"]
    list_filter = ["type"]
    search_fields = ["summary"]
    readonly_fields = [f.name for f in Event._meta.fields]
