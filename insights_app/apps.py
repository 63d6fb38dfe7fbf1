from django.apps import AppConfig


class InsightsAppConfig(AppConfig):
    name = "insights_app"
    verbose_name = "Insights"

    def ready(self) -> None:
        from events_app.services import watcher_register

        from . import receivers
        from .events import assumption_status_watch

        receivers.connect()
        # A conversation deleted or re-logged takes its evidence along (deals_app and
        # conversations_app say which through events_app's change_watch).
        watcher_register(assumption_status_watch)
