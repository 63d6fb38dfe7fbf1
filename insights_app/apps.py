from django.apps import AppConfig


class InsightsAppConfig(AppConfig):
    name = "insights_app"
    verbose_name = "Insights"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
