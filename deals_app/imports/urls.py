"""Pages of the CRM import (/imports/)."""

urlpatterns: list = []
