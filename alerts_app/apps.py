from django.apps import AppConfig


class AlertsAppConfig(AppConfig):
    name = "alerts_app"
    verbose_name = "Alerts, digests and webhooks"

    def ready(self) -> None:
        from common.encryption import rotator_register
        from events_app.services import fanout_register

        from .services.channels import slack_urls_rotate
        from .services.fanout import event_fanout
        from .services.webhooks import webhook_secrets_rotate

        fanout_register(event_fanout)
        rotator_register("webhook secret(s)", webhook_secrets_rotate)
        rotator_register("Slack URL(s)", slack_urls_rotate)
