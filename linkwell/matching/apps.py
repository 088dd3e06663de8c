from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_embedding_model(**kwargs: Any) -> list[checks.CheckMessage]:
    """Suggestions without the sentence-embedding model rank by words alone: say so at start-up.
    With the model but without onnxruntime (or onnx), ranking would fail: an error."""
    from linkwell.matching import embedding

    if embedding.model_path() is not None:
        missing = embedding.runtime_missing()
        if missing is None:
            return []
        return [
            checks.Error(
                f"The sentence-embedding model is installed but cannot run: {missing} "
                "(the encoder runs on onnxruntime; onnx builds its graph).",
                hint=embedding.RUNTIME_HINT[0].upper() + embedding.RUNTIME_HINT[1:] + ".",
                id="matching.E001",
            )
        ]
    return [
        checks.Warning(
            "The sentence-embedding model is not installed: suggestions rank by words alone "
            "and miss meaning (e.g. 'lonely' finding befriending).",
            hint=embedding.INSTALL_HINT[0].upper() + embedding.INSTALL_HINT[1:] + ".",
            id="matching.W001",
        )
    ]


class MatchingConfig(AppConfig):
    name = "linkwell.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        checks.register(check_embedding_model)
        from linkwell.connections.signals import connection_made

        connection_made.connect(
            _record_decision, dispatch_uid="matching.search_connection_decision"
        )


def _record_decision(sender: Any, *, actor: Any, connection: Any, run_id: str, **_: Any) -> None:
    """A connection made on the ordinary connect page, recorded against the case's suggestions
    in the connection's own transaction (`linkwell.connections.signals`)."""
    from linkwell.matching.suggestions import search_connection_decision

    search_connection_decision(actor=actor, connection=connection, run_id=run_id)
