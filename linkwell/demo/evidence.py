"""Demo evidence data (`linkwell demo`): a fictional IMD lookup for the demo people's postcodes,
population profiles for the demo practices and a GP/hospital activity extract for the people
referred, loaded through the same import services a deployer uses (so it is validated and
audited). Everything is generated (seeded): none of it is real deprivation or activity data.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.evidence.dimensions import AGE_BANDS, categories
from linkwell.evidence.models import ActivityImport, PostcodeImd
from linkwell.evidence.selectors.common import add_months, compact_postcode
from linkwell.evidence.services import (
    activity_import,
    imd_lookup_import,
    population_profile_import,
)
from linkwell.people.models import Person
from linkwell.referrals.models import Referral

# Contacts per person per month before referral, and the share left after (people referred to
# social prescribing are frequent attenders; the change is invented, for the demo only).
RATES = {
    "gp_appointment": (0.9, 0.75),
    "nurse_appointment": (0.4, 0.35),
    "ae_attendance": (0.08, 0.06),
    "emergency_admission": (0.03, 0.025),
    "outpatient": (0.2, 0.2),
    "prescription": (1.0, 0.95),
}
AGE_SHARES = (0.2, 0.08, 0.13, 0.13, 0.14, 0.13, 0.1, 0.06, 0.03)
SEX_SHARES = {"female": 0.505, "male": 0.49, "other": 0.005}
ETHNIC_SHARES = {"A": 0.9, "C": 0.04, "H": 0.01, "J": 0.01, "N": 0.01, "F": 0.01, "S": 0.02}


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means here.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


DEMO_ACTIVITY = "demo-activity.csv"


def reset() -> None:
    """Remove the demo extract (its people go with `linkwell demo --reset`; the IMD lookup and
    profiles are kept or cascade with their practices)."""
    ActivityImport.objects.filter(filename=DEMO_ACTIVITY).delete()


def load(*, seed: int = 42, today: dt.date | None = None) -> int:
    """Load once; returns the activity rows made (0 if the demo extract is already there)."""
    if ActivityImport.objects.filter(filename=DEMO_ACTIVITY).exists():
        return 0
    rng = random.Random(seed)
    today = today or timezone.localdate()
    postcodes = sorted(
        {
            compact_postcode(p)
            for p in Person.objects.exclude(postcode="").values_list("postcode", flat=True)
        }
    )
    if postcodes and not PostcodeImd.objects.exists():
        lines = ["postcode,lsoa_code,imd_decile"]
        for i, code in enumerate(postcodes):
            lines.append(f"{code},E0102{i % 10000:04d},{rng.randint(1, 10)}")
        imd_lookup_import(actor=None, text="\n".join(lines) + "\n", filename="demo-imd.csv")
    rows = ["practice,dimension,category,count"]
    for org in Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).order_by("name"):
        practice = org.ods_code or str(org.uuid)
        size = rng.randint(5000, 12000)
        quintile_weights = [rng.uniform(0.5, 1.5) for _ in range(5)]
        total_w = sum(quintile_weights)
        for (code, _), w in zip(categories("imd_quintile"), quintile_weights, strict=True):
            rows.append(f"{practice},imd_quintile,{code},{round(size * w / total_w)}")
        for (code, _, _), share in zip(AGE_BANDS, AGE_SHARES, strict=True):
            rows.append(f"{practice},age_band,{code},{round(size * share)}")
        for code, share in SEX_SHARES.items():
            rows.append(f"{practice},sex,{code},{round(size * share)}")
        for code, share in ETHNIC_SHARES.items():
            rows.append(f"{practice},ethnicity,{code},{round(size * share)}")
    if len(rows) > 1:
        population_profile_import(
            actor=None, text="\n".join(rows) + "\n", as_of=today, filename="demo-population.csv"
        )
    first: dict[str, dt.date] = {}
    for person_uuid, received in Referral.objects.order_by("received_at").values_list(
        "person__uuid", "received_at"
    ):
        first.setdefault(str(person_uuid), timezone.localdate(received))
    if not first:
        return 0
    start = add_months(min(first.values()), -12)
    lines = ["person,date,kind"]
    for person, index in first.items():
        day = start
        while day <= today:
            nxt = add_months(day, 1)
            after = day >= index
            for kind, (before_rate, after_rate) in RATES.items():
                for _ in range(_poisson(rng, after_rate if after else before_rate)):
                    span = max((min(nxt, today) - day).days, 1)
                    when = day + dt.timedelta(days=rng.randrange(span))
                    if when <= today:
                        lines.append(f"{person},{when.isoformat()},{kind}")
            day = nxt
    batch = activity_import(
        actor=None,
        text="\n".join(lines) + "\n",
        filename=DEMO_ACTIVITY,
        period_start=start,
        period_end=today,
    )
    return batch.rows
