from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "linkwell.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from linkwell.notifications import checks  # noqa: F401  (registers the deploy check)
