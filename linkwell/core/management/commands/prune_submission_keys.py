"""`linkwell prune_submission_keys`: forget forms' one-time keys older than a week (daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from linkwell.core.idempotency import KEY_DAYS, prune_submission_keys


class Command(BaseCommand):
    help = f"Remove retry-protection keys of forms sent more than {KEY_DAYS} days ago."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = prune_submission_keys()
        self.stdout.write(f"Removed {removed} submission key(s) older than {KEY_DAYS} days.")
