from django.apps import AppConfig


class PersonasAppConfig(AppConfig):
    name = "personas_app"
    verbose_name = "Personas"
