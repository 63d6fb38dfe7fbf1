"""Top-level URLs: pages per app, the admin, the REST API and its OpenAPI documents."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from common.openapi import CachedSchemaView

# Redoc runs its search index in a Web Worker it starts from a blob: URL.
redoc = csp_update({"worker-src": ["'self'", "blob:"]})(
    SpectacularRedocView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    # Generated once per process, not per call (common/openapi.py).
    path("api/schema/", CachedSchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from ?script, not inline (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", redoc, name="api-redoc"),
    path("", include("accounts_app.urls")),
    path("", include("deals_app.urls")),
    path("", include("crm_app.urls")),
    path("", include("surveys_app.urls")),
    path("", include("insights_app.urls")),
    path("", include("conversations_app.urls")),
    path("", include("alerts_app.urls")),
]
