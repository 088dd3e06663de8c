from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development and evaluation only: `linkwell demo` and the builders behind it."""

    name = "linkwell.demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"
