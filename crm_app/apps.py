from django.apps import AppConfig


class CrmAppConfig(AppConfig):
    """Data that comes from a CRM: CSV exports today, live connections next."""

    name = "crm_app"
    verbose_name = "CRM data"
