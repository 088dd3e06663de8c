"""Write the evaluation directory (``directory.json``) from the hand-written catalogue.

    .venv/bin/python -m linkwell.matching.evaluation.generate            # rewrite directory.json
    .venv/bin/python -m linkwell.matching.evaluation.generate --check    # exit 1 if it would change

Seeded: the same catalogue and seed give byte-identical output. Randomness only chooses the
incidental details (which real postcode in the neighbourhood's sector, house numbers, phone
numbers, organisation websites); everything a judgment depends on is explicit in catalogue.py.

``scaled_services(n, seed)`` builds larger synthetic directories (1k-100k services) from the same
catalogue for the latency benchmark, as ``ServiceDoc`` objects read through the normal HSDS path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from random import Random
from typing import Any

from linkwell.directory import postcodes
from linkwell.matching.documents import ServiceDoc, service_doc_from_hsds
from linkwell.matching.evaluation.catalogue import (
    ACCESS,
    AREAS,
    ENTRIES,
    EVALUATION_AT,
    NAMESPACE,
    Entry,
    service_id,
)

HERE = Path(__file__).resolve().parent
DIRECTORY_FILE = HERE / "directory.json"
SEED = 20261201

_TAXONOMY = {
    json_term["code"]: (json_term["name"], json_term.get("description", ""))
    for taxonomy in json.loads(
        (HERE.parent.parent / "directory" / "data" / "taxonomies.json").read_text(encoding="utf-8")
    )["taxonomies"]
    if taxonomy["code"] in ("categories", "needs")
    for json_term in taxonomy["terms"]
}
_TAXONOMY_NAME = {"categories": "Linkwell categories", "needs": "Needs"}
_STREETS = [
    "Church Street", "Mill Lane", "Station Road", "Victoria Road", "Bridge Street", "Park Road",
    "High Street", "Chapel Lane", "Ferry Road", "Canal Side", "Market Place", "Orchard Way",
    "School Lane", "Heath Road", "Moss Lane", "Castle Rise",
]  # fmt: skip
_LANGUAGE_NAMES = {"en": "English", "ur": "Urdu", "pa": "Punjabi", "pl": "Polish"}
_SESSION_RE = re.compile(r"^([1-5])?(MO|TU|WE|TH|FR|SA|SU) (\d\d:\d\d)-(\d\d:\d\d)$")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


@cache
def _nearby_postcodes(anchor: str, radius_km: float = 0.8) -> list[str]:
    """Real postcodes of the anchor's sector within ``radius_km`` of it (Code-Point Open)."""
    outward, inward = anchor.split()
    area = re.match(r"[A-Z]+", outward)
    assert area is not None
    centre = postcodes.lookup(anchor)
    rows = postcodes._area(area.group(0))
    out = []
    for compact in sorted(rows):
        if compact[:-3] != outward or compact[-3] != inward[0]:
            continue
        postcode = f"{compact[:-3]} {compact[-3:]}"
        if postcodes.haversine_km(centre, postcodes.lookup(postcode)) <= radius_km:
            out.append(postcode)
    return out


def _schedules(entry: Entry, sid: str) -> list[dict[str, Any]]:
    out = []
    for i, part in enumerate(p.strip() for p in entry.sessions.split(";") if p.strip()):
        match = _SESSION_RE.match(part)
        if not match:
            raise ValueError(f"{entry.slug}: bad session {part!r}")
        nth, day, opens, closes = match.groups()
        out.append(
            {
                "id": _id("schedule", entry.slug, str(i)),
                "service_id": sid,
                "freq": "MONTHLY" if nth else "WEEKLY",
                "interval": entry.every,
                "byday": f"{nth or ''}{day}",
                "opens_at": opens,
                "closes_at": closes,
                "valid_from": "2026-01-01",
                "description": "",
            }
        )
    return out


def _term(code: str) -> dict[str, Any]:
    taxonomy = "needs" if code in _NEED_CODES else "categories"
    name, description = _TAXONOMY[code]
    return {
        "id": _id("term", code),
        "code": code,
        "name": name,
        "description": description or name,
        "taxonomy": _TAXONOMY_NAME[taxonomy],
        "taxonomy_id": _id("taxonomy", taxonomy),
    }


_NEED_CODES = {
    t["code"]
    for taxonomy in json.loads(
        (HERE.parent.parent / "directory" / "data" / "taxonomies.json").read_text(encoding="utf-8")
    )["taxonomies"]
    if taxonomy["code"] == "needs"
    for t in taxonomy["terms"]
}


