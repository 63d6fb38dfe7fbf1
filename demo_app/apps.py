from django.apps import AppConfig


class DemoAppConfig(AppConfig):
    """The demo data set: above every domain app, which never imports it."""

    name = "demo_app"
    verbose_name = "Demo data"
