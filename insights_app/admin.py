from django.contrib import admin

from .models import (
    Assumption,
    Evidence,
    FeatureMention,
    FeatureRequest,
    InsightSnapshot,
    InsightState,
    InsightTask,
)


@admin.register(Assumption)
class AssumptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "area", "created_by", "workspace"]
    list_filter = ["area", "workspace"]
    search_fields = ["statement", "area"]
    list_select_related = ["created_by", "workspace"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["assumption", "conversation", "verdict", "workspace"]
    list_filter = ["verdict", "workspace"]
    search_fields = ["quote", "assumption__statement", "conversation__title"]
    list_select_related = ["assumption", "conversation", "workspace"]
    raw_id_fields = ["assumption", "conversation"]


@admin.register(FeatureRequest)
class FeatureRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "workspace"]
    list_filter = ["status", "workspace"]
    search_fields = ["title", "description"]
    list_select_related = ["workspace"]


@admin.register(FeatureMention)
class FeatureMentionAdmin(admin.ModelAdmin):
    list_display = ["feature", "account", "deal", "importance", "workspace"]
    list_filter = ["importance", "workspace"]
    search_fields = ["feature__title", "account__name", "quote"]
    list_select_related = ["feature", "account", "deal", "workspace"]
    raw_id_fields = ["feature", "account", "deal", "conversation"]


@admin.register(InsightSnapshot)
class InsightSnapshotAdmin(admin.ModelAdmin):
    list_display = ["workspace", "version", "kind", "dimension", "computed_at", "data_version"]
    list_filter = ["kind", "workspace"]
    search_fields = ["dimension"]
    readonly_fields = ["payload"]


@admin.register(InsightState)
class InsightStateAdmin(admin.ModelAdmin):
    list_display = ["workspace", "published_version", "data_version", "dirty", "computed_at"]
    list_filter = ["dirty"]
    search_fields = ["workspace__name", "workspace__slug"]


@admin.register(InsightTask)
class InsightTaskAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "state", "progress", "workspace", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["id", "message", "workspace__slug"]
    readonly_fields = ["result"]
    list_select_related = ["workspace"]
