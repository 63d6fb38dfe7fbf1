"""/api/v1/: each app registers its resources on its own router."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts_app.api.urls")),
    path("", include("personas_app.api.urls")),
    path("", include("deals_app.api.urls")),
    path("", include("insights_app.api.urls")),
    path("", include("insights_app.api.insights_urls")),
    path("", include("crm_app.api.urls")),
    path("", include("surveys_app.api.urls")),
    path("", include("alerts_app.api.urls")),
]
