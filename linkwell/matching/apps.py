from typing import Any

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "linkwell.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from linkwell.connections.signals import connection_made

        connection_made.connect(
            _record_decision, dispatch_uid="matching.search_connection_decision"
        )


def _record_decision(sender: Any, *, actor: Any, connection: Any, run_id: str, **_: Any) -> None:
    """A connection made on the ordinary connect page, recorded against the case's suggestions
    in the connection's own transaction (`linkwell.connections.signals`)."""
    from linkwell.matching.suggestions import search_connection_decision

    search_connection_decision(actor=actor, connection=connection, run_id=run_id)
