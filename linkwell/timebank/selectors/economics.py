"""Hours given in a period, from the ledger, for the social return model (economics `sroi`).

Counted once each:
- confirmed exchanges between members and partners (not the issuing account), neither a
  reversal nor reversed;
- volunteers' logged hours (volunteering `Activity`, by the day they happened), whether or not
  they were credited through the ledger; the issuing exchanges that credited them are not
  counted again (reported apart: `volunteering_credited`).
Other issuing exchanges (credits for trainees' work, or a broker's grant) are the
organisation's payment for time, not time given member to member, and are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from linkwell.accounts.models import Organisation
from linkwell.timebank.models import AccountKind, Exchange, ExchangeStatus
from linkwell.volunteering.models import Activity

ZERO = Decimal("0")


@dataclass(frozen=True)
class HoursGiven:
    exchanges: Decimal
    volunteering_credited: Decimal
    volunteering_uncredited: Decimal

    @property
    def total(self) -> Decimal:
        return self.exchanges + self.volunteering_credited + self.volunteering_uncredited


def hours_given(
    *, start: dt.date, end: dt.date, organisation: Organisation | None = None
) -> HoursGiven:
    """Hours given from `start` to `end` inclusive (two queries)."""
    live = Exchange.objects.filter(
        status=ExchangeStatus.CONFIRMED,
        happened_on__gte=start,
        happened_on__lte=end,
        reverses__isnull=True,
        reversed_by__isnull=True,
    )
    activities = Activity.objects.filter(happened_on__gte=start, happened_on__lte=end)
    if organisation is not None:
        live = live.filter(organisation=organisation)
        activities = activities.filter(member__organisation=organisation)
    between = live.exclude(
        Q(from_account__kind=AccountKind.ISSUING) | Q(to_account__kind=AccountKind.ISSUING)
    ).aggregate(h=Sum("hours"))["h"]
    minutes = activities.aggregate(
        credited=Sum("minutes", filter=Q(timebank_credit__isnull=False)),
        uncredited=Sum("minutes", filter=Q(timebank_credit__isnull=True)),
    )
    return HoursGiven(
        exchanges=between or ZERO,
        volunteering_credited=_hours(minutes["credited"]),
        volunteering_uncredited=_hours(minutes["uncredited"]),
    )


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))
