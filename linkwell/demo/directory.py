"""Build a fictional but realistic community directory in memory, then write it in bulk.

Used by `linkwell demo` (about 135 providers, 320 services around Oswestry) and by
`benchmarks/directory_search.py` (10k-100k services). Everything random comes from the
`random.Random` passed in and ids come from `DemoIds`, so the same seed gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any

from django.db import models

from linkwell.accounts.models import User
from linkwell.demo.catalogue import (
    ACCESSIBILITY,
    COUNTY_PROVIDERS,
    HUB_TOWNS,
    LANGUAGES,
    SLOTS,
    VENUES,
    VILLAGE_VENUES,
    ProviderKind,
    ServiceTemplate,
)
from linkwell.demo.providers import PROVIDERS
from linkwell.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    QualityCheck,
    QualityCheckKind,
    ReferralMode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
)
from linkwell.directory.services import AtLocation, ServiceRows, service_create, service_rows
from linkwell.directory.taxonomies import (
    ACTIVITY_TYPES,
    ASSET_KIND,
    CATEGORIES,
    FIVE_WAYS,
    LINK_TYPE_BY_TAXONOMY,
    NEEDS,
)

# Demo ids are uuid5 in this namespace over "<kind>/<n>": the same on every run and install, so
# `--reset` can find exactly the rows the demo made, and tests can name them.
DEMO_NAMESPACE = uuid.UUID("0b7f3a52-5d8e-4c1b-9e6a-3f2d1c0b9a87")

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = dict(
    zip(
        DAY_CODES,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)


class DemoIds:
    """Sequential, deterministic uuids per kind of row."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.counters: dict[str, int] = {}

    def __call__(self, kind: str) -> uuid.UUID:
        n = self.counters.get(kind, 0)
        self.counters[kind] = n + 1
        return demo_uuid(f"{self.prefix}{kind}", n)


def demo_uuid(kind: str, n: int) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}/{n}")


@dataclass(frozen=True)
class Place:
    town: str
    village: bool
    points: tuple[tuple[str, float, float], ...]  # (postcode, lat, lon)
    providers: int  # how many local providers to create there


@dataclass
class DirectoryRows:
    """Unsaved rows: the providers with their quality checks, venues and phones, and the
    listings (`service_rows`), each in dependency order."""

    organizations: list[DirectoryOrganization] = field(default_factory=list)
    quality_checks: list[QualityCheck] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    accessibility: list[Accessibility] = field(default_factory=list)
    organization_phones: list[Phone] = field(default_factory=list)
    listings: list[ServiceRows] = field(default_factory=list)

    @property
    def services(self) -> list[Service]:
        return [listing.service for listing in self.listings]

    @property
    def schedules(self) -> list[Schedule]:
        return [s for listing in self.listings for s in listing.schedules]

    def providers(self) -> list[tuple[type[models.Model], list[Any]]]:
        return [
            (DirectoryOrganization, self.organizations),
            (QualityCheck, self.quality_checks),
            (Location, self.locations),
            (Address, self.addresses),
            (Accessibility, self.accessibility),
            (Phone, self.organization_phones),
        ]

    def listing_rows(self) -> list[tuple[type[models.Model], list[Any]]]:
        """Every listing's rows, by model, parents first."""
        by_model: dict[type[models.Model], list[Any]] = {Service: self.services}
        for listing in self.listings:
            for model, objs in listing.children():
                by_model.setdefault(model, []).extend(objs)
        return list(by_model.items())

    def counts(self) -> dict[str, int]:
        """Rows per kind (phones: the providers' and the services'), as `linkwell demo` reports."""
        counts = dict.fromkeys(_COUNT_KEYS.values(), 0)
        for model, objs in [*self.providers(), *self.listing_rows()]:
            counts[_COUNT_KEYS[model]] += len(objs)
        return counts


