from django.apps import AppConfig


class DealsAppConfig(AppConfig):
    name = "deals_app"
    verbose_name = "Deals"

    def ready(self) -> None:
        from events_app.services import watcher_register

        from .events import deal_risk_watch

        # Contacts and advocacy edges (personas_app) move deal risks; personas_app only knows
        # events_app's change_watch, which runs this around its writes.
        watcher_register(deal_risk_watch)
