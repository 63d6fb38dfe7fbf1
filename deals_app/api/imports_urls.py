"""API routes of the CRM import under /api/v1/imports/."""

urlpatterns: list = []
