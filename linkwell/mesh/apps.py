from django.apps import AppConfig


class MeshConfig(AppConfig):
    name = "linkwell.mesh"
    label = "mesh"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each message back written into a letter to an organisation with a MESH mailbox
        # queues that letter's delivery (delivery.py; casework/signals.py).
        from linkwell.casework.signals import message_back_written
        from linkwell.mesh.delivery import on_message_back_written

        message_back_written.connect(on_message_back_written, dispatch_uid="mesh-queue-letter")
