"""Top-level URLs: pages per app, the admin, and (later) the API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts_app.urls")),
    path("", include("deals_app.urls")),
]
