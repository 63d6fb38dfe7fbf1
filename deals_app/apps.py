from django.apps import AppConfig


class DealsAppConfig(AppConfig):
    name = "deals_app"
    verbose_name = "Deals"
