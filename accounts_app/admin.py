from django.contrib import admin

from .models import Account, Membership, Segment, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "currency", "hourly_cost", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["currency"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username", "user__email", "workspace__name", "workspace__slug"]
    list_select_related = ["user", "workspace"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "workspace",
        "industry",
        "size_band",
        "country",
        "region",
        "deployment_model",
        "infrastructure",
        "lifecycle",
    ]
    list_filter = [
        "workspace",
        "lifecycle",
        "size_band",
        "deployment_model",
        "infrastructure",
        "region",
    ]
    search_fields = ["name", "domain", "external_id", "industry", "country"]
    readonly_fields = ["size_band", "created_at", "updated_at"]
    list_select_related = ["workspace"]
    show_full_result_count = False


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "filters"]
    list_filter = ["workspace"]
    search_fields = ["name", "description"]
    list_select_related = ["workspace"]
