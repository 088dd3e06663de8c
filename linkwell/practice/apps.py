from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "linkwell.practice"
    label = "practice"
    default_auto_field = "django.db.models.BigAutoField"
