from django.apps import AppConfig


class MeshConfig(AppConfig):
    name = "linkwell.mesh"
    label = "mesh"
    default_auto_field = "django.db.models.BigAutoField"
