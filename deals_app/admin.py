from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionItem,
    BusinessCase,
    Conversation,
    Deal,
    DealRole,
    ScorecardItem,
    Tag,
)


class DealRoleInline(admin.TabularInline):
    model = DealRole
    extra = 0
    raw_id_fields = ["contact"]
    exclude = ["workspace"]


class BusinessCaseInline(admin.TabularInline):
    model = BusinessCase
    extra = 0
    exclude = ["workspace"]


class WorkspaceInlineMixin:
    """Inline rows take the workspace of the object they are edited on."""

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.workspace_id = form.instance.workspace_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Deal)
class DealAdmin(WorkspaceInlineMixin, SimpleHistoryAdmin):
    list_display = ["name", "account", "stage", "amount", "close_date", "owner", "workspace"]
    list_filter = ["stage", "loss_reason", "workspace"]
    search_fields = ["name", "account__name", "external_id", "competitor"]
    date_hierarchy = "close_date"
    list_select_related = ["account", "owner", "workspace"]
    raw_id_fields = ["account", "owner"]
    inlines = [DealRoleInline, BusinessCaseInline]
    show_full_result_count = False


@admin.register(DealRole)
class DealRoleAdmin(SimpleHistoryAdmin):
    list_display = ["contact", "deal", "role", "stance", "is_primary", "last_engaged_on"]
    list_filter = ["role", "stance", "is_primary", "workspace"]
    search_fields = ["contact__first_name", "contact__last_name", "deal__name"]
    list_select_related = ["contact", "deal"]
    raw_id_fields = ["deal", "contact"]


@admin.register(BusinessCase)
class BusinessCaseAdmin(admin.ModelAdmin):
    list_display = ["deal", "metric", "estimated_annual_value", "workspace"]
    list_filter = ["metric", "workspace"]
    search_fields = ["deal__name", "description"]
    list_select_related = ["deal", "workspace"]
    raw_id_fields = ["deal"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "workspace"]
    list_filter = ["kind", "workspace"]
    search_fields = ["name"]
    list_select_related = ["workspace"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    exclude = ["workspace"]
    raw_id_fields = ["owner"]


@admin.register(Conversation)
class ConversationAdmin(WorkspaceInlineMixin, SimpleHistoryAdmin):
    list_display = ["title", "account", "kind", "occurred_on", "sentiment", "logged_by"]
    list_filter = ["kind", "sentiment", "stated_reason", "workspace"]
    search_fields = ["title", "notes", "account__name"]
    date_hierarchy = "occurred_on"
    list_select_related = ["account", "logged_by"]
    raw_id_fields = ["account", "deal", "participants", "logged_by", "tags"]
    inlines = [ActionItemInline]
    show_full_result_count = False


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["text", "conversation", "owner", "due_on", "done"]
    list_filter = ["done", "workspace"]
    search_fields = ["text", "conversation__title"]
    list_select_related = ["conversation", "owner"]
    raw_id_fields = ["conversation", "owner"]


@admin.register(ScorecardItem)
class ScorecardItemAdmin(admin.ModelAdmin):
    list_display = ["deal", "key", "status", "set_by", "updated_at"]
    list_filter = ["key", "status", "workspace"]
    search_fields = ["deal__name", "note"]
    list_select_related = ["deal", "set_by"]
    raw_id_fields = ["deal", "set_by"]
