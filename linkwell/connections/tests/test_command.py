import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from .factories import journey_case, refer, shed_service


def test_the_remind_command_marks_lapsed_referrals(personas):
    connection = refer(personas, journey_case(personas), shed_service(personas))
    connection.respond_by = timezone.localdate() - dt.timedelta(days=1)
    connection.save(update_fields=["respond_by"])
    out = StringIO()
    call_command("connections", "remind", "--now", stdout=out)
    assert "Marked 1 referral(s) as lapsed" in out.getvalue()
    connection.refresh_from_db()
    assert connection.attention_at is not None


def test_the_remind_command_queues_the_task_by_default(db):
    out = StringIO()
    call_command("connections", "remind", stdout=out)
    assert "Queued the daily referral task" in out.getvalue()
