from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "linkwell.outcomes"
    label = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"
