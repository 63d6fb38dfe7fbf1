from django.contrib import admin

from .models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Surveys for support: who was asked, when, and the answer. The token never shows (only
    its hash is stored, and that is excluded too)."""

    list_display = ["id", "deal", "contact", "sent_at", "opened_at", "answered_at", "expires_at"]
    list_filter = ["workspace", "alternative", "main_reason"]
    search_fields = ["deal__name", "contact__last_name", "contact__email", "competitor"]
    raw_id_fields = ["deal", "contact", "sent_by", "conversation"]
    exclude = ["token_hash"]
    readonly_fields = ["sent_at", "reminded_at", "opened_at", "answered_at"]
