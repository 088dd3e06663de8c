from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "linkwell.coproduction"
    label = "coproduction"
    default_auto_field = "django.db.models.BigAutoField"
