from django.apps import AppConfig


class VolunteeringConfig(AppConfig):
    name = "linkwell.volunteering"
    label = "volunteering"
    default_auto_field = "django.db.models.BigAutoField"
