from django.apps import AppConfig


class TimebankConfig(AppConfig):
    name = "linkwell.timebank"
    label = "timebank"
    default_auto_field = "django.db.models.BigAutoField"
