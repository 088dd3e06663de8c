"""Directory services as the matching engine sees them: `ServiceDoc`, and `load_directory`, which
reads Open Referral UK 3.0 / HSDS 3 JSON without the application database.

A file is read by the directory importer's own reader (`directory.exchange.readers.files`), so
matching understands every file `linkwell directory import` does, the same way: a JSON list of
full service objects; an ORUK 3.0 page (`contents`, any key case) or an ORUK 1.0 page (`content`,
mapped to HSDS 3); a file of pages (a JSON array, or JSON lines: one page or service per line); a
single service; the full dump `linkwell directory export` writes; an HSDS tabular data package.
Published quirks are read the importer's way (`minimum_age`/`maximum_age` of -1 mean no limit,
time zones, missing ids). An ORUK 1.0 service keeps the id its file gives it.

Rules (each with the HSDS 3.0 element it reads):
- taxonomy: `attributes[].taxonomy_term` name/code (the ORUK 3.0 way to categorise a service);
  Linkwell's `linkwell_referral_mode` attribute sets `accepts_referrals` instead.
- places: `service_at_locations[].location` (latitude/longitude; when missing or out of range, the
  address's GB postcode is looked up offline); `virtual` location types carry no point.
- sessions: `schedules` of the service and of its service_at_locations (RFC 5545 `byday`,
  `opens_at`/`closes_at`, `valid_from`/`valid_to`); a venue's own opening hours are not sessions.
- cost: `cost_options` (free = a zero or "free" option and none paid), else `fees`/`fees_description`
  (free for some people and paid for others, "free for learners on benefits; £45 for others":
  not known either way, with the amount kept).
- capacity: HSDS 3.1 `capacities[0]` (`available`, `maximum`).
- quality: `assured_date` present -> quality assured (None = not said).
- freshness: `last_modified`.
A service without an `id` or `name`, a duplicate id, or a file that is not JSON raises
`DirectoryError` naming the position ("line 3", "contents[2]").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from linkwell.core.exceptions import LinkwellError
from linkwell.directory.exchange import sources
from linkwell.directory.exchange.readers import files
from linkwell.directory.exchange.sources import SERVICE, ImportFileError, SourceRecord

ACTIVE = "active"
_BYDAY_RE = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
_TRANSPORT_RE = re.compile(
    r"transport (?:is )?(?:provided|available|included)|we (?:can )?(?:collect|pick)|"
    r"collect(?:s|ed)? (?:you|people|members|participants)|pick(?:s|ed)? (?:you|people|members) up|"
    r"pick[- ]?ups?\b|minibus|door[- ]to[- ]door|community transport|free transport|"
    r"lifts? (?:are |can be )?(?:provided|available|offered)",
    re.IGNORECASE,
)
_REFERRAL_LINK_TYPE = "linkwell_referral_mode"


class DirectoryError(LinkwellError):
    """The directory file cannot be read; the message says where."""


@dataclass(frozen=True)
class Place:
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    postcode: str = ""
    transportation: str = ""  # HSDS location.transportation: "Bus 12 stops outside"
    name: str = ""  # the venue's name: "Astley Bridge Neighbourhood Centre"

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class Session:
    """One recurring slot: `day` MO..SU; `nth` for "first Monday of the month" (1..5, -1);
    `interval` 2 = every other week. Times None when not published."""

    day: str
    opens: dt.time | None = None
    closes: dt.time | None = None
    nth: int | None = None
    interval: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class ServiceDoc:
    """One directory service, flattened for ranking. Every field but id and name has a default so
    tests and generated directories can build one briefly."""

    id: str
    name: str
    description: str = ""
    organization: str = ""
    taxonomy_terms: tuple[str, ...] = ()
    taxonomy_codes: tuple[str, ...] = ()
    status: str = ACTIVE
    min_age: int | None = None
    max_age: int | None = None
    eligibility: str = ""
    locations: tuple[Place, ...] = ()
    schedules: tuple[Session, ...] = ()
    free: bool | None = None
    cost_amount: float | None = None  # the lowest paid amount, when any
    cost_text: str = ""
    accessibility: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # lower-case ISO 639-1 codes (names mapped when known)
    interpretation: bool = False
    capacity_available: int | None = None
    capacity_maximum: int | None = None
    open_referrals: int = 0
    accepts_referrals: bool | None = None
    last_verified: dt.date | None = None
    last_modified: dt.date | None = None
    quality_assured: bool | None = None
    provides_transport: bool = False
    url: str = ""
    email: str = ""
    phone: str = ""
    extra_text: tuple[str, ...] = field(default=(), repr=False)  # other searchable text
    # The areas the listing says it serves, as written ("BL1 6, BL1 7 and BL1 8 only").
    areas: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """What the semantic encoder reads: name, categories, description."""
        parts = [self.name, ", ".join(self.taxonomy_terms), self.description]
        return ". ".join(p.strip() for p in parts if p and p.strip())

    @property
    def points(self) -> list[tuple[float, float]]:
        return [p for p in (loc.point for loc in self.locations) if p is not None]


# --- small parsers ------------------------------------------------------------------------

LANGUAGE_CODES = {
    "english": "en", "welsh": "cy", "polish": "pl", "urdu": "ur", "punjabi": "pa",
    "bengali": "bn", "bangla": "bn", "arabic": "ar", "gujarati": "gu", "hindi": "hi",
    "romanian": "ro", "portuguese": "pt", "spanish": "es", "french": "fr", "italian": "it",
    "lithuanian": "lt", "somali": "so", "tamil": "ta", "turkish": "tr", "chinese": "zh",
    "mandarin": "zh", "cantonese": "zh", "farsi": "fa", "persian": "fa", "kurdish": "ku",
    "pashto": "ps", "ukrainian": "uk", "russian": "ru", "british sign language": "bsl",
    "bsl": "bsl", "gaelic": "gd", "scottish gaelic": "gd", "irish": "ga",
}  # fmt: skip


def language_code(value: str) -> str:
    text = value.strip().lower()
    return LANGUAGE_CODES.get(text, text)


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _time(value: Any) -> dt.time | None:
    text = _str(value)
    if not text:
        return None
    try:
        return dt.time.fromisoformat(
            text[:8] if len(text) > 8 and text[8] in "+-Z" else text
        ).replace(tzinfo=None)
    except ValueError:
        return None


def _date(value: Any) -> dt.date | None:
    text = _str(value)
    if not text:
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def sessions_from_schedule(item: Mapping[str, Any]) -> list[Session]:
    """RFC 5545-style HSDS schedule -> sessions (one per weekday); none when it has no `byday`."""
    parts = [p.strip().upper() for p in _str(item.get("byday")).split(",") if p.strip()]
    interval = _int(item.get("interval"))
    opens, closes = _time(item.get("opens_at")), _time(item.get("closes_at"))
    valid_from = _date(item.get("valid_from")) or _date(item.get("dtstart"))
    valid_to = _date(item.get("valid_to")) or _date(item.get("until"))
    out = []
    for part in parts:
        match = _BYDAY_RE.match(part)
        if not match:
            continue
        nth = int(match.group(1)) if match.group(1) else None
        out.append(
            Session(
                day=match.group(2),
                opens=opens,
                closes=closes,
                nth=nth,
                interval=interval if interval and interval > 1 else None,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return out


# "Free for learners on benefits", "no charge if you are a carer": free for some people; not
# "free for VCSE organisations" (a price for organisations, not for the person).
_FREE_FOR_SOME_RE = re.compile(
    r"\b(?:free|no charge|no cost)\s+(?:for|to|if|when)\b"
    r"(?![^;,.()]*\b(?:organi[sz]ations?|charit(?:y|ies)|business(?:es)?|employers?|schools?)\b)"
)


def cost_from_options(
    options: Iterable[tuple[Decimal | float | None, str]], fees_text: str = ""
) -> tuple[bool | None, float | None, str]:
    """(free, lowest paid amount, text) from (amount, option words) pairs; the rule of
    `linkwell.directory.presentation.is_free`: a zero or "free" option and none paid."""
    options = list(options)
    paid = sorted(float(a) for a, _ in options if a is not None and a > 0)
    free_option = any((a is not None and a == 0) or "free" in words.lower() for a, words in options)
    if options and (paid or free_option):
        free = free_option and not paid
        text = "Free" if free else f"£{paid[0]:.2f}" + (" or free options" if free_option else "")
        return free, (paid[0] if paid else None), text
    fees = fees_text.lower()
    if fees:
        amount = re.search(r"£\s?(\d+(?:\.\d\d)?)", fees)
        if amount:
            value = float(amount.group(1))
            if value > 0 and _FREE_FOR_SOME_RE.search(fees):
                # "Free for learners on benefits; £45 for others": free for some people, so
                # not known to be paid for this one (shown with the fees to check).
                return None, value, fees_text.strip()
            return value == 0, value if value > 0 else None, fees_text.strip()
        if re.search(r"\bfree\b|no charge|no cost", fees):
            return True, None, fees_text.strip()
        return None, None, fees_text.strip()
    return None, None, ""


def mentions_transport(texts: Iterable[str]) -> bool:
    return any(_TRANSPORT_RE.search(t) for t in texts if t)


# --- HSDS service object -> ServiceDoc ----------------------------------------------------


def _lookup_postcode(postcode: str) -> tuple[float, float] | None:
    if not postcode:
        return None
    from linkwell.directory import postcodes

    try:
        return postcodes.lookup(postcode)
    except (LinkwellError, ValueError):
        return None


def _place(location: Mapping[str, Any]) -> Place | None:
    if _str(location.get("location_type")).lower() == "virtual":
        return None
    lat, lon = _float(location.get("latitude")), _float(location.get("longitude"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    addresses = _list(location.get("addresses"))
    address = addresses[0] if addresses else {}
    postcode = _str(address.get("postal_code"))
    if lat is None and postcode:
        point = _lookup_postcode(postcode)
        if point:
            lat, lon = point
    text = ", ".join(
        p for p in (_str(address.get("address_1")), _str(address.get("city")), postcode) if p
    )
    return Place(
        latitude=lat,
        longitude=lon,
        address=text or _str(location.get("name")),
        postcode=postcode,
        transportation=_str(location.get("transportation")),
        name=_str(location.get("name")),
    )


def service_doc_from_hsds(obj: Mapping[str, Any], where: str = "service") -> ServiceDoc:
    """One HSDS 3 / ORUK 3 service object (full or `service_list` summary) -> ServiceDoc."""
    sid = obj.get("id")
    if not isinstance(sid, str | int) or isinstance(sid, bool) or not str(sid).strip():
        raise DirectoryError(f"{where}: the service has no id")
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DirectoryError(f"{where} id={sid}: the service has no name")

    terms: list[str] = []
    codes: list[str] = []
    accepts: bool | None = None
    for attribute in _list(obj.get("attributes")):
        term = attribute.get("taxonomy_term")
        term = term if isinstance(term, Mapping) else {}
        if _str(attribute.get("link_type")) == _REFERRAL_LINK_TYPE:
            code = _str(term.get("code"))
            accepts = (
                True
                if code == "accepts-referrals"
                else False
                if code == "signposting-only"
                else None
            )
            continue
        term_name = _str(term.get("name")) or _str(term.get("term")) or _str(attribute.get("label"))
        if term_name and term_name not in terms:
            terms.append(term_name)
        if _str(term.get("code")) and _str(term.get("code")) not in codes:
            codes.append(_str(term.get("code")))

    places: list[Place] = []
    sessions: list[Session] = []
    access: list[str] = []
    languages: list[str] = []
    extra: list[str] = []
    for item in _list(obj.get("schedules")):
        sessions.extend(sessions_from_schedule(item))
    for sal in _list(obj.get("service_at_locations")):
        for item in _list(sal.get("schedules")):
            sessions.extend(sessions_from_schedule(item))
        location = sal.get("location")
        if not isinstance(location, Mapping):
            continue
        place = _place(location)
        if place is not None:
            places.append(place)
        for item in _list(location.get("accessibility")):
            text = " ".join(
                p for p in (_str(item.get("description")), _str(item.get("details"))) if p
            )
            if text:
                access.append(text)
        for item in _list(location.get("languages")):
            code = language_code(_str(item.get("code")) or _str(item.get("name")))
            if code and code not in languages:
                languages.append(code)
        extra.append(_str(location.get("transportation")))
    for item in _list(obj.get("languages")):
        code = language_code(_str(item.get("code")) or _str(item.get("name")))
        if code and code not in languages:
            languages.append(code)

    options = []
    for item in _list(obj.get("cost_options")):
        amount = _float(item.get("amount"))
        words = " ".join(_str(item.get(k)) for k in ("option", "amount_description"))
        options.append((amount, words))
    free, cost_amount, cost_text = cost_from_options(
        options, _str(obj.get("fees_description")) or _str(obj.get("fees"))
    )

    capacity = _list(obj.get("capacities"))
    available = _int(capacity[0].get("available")) if capacity else None
    maximum = _int(capacity[0].get("maximum")) if capacity else None

    phones = _list(obj.get("phones"))
    for contact in _list(obj.get("contacts")):
        phones.extend(_list(contact.get("phones")))
    organization = obj.get("organization")
    org_name = _str(organization.get("name")) if isinstance(organization, Mapping) else ""
    description = _str(obj.get("description"))
    eligibility = _str(obj.get("eligibility_description"))
    transport = mentions_transport([description, eligibility, *extra, *terms])
    return ServiceDoc(
        id=str(sid).strip(),
        name=name.strip(),
        description=description,
        organization=org_name,
        taxonomy_terms=tuple(terms),
        taxonomy_codes=tuple(codes),
        status=_str(obj.get("status")).lower() or ACTIVE,
        min_age=_int(obj.get("minimum_age")),
        max_age=_int(obj.get("maximum_age")),
        eligibility=eligibility,
        locations=tuple(places),
        schedules=tuple(sessions),
        free=free,
        cost_amount=cost_amount,
        cost_text=cost_text,
        accessibility=tuple(access),
        languages=tuple(languages),
        interpretation=bool(_str(obj.get("interpretation_services"))),
        capacity_available=available,
        capacity_maximum=maximum,
        accepts_referrals=accepts,
        last_modified=_date(obj.get("last_modified")),
        quality_assured=True if _date(obj.get("assured_date")) else None,
        provides_transport=transport,
        url=_str(obj.get("url")),
        email=_str(obj.get("email")),
        phone=_str(phones[0].get("number")) if phones else "",
        extra_text=tuple(t for t in extra if t),
        areas=tuple(
            text
            for area in _list(obj.get("service_areas"))
            if isinstance(area, Mapping)
            for text in (_str(area.get("name")), _str(area.get("description")))
            if text
        ),
    )


# --- file shapes ----------------------------------------------------------------------------
# One reading, shared: a directory file is read exactly as `linkwell directory import` reads it
# (`directory.exchange.readers.files.read_file` / `sources.records_from_value`), so ORUK 1.0
# feeds, HSDS tabular packages and the published quirks (ages of -1 = no limit...) mean the
# same here. Objects whose kind the file does not say are read as services.

_ITEM_RE = re.compile(r"^\[(\d+)\]\.?(.*)$")


def _where(position: str) -> str:
    """The reader's position in this command's words: `[1].contents[0]` -> `item 2 contents[0]`."""
    match = _ITEM_RE.match(position)
    if match is None:
        return "service" if position == "the top-level object" else position
    rest = match.group(2)
    return f"item {int(match.group(1)) + 1}" + (f" {rest}" if rest else "")


def _records(path_or_obj: str | Path | Any) -> list[SourceRecord]:
    try:
        if isinstance(path_or_obj, str | Path):
            path = Path(path_or_obj)
            if path.is_file() and not path.read_bytes().strip():
                raise DirectoryError(f"{path}: the file is empty")
            return files.read_file(path, assume=SERVICE).records
        if not isinstance(path_or_obj, Mapping | list):
            raise DirectoryError(
                f"file: expected a service object or page, not {type(path_or_obj).__name__}"
            )
        return sources.records_from_value(path_or_obj, assume=SERVICE)
    except ImportFileError as exc:
        raise DirectoryError(str(exc)) from exc


def load_directory(path_or_obj: str | Path | Any) -> list[ServiceDoc]:
    """Services from a file path (JSON, JSON lines or an HSDS data package), or from
    already-parsed JSON. Raises DirectoryError."""
    docs: list[ServiceDoc] = []
    seen: dict[str, str] = {}
    for record in _records(path_or_obj):
        if record.kind != SERVICE:
            continue
        where = _where(record.position.split(", ORUK 1.0 id ")[0])
        obj = record.data
        if not isinstance(obj, Mapping):
            raise DirectoryError(f"{where}: expected a service object")
        if record.source_id:
            obj = {**obj, "id": record.source_id}  # the id as the file gives it
        doc = service_doc_from_hsds(obj, where)
        if doc.id in seen:
            raise DirectoryError(
                f"{where}: service id {doc.id} appears twice (first at {seen[doc.id]})"
            )
        seen[doc.id] = where
        docs.append(doc)
    return docs
