"""Messages back written before letters existed: each goes into the letter of its case, recipient
and day (one letter however many were written that day), with `written_on` that day. Each keeps
a key of its own (`earlier:<id>`), so duplicates written then stay readable and do not collide
with the unique constraint added next (0005)."""

from django.db import migrations
from django.utils import timezone

BATCH = 1000


def gather(apps, schema_editor):
    MessageBack = apps.get_model("casework", "MessageBack")
    MessageBackLetter = apps.get_model("casework", "MessageBackLetter")
    letters: dict[tuple[int, int | None, object], int] = {}
    pending = list(
        MessageBack.objects.filter(letter__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", "case_id", "recipient_organisation_id", "created_at")
    )
    for start in range(0, len(pending), BATCH):
        for pk, case_id, recipient_id, created_at in pending[start : start + BATCH]:
            day = timezone.localdate(created_at)
            key = (case_id, recipient_id, day)
            if key not in letters:
                letter = MessageBackLetter.objects.create(
                    case_id=case_id, recipient_organisation_id=recipient_id, written_on=day
                )
                MessageBackLetter.objects.filter(pk=letter.pk).update(created_at=created_at)
                letters[key] = letter.pk
            MessageBack.objects.filter(pk=pk).update(
                letter_id=letters[key], written_on=day, change_key=f"earlier:{pk}"
            )


class Migration(migrations.Migration):

    dependencies = [
        ("casework", "0003_structured_follow_up_and_message_back_letters"),
    ]

    operations = [migrations.RunPython(gather, migrations.RunPython.noop)]
