from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_embedding_model(**kwargs: Any) -> list[checks.CheckMessage]:
    """Suggestions without the sentence-embedding model rank by words alone: say so at start-up."""
    from linkwell.matching import embedding

    if embedding.model_path() is not None:
        return []
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
