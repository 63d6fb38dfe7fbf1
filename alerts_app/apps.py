from django.apps import AppConfig


class AlertsAppConfig(AppConfig):
    name = "alerts_app"
    verbose_name = "Alerts, digests and webhooks"

    def ready(self) -> None:
        from events_app.services import fanout_register

        from .services.fanout import event_fanout

        fanout_register(event_fanout)