def service_object(
    entry: Entry,
    rng: Random,
    *,
    at: dt.datetime = EVALUATION_AT,
    slug: str | None = None,
    area: tuple[str, str, str] | None = None,
    point: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """One HSDS 3.0 / ORUK full service object for a catalogue entry."""
    slug = slug or entry.slug
    sid = service_id(slug)
    place_name, sector, town = area or AREAS[entry.area]
    org_slug = re.sub(r"[^a-z0-9]+", "-", entry.org.lower()).strip("-")
    modified = (at - dt.timedelta(days=entry.age_days)).replace(hour=12, minute=0)
    obj: dict[str, Any] = {
        "id": sid,
        "name": entry.name,
        "alternate_name": "",
        "description": entry.description,
        "url": f"https://{org_slug[:40]}.example.org.uk/",
        "email": f"hello@{org_slug[:40]}.example.org.uk",
        "status": entry.status,
        "interpretation_services": "",
        "application_process": "Call or email us, or ask your link worker to refer you.",
        "fees_description": "",
        "eligibility_description": entry.eligibility,
        "minimum_age": entry.min_age,
        "maximum_age": entry.max_age,
        "assured_date": (modified.date() - dt.timedelta(days=30)).isoformat()
        if entry.assured
        else None,
        "last_modified": modified.isoformat().replace("+00:00", "Z"),
        "organization": {
            "id": _id("org", entry.org),
            "name": entry.org,
            "description": "",
            "website": f"https://{org_slug[:40]}.example.org.uk/",
        },
        "phones": [{"id": _id("phone", slug), "number": f"01928 {rng.randint(100000, 999999)}"}],
        "schedules": _schedules(entry, sid) if sector == "" else [],
        "service_areas": [],
        "languages": [
            {"id": _id("lang", slug, code), "name": _LANGUAGE_NAMES[code], "code": code}
            for code in entry.languages
        ],
        "cost_options": [],
        "capacities": [],
        "service_at_locations": [],
        "attributes": [
            {
                "id": _id("attr", slug, code),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term": _term(code),
            }
            for code in [*entry.categories.split(), *entry.needs.split()]
        ]
        + [
            {
                "id": _id("attr", slug, "referral-mode"),
                "link_id": sid,
                "link_type": "linkwell_referral_mode",
                "link_entity": "service",
                "taxonomy_term": {
                    "id": _id("term", "referral-mode", str(entry.referrals)),
                    "code": "accepts-referrals" if entry.referrals else "signposting-only",
                    "name": "Accepts referrals" if entry.referrals else "Signposting only",
                    "description": "How the provider takes people on (Linkwell).",
                },
            }
        ],
    }
    # HSDS leaves out what is not known rather than sending null.
    for key in ("minimum_age", "maximum_age", "assured_date"):
        if obj[key] is None:
            del obj[key]
    if entry.cost is not None:
        obj["cost_options"] = [
            {
                "id": _id("cost", slug),
                "amount": entry.cost,
                "currency": "GBP",
                "option": "Free" if entry.cost == 0 else "Per session",
                "amount_description": "Free" if entry.cost == 0 else f"£{entry.cost:.2f} a session",
            }
        ]
    if entry.capacity is not None:
        available, maximum = entry.capacity
        obj["capacities"] = [
            {
                "id": _id("capacity", slug),
                "available": available,
                "maximum": maximum,
                "unit": {"id": _id("unit", "places"), "name": "places"},
                "updated": modified.isoformat().replace("+00:00", "Z"),
            }
        ]
    if sector:
        postcode = rng.choice(_nearby_postcodes(sector))
        if point is None:
            point = postcodes.lookup(postcode)
        location = {
            "id": _id("location", slug),
            "name": f"{place_name} venue",
            "location_type": "physical",
            "latitude": round(point[0], 6),
            "longitude": round(point[1], 6),
            "transportation": entry.transport,
            "addresses": [
                {
                    "id": _id("address", slug),
                    "address_1": f"{rng.randint(1, 120)} {rng.choice(_STREETS)}",
                    "city": town,
                    "region": place_name,
                    "state_province": "Cheshire",
                    "postal_code": postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            ],
            "accessibility": [
                {
                    "id": _id("access", slug, key),
                    "description": ACCESS[key][0],
                    "details": ACCESS[key][1],
                }
                for key in entry.access.split()
            ],
            "languages": [],
        }
        obj["service_at_locations"] = [
            {
                "id": _id("sal", slug),
                "service_id": sid,
                "location": location,
                "schedules": _schedules(entry, sid),
            }
        ]
    return obj


def directory(seed: int = SEED) -> list[dict[str, Any]]:
    rng = Random(seed)
    return [service_object(entry, rng) for entry in ENTRIES]


def render(seed: int = SEED) -> str:
    items = directory(seed)
    return (
        "[\n"
        + ",\n".join(json.dumps(o, ensure_ascii=False, sort_keys=True) for o in items)
        + "\n]\n"
    )


# --- bigger synthetic directories, for latency ------------------------------------------------

_PLACE_PARTS = ["Ash", "Birch", "Clay", "Dale", "Elm", "Fern", "Glen", "Holly", "Ivy", "Kirk"]
_PLACE_ENDS = ["ford", "ley", "field", "ton", "bury", "moor", "wick", "dale", "brook", "combe"]
_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def scaled_services(n: int, seed: int = 7) -> Iterator[ServiceDoc]:
    """``n`` services made by varying catalogue entries: new places within ~40 km of the
    evaluation area, days, times and names; parsed through the normal HSDS reader."""
    rng = Random(seed)
    centre = (53.345, -2.72)
    active = [e for e in ENTRIES if e.area != "online"]
    for i in range(n):
        entry = rng.choice(active)
        place = f"{rng.choice(_PLACE_PARTS)}{rng.choice(_PLACE_ENDS)}"
        day = rng.choice(_DAYS)
        start = rng.choice([9, 10, 11, 13, 14, 18, 19])
        varied = Entry(
            **{
                **entry.__dict__,
                "name": f"{place} {entry.name}",
                "description": f"{entry.description} Meets in {place}.",
                "sessions": f"{day} {start:02d}:00-{start + 1:02d}:30" if entry.sessions else "",
                "age_days": rng.randint(5, 900),
            }
        )
        point = (centre[0] + rng.uniform(-0.35, 0.35), centre[1] + rng.uniform(-0.55, 0.55))
        obj = service_object(
            varied,
            rng,
            slug=f"scaled-{seed}-{i}",
            area=(place, AREAS[entry.area][1], place),
            point=point,
        )
        yield service_doc_from_hsds(obj, f"scaled[{i}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if directory.json is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DIRECTORY_FILE.read_text(encoding="utf-8") if DIRECTORY_FILE.exists() else ""
        if current != text:
            print(f"{DIRECTORY_FILE} is out of date: run the generator", file=sys.stderr)
            return 1
        return 0
    DIRECTORY_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {len(ENTRIES)} services to {DIRECTORY_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