_COUNT_KEYS: dict[type[models.Model], str] = {
    DirectoryOrganization: "organizations",
    QualityCheck: "quality_checks",
    Location: "locations",
    Address: "addresses",
    Accessibility: "accessibility",
    Service: "services",
    ServiceAtLocation: "service_at_locations",
    Schedule: "schedules",
    CostOption: "cost_options",
    Language: "languages",
    Contact: "contacts",
    Phone: "phones",
    ServiceArea: "service_areas",
    Attribute: "attributes",
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _time(hm: tuple[int, int]) -> dt.time:
    return dt.time(hm[0], hm[1])


def _clock(t: dt.time) -> str:
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}.{t.minute:02d}{suffix}"


class DirectoryBuilder:
    def __init__(
        self,
        *,
        rng: Random,
        today: dt.date,
        now: dt.datetime,
        ids: DemoIds,
        term_pks: Mapping[tuple[str, str], int],
        verify_after_days: int,
        qa_expiring_days: int,
    ) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.ids = ids
        self.term_pks = term_pks
        self.verify_after_days = verify_after_days
        self.qa_expiring_days = qa_expiring_days
        self.rows = DirectoryRows()
        self._phone = 0

    # --- small helpers -------------------------------------------------------------------

    def _phone_number(self) -> str:
        # Ofcom's drama range: 01632 960000 to 960999 is never allocated to a real line.
        number = f"01632 960{self._phone % 1000:03d}"
        self._phone += 1
        return number

    def _attribute(self, taxonomy: str, code: str) -> Attribute:
        pk = self.term_pks.get((taxonomy, code))
        if pk is None:
            raise KeyError(f"Demo data names the term {taxonomy}:{code}, which is not shipped")
        return Attribute(
            uuid=self.ids("attribute"),
            link_type=LINK_TYPE_BY_TAXONOMY[taxonomy],
            taxonomy_term_id=pk,
        )

    # --- providers -----------------------------------------------------------------------

    def organization(
        self, name: str, kind: ProviderKind, *, owner_id: int | None = None
    ) -> DirectoryOrganization:
        domain = f"{slug(name)}.example.org"
        org = DirectoryOrganization(
            uuid=self.ids("organization"),
            owner_id=owner_id,
            name=name,
            description=self._org_description(name, kind),
            email=f"hello@{domain}",
            website=f"https://{domain}/",
            legal_status=kind.legal_status,
            year_incorporated=self.rng.randint(1975, 2022),
            assurer_email="quality@oswestry-wellbeing.example.org",
        )
        self.rows.organizations.append(org)
        self.rows.organization_phones.append(
            Phone(uuid=self.ids("phone"), organization=org, number=self._phone_number())
        )
        self._quality_checks(org)
        return org

    def _org_description(self, name: str, kind: ProviderKind) -> str:
        run_by = self.rng.choice(
            (
                "run by local volunteers",
                "run by a small team and a big group of volunteers",
                "run for the community, by the community",
                "supported by the town council and local businesses",
            )
        )
        since = self.rng.choice(("for over twenty years", "since 2015", "since 2019", "since 2008"))
        return (
            f"{name} is a {kind.legal_status.lower()} {run_by}. We have been welcoming people "
            f"{since}. Everyone is welcome; ask us about anything that would make it easier "
            "for you to come along."
        )

    def _quality_checks(self, org: DirectoryOrganization) -> None:
        """Most providers assured; some expiring soon; a few lapsed (expired or missing)."""
        roll = self.rng.random()
        kinds = list(QualityCheckKind.values)
        missing: str | None = None
        if roll > 0.97:
            missing = self.rng.choice(kinds)
        for kind in kinds:
            if kind == missing:
                continue
            checked = self.today - dt.timedelta(days=self.rng.randint(20, 300))
            expires = checked + dt.timedelta(days=365 * 2 if kind == "dbs_checks" else 365)
            if roll > 0.92 and kind == kinds[0] and missing is None:  # lapsed: expired
                expires = self.today - dt.timedelta(days=self.rng.randint(1, 90))
                checked = expires - dt.timedelta(days=365)
            elif roll > 0.8 and kind == kinds[1] and missing is None:  # expiring soon
                expires = self.today + dt.timedelta(
                    days=self.rng.randint(1, max(1, self.qa_expiring_days - 1))
                )
                checked = expires - dt.timedelta(days=365)
            elif expires <= self.today + dt.timedelta(days=self.qa_expiring_days):
                expires = self.today + dt.timedelta(days=self.rng.randint(60, 330))
            self.rows.quality_checks.append(
                QualityCheck(
                    uuid=self.ids("quality_check"),
                    organization=org,
                    kind=kind,
                    checked_on=checked,
                    expires_on=expires,
                    reference=f"{kind.upper()}-{checked:%Y}-{self.rng.randint(100, 999)}",
                )
            )

    def location(
        self, org: DirectoryOrganization, place: Place, venue: str | None = None
    ) -> Location:
        if venue is None:
            venues = VILLAGE_VENUES if place.village else VENUES
            venue = f"{place.town} {self.rng.choice(venues)}"
        postcode, lat, lon = self.rng.choice(place.points)
        loc = Location(
            uuid=self.ids("location"),
            organization=org,
            name=venue,
            latitude=lat,
            longitude=lon,
            transportation=self.rng.choice(
                (
                    "Bus stop outside.",
                    "Ten minutes' walk from the bus station.",
                    "On the Arriva bus route; free parking.",
                    "",
                )
            ),
        )
        self.rows.locations.append(loc)
        self.rows.addresses.append(
            Address(
                uuid=self.ids("address"),
                location=loc,
                address_1=venue,
                city=place.town,
                region="Shropshire",
                postal_code=postcode,
                country="GB",
            )
        )
        if self.rng.random() < 0.65:
            for desc, details in self.rng.sample(ACCESSIBILITY, self.rng.randint(1, 3)):
                self.rows.accessibility.append(
                    Accessibility(
                        uuid=self.ids("accessibility"),
                        location=loc,
                        description=desc,
                        details=details,
                    )
                )
        return loc

    # --- services ------------------------------------------------------------------------

    def service(
        self,
        template: ServiceTemplate,
        org: DirectoryOrganization,
        place: Place,
        location: Location | None,
    ) -> Service:
        """One listing, built by the directory's own creator (`service_rows`). The random draws
        happen in a fixed order (fields, schedule, languages, contact, area), so a seed always
        gives the same directory."""
        rng = self.rng
        name = template.name.format(town=place.town, org=org.name)
        status = ServiceStatus.ACTIVE
        roll = rng.random()
        if roll > 0.98:
            status = ServiceStatus.INACTIVE
        elif roll > 0.955:
            status = ServiceStatus.TEMPORARILY_CLOSED
        # A spread of verification dates: most within the freshness window, ~30% stale.
        if rng.random() < 0.7:
            verified_days = rng.randint(0, self.verify_after_days - 10)
        else:
            verified_days = rng.randint(self.verify_after_days + 1, self.verify_after_days * 3)
        min_age, max_age = template.ages
        referral = rng.random() < template.referral
        fields: dict[str, Any] = {
            "description": template.description,
            "email": org.email,
            "url": org.website,
            "status": status,
            "minimum_age": min_age,
            "maximum_age": max_age,
            "eligibility_description": template.eligibility or self._eligibility(min_age, max_age),
            "application_process": (
                "Ask your link worker or GP practice to refer you, or contact us."
                if referral
                else "Just come along, or call us first if you would like to know more."
            ),
            "referral_mode": ReferralMode.ACCEPTS_REFERRALS
            if referral
            else ReferralMode.SIGNPOST_ONLY,
            "last_verified_at": self.now
            - dt.timedelta(days=verified_days, hours=rng.randint(0, 8)),
            "alert": "Closed for refurbishment; reopening soon."
            if status == ServiceStatus.TEMPORARILY_CLOSED
            else "",
        }
        if template.capacity and rng.random() < 0.8:
            low, high = template.capacity
            maximum = rng.randint(low, high)
            fields.update(
                capacity_maximum=maximum,
                capacity_available=rng.choice((0, rng.randint(0, maximum), maximum // 2)),
                capacity_unit="places",
                capacity_updated_at=self.now - dt.timedelta(days=rng.randint(0, 40)),
            )
        service_uuid = self.ids("service")
        # Phone and online services are not held at a venue: their schedule is the service's.
        at_venue = location is not None and template.schedule not in ("phone", "online")
        sal_uuid = self.ids("service_at_location") if at_venue else None
        schedule = self._schedule(template, at_venue=at_venue)
        cost, fields["fees_description"] = self._cost(template)
        languages = self._languages(place)
        contact = Contact(
            uuid=self.ids("contact"),
            title=rng.choice(("Group coordinator", "Session lead", "Volunteer organiser")),
            email=f"info@{org.email.split('@')[1]}",
        )
        phone = Phone(uuid=self.ids("phone"), number=self._phone_number())
        areas = []
        if template.schedule in ("phone", "online") or rng.random() < 0.3:
            area = (
                "North Shropshire and the Welsh border"
                if template.schedule in ("phone", "online")
                else f"{place.town} and surrounding villages"
            )
            areas.append(ServiceArea(uuid=self.ids("service_area"), name=area))
        listing = service_rows(
            organization=org,
            name=name,
            uuid=service_uuid,
            fields=fields,
            at_locations=(
                [AtLocation(location=location, uuid=sal_uuid, schedules=[schedule])]
                if at_venue and location is not None
                else []
            ),
            schedules=[] if at_venue else [schedule],
            cost_options=[cost],
            languages=languages,
            contacts=[contact],
            phones=[phone],
            service_areas=areas,
            attributes=self._classify(template),
        )
        self.rows.listings.append(listing)
        return listing.service

    def _eligibility(self, min_age: int | None, max_age: int | None) -> str:
        if min_age is None and max_age is None:
            return "Open to everyone."
        if max_age is None:
            return (
                f"Adults aged {min_age} and over."
                if min_age and min_age >= 18
                else (f"Aged {min_age} and over.")
            )
        return f"Aged {min_age or 0} to {max_age}."

    def _schedule(self, template: ServiceTemplate, *, at_venue: bool) -> Schedule:
        rng = self.rng
        kind = template.schedule
        opens, closes = (_time(t) for t in SLOTS[rng.choice(template.slots)])
        weekdays = DAY_CODES[:5] if kind != "seasonal" else DAY_CODES[:6]
        day = rng.choice(weekdays)
        sched = Schedule(
            uuid=self.ids("schedule"),
            freq="WEEKLY",
            interval=1,
            byday=day,
            opens_at=opens,
            closes_at=closes,
            attending_type="in person" if at_venue else "",
        )
        when = f"{_clock(opens)} to {_clock(closes)}"
        if kind == "weekly":
            sched.description = f"Every {DAY_NAMES[day]}, {when}."
        elif kind == "fortnightly":
            sched.interval = 2
            sched.dtstart = self.today - dt.timedelta(days=rng.randint(0, 13))
            sched.description = f"Every other {DAY_NAMES[day]}, {when}."
        elif kind == "monthly":
            nth = rng.choice((1, 2, 3, 4))
            sched.freq = "MONTHLY"
            sched.byday = f"{nth}{day}"
            ordinal = ("first", "second", "third", "fourth")[nth - 1]
            sched.description = f"The {ordinal} {DAY_NAMES[day]} of every month, {when}."
        elif kind == "term":
            # A course: mostly running now, some starting soon, a few already over.
            offset = rng.choice((-70, -35, -21, -14, -7, 0, 14, 28, -120))
            start = self.today + dt.timedelta(days=offset)
            weeks = rng.choice((6, 8, 10, 12))
            end = start + dt.timedelta(weeks=weeks)
            sched.valid_from, sched.valid_to = start, end
            sched.dtstart, sched.until = start, end
            sched.description = (
                f"{weeks}-week course: {DAY_NAMES[day]}s, {when}, "
                f"{start:%-d %B} to {end:%-d %B %Y}."
            )
        elif kind == "seasonal":
            start = dt.date(self.today.year, 4, 1)
            end = dt.date(self.today.year, 9, 30)
            if self.today > end:
                start, end = dt.date(start.year + 1, 4, 1), dt.date(end.year + 1, 9, 30)
            sched.valid_from, sched.valid_to = start, end
            sched.description = f"{DAY_NAMES[day]}s, {when}, April to September."
        elif kind == "hours":
            days = DAY_CODES[:5] if rng.random() < 0.6 else rng.sample(DAY_CODES[:5], 3)
            days = sorted(days, key=DAY_CODES.index)
            sched.byday = ",".join(days)
            sched.opens_at, sched.closes_at = dt.time(9, 30), dt.time(rng.choice((13, 16)), 0)
            names = ", ".join(DAY_NAMES[d] for d in days)
            sched.description = (
                f"Open {names}, {_clock(sched.opens_at)} to {_clock(sched.closes_at)}."
            )
        elif kind == "phone":
            sched.byday = "MO,TU,WE,TH,FR"
            sched.opens_at, sched.closes_at = dt.time(9, 0), dt.time(17, 0)
            sched.attending_type = "phone"
            sched.description = "Phone lines open Monday to Friday, 9am to 5pm."
        elif kind == "online":
            sched.attending_type = "online"
            sched.opens_at, sched.closes_at = dt.time(18, 30), dt.time(20, 0)
            sched.description = f"Online on {DAY_NAMES[day]}s, {_clock(dt.time(18, 30))} to 8pm."
        return sched

    def _cost(self, template: ServiceTemplate) -> tuple[CostOption, str]:
        """The service's cost option and the matching `fees_description`."""
        cost = template.cost
        if isinstance(cost, tuple):
            amount, what = cost
            option = CostOption(
                uuid=self.ids("cost_option"),
                option="Per session" if "session" in what or "class" in what else "Fee",
                currency="GBP",
                amount=decimal.Decimal(f"{amount:.2f}"),
                amount_description=f"£{amount:.2f} {what}",
            )
            return option, option.amount_description
        if cost == "donation":
            option = CostOption(
                uuid=self.ids("cost_option"),
                option="Free",
                currency="GBP",
                amount=decimal.Decimal("0.00"),
                amount_description="Free; donations welcome",
            )
            return option, "Free; donations welcome."
        option = CostOption(
            uuid=self.ids("cost_option"),
            option="Free",
            currency="GBP",
            amount=decimal.Decimal("0.00"),
            amount_description="Free",
        )
        return option, "Free."

    def _languages(self, place: Place) -> list[Language]:
        rng = self.rng
        if rng.random() < 0.5:
            return []
        chosen = [LANGUAGES[0]]
        welsh_chance = (
            0.6 if place.town in ("Chirk", "Oswestry", "Llanymynech", "Trefonen") else 0.1
        )
        if rng.random() < welsh_chance:
            chosen.append(LANGUAGES[1])
        if rng.random() < 0.06:
            chosen.append(LANGUAGES[2])
        if rng.random() < 0.04:
            chosen.append(LANGUAGES[3])
        return [
            Language(uuid=self.ids("language"), name=name, code=code, note=note)
            for name, code, note in chosen
        ]

    def _classify(self, template: ServiceTemplate) -> list[Attribute]:
        """The service's taxonomy terms (service_rows links them to the service)."""
        terms = [
            *((CATEGORIES, code) for code in template.categories),
            *((NEEDS, code) for code in template.needs),
            *((FIVE_WAYS, code) for code in template.five_ways),
            (ASSET_KIND, template.asset_kind),
            *((ACTIVITY_TYPES, code) for code in template.activities),
        ]
        return [self._attribute(taxonomy, code) for taxonomy, code in terms]

    # --- the whole directory -------------------------------------------------------------

    def local_provider(
        self,
        kind: ProviderKind,
        place: Place,
        *,
        name_index: int | None = None,
        suffix: str = "",
        owner_id: int | None = None,
    ) -> DirectoryOrganization:
        rng = self.rng
        pattern = kind.names[
            name_index if name_index is not None else rng.randrange(len(kind.names))
        ]
        name = pattern.format(town=place.town) + suffix
        org = self.organization(name, kind, owner_id=owner_id)
        home = self.location(org, place)
        extra = self.location(org, place) if rng.random() < 0.15 else None
        # Two or three of the kind's services (the first is the provider's main one).
        templates = [kind.services[0], *rng.sample(kind.services[1:], len(kind.services) - 1)]
        wanted = min(len(templates), rng.choice((2, 3, 3, 3, 4)))
        for i, template in enumerate(templates[:wanted]):
            where = extra if (extra is not None and i == 1) else home
            self.service(template, org, place, where)
        return org

    def county_provider(
        self, kind: ProviderKind, places: Mapping[str, Place], *, owner_id: int | None = None
    ) -> DirectoryOrganization:
        org = self.organization(kind.names[0], kind, owner_id=owner_id)
        hubs = [places[t] for t in HUB_TOWNS if t in places]
        locations = {p.town: self.location(org, p) for p in hubs}
        for template in kind.services:
            if "{town}" not in template.name:
                self.service(template, org, hubs[0], None)
                continue
            for place in self.rng.sample(hubs, self.rng.randint(3, len(hubs))):
                self.service(template, org, place, locations[place.town])
        return org


def build_directory(
    *,
    rng: Random,
    today: dt.date,
    now: dt.datetime,
    places: Sequence[Place],
    term_pks: Mapping[tuple[str, str], int],
    verify_after_days: int,
    qa_expiring_days: int,
    ids: DemoIds | None = None,
    required: Sequence[tuple[str, str]] = (),
    owners: Mapping[str, int] | None = None,
    county: bool = True,
) -> DirectoryRows:
    """Rows for a directory: `place.providers` local providers per place (kinds drawn without
    repeats, then again with a number suffix), plus the county-wide providers.

    `required` lists (kind key, town) pairs that must exist (named with the kind's first name
    pattern); `owners` maps a provider name to the accounts.Organisation pk that owns it."""
    builder = DirectoryBuilder(
        rng=rng,
        today=today,
        now=now,
        ids=ids or DemoIds(),
        term_pks=term_pks,
        verify_after_days=verify_after_days,
        qa_expiring_days=qa_expiring_days,
    )
    owners = owners or {}
    kinds = {k.key: k for k in PROVIDERS}
    by_town = {p.town: p for p in places}
    for place in places:
        forced = [kinds[key] for key, town in required if town == place.town]
        eligible = [k for k in PROVIDERS if (k.villages or not place.village) and k not in forced]
        chosen: list[tuple[ProviderKind, str, int | None]] = [(k, "", 0) for k in forced]
        round_no = 0
        while len(chosen) < place.providers:
            pool = rng.sample(eligible, len(eligible))
            suffix = f" {round_no + 1}" if round_no else ""
            chosen += [(k, suffix, None) for k in pool[: place.providers - len(chosen)]]
            round_no += 1
        for kind, suffix, name_index in chosen:
            pattern = kind.names[name_index if name_index is not None else 0]
            owner = (
                owners.get(pattern.format(town=place.town) + suffix) if name_index == 0 else None
            )
            builder.local_provider(
                kind, place, name_index=name_index, suffix=suffix, owner_id=owner
            )
    if county:
        for kind in COUNTY_PROVIDERS:
            builder.county_provider(kind, by_town, owner_id=owners.get(kind.names[0]))
    return builder.rows


def _save(model: type[models.Model], rows: list[Any], batch_size: int) -> None:
    if rows:
        model._default_manager.bulk_create(rows, batch_size=batch_size)


def write_directory(rows: DirectoryRows, *, batch_size: int = 2000) -> dict[str, int]:
    """Insert every row in bulk, parents first, without per-listing audit events: for the
    benchmarks' 10k-100k services and tests. Call inside a transaction."""
    for model, objs in [*rows.providers(), *rows.listing_rows()]:
        _save(model, objs, batch_size)
    return rows.counts()


def create_directory(
    rows: DirectoryRows, *, actor: User | None, batch_size: int = 2000
) -> dict[str, int]:
    """`linkwell demo`: the providers and their venues in bulk, then each listing through the
    directory's `service_create` (audited). Call inside a transaction.

    Measured on the demo (132 providers, 325 listings, SQLite): listings in bulk 0.3 s, through
    service_create 0.8 s of a ~7 s load, so they go through the service. The providers stay in
    bulk: their quality checks and phones have no creator that keeps the demo's fixed ids."""
    for model, objs in rows.providers():
        _save(model, objs, batch_size)
    for listing in rows.listings:
        service_create(actor=actor, listing=listing, detail={"source": "demo"})
    return rows.counts()
