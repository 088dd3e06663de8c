from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "linkwell.community"
    label = "community"
    default_auto_field = "django.db.models.BigAutoField"
