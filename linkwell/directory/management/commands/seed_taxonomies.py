"""`linkwell seed_taxonomies`: load or update the taxonomies shipped with Linkwell (safe to re-run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.directory.taxonomies import taxonomy_seed


class Command(BaseCommand):
    help = "Create or update the shipped taxonomies (categories, needs, Five Ways, asset kinds, activities)."

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.COMMAND):
            result = taxonomy_seed()
        self.stdout.write(
            f"Taxonomies: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
