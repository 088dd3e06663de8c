"""A generated HSDS 3 / ORUK 3.0 feed of N services, shaped like a council's published directory.

    python benchmarks/hsds_feed.py 5000 --out /tmp/feed.json

Each service embeds its organization (as an ORUK `service_full` does; about four services per
provider, so providers repeat across the feed), one or two `service_at_locations` with a location
(addresses with a GB postcode; half have no coordinates, so the importer geocodes them, and
providers reuse their venues), schedules, phones, a contact with its phone, a cost option, a
language and two or three attributes pointing at full taxonomy terms of a small taxonomy. The
file is a full dump (`taxonomies`, `taxonomy_terms`, `services`). Deterministic for a seed.
Used by `benchmarks/directory_import.py` and the importer's tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linkwell.demo.catalogue import PLACES  # noqa: E402

ACTIVITIES = [
    ("Walking group", "A gentle guided walk, about an hour, finishing with a cup of tea."),
    ("Men's shed", "Woodwork, repairs and conversation in a friendly workshop."),
    ("Singing for the brain", "Singing familiar songs, for people living with memory loss."),
    ("Debt advice", "Free, confidential advice on debts, benefits and budgeting."),
    ("Community garden", "Growing vegetables and flowers together; no experience needed."),
    ("Lunch club", "A hot two-course lunch and good company for older people."),
    ("Chair yoga", "Seated stretches and breathing for every ability."),
    ("Carers' cafe", "Time out and peer support for unpaid carers."),
    ("Art group", "Painting and drawing in a relaxed group; materials provided."),
    ("Befriending calls", "A weekly friendly phone call from a trained volunteer."),
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]
TERMS = [
    "Loneliness",
    "Physical activity",
    "Mental wellbeing",
    "Money and debt",
    "Carers",
    "Older people",
    "Memory loss",
    "Arts and crafts",
    "Gardening",
    "Food",
    "Learning",
    "Volunteering",
]
TAXONOMY_ID = "6c9f1d8e-2a51-4c0b-9a55-0f7c6a1d2e00"


class _Ids:
    """Stable uuids: uuid5 of a label, so the same seed gives the same file."""

    def __init__(self, seed: int) -> None:
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"linkwell-benchmark-feed/{seed}")

    def __call__(self, label: str) -> str:
        return str(uuid.uuid5(self.namespace, label))


def _postcodes() -> list[str]:
    return [pc for codes, _count, _village in PLACES.values() for pc in codes]


def generate(n: int, *, seed: int = 1, per_provider: int = 4) -> dict[str, Any]:
    """A full dump with `n` services."""
    rng = Random(seed)
    ids = _Ids(seed)
    postcodes = _postcodes()
    taxonomy = {
        "id": TAXONOMY_ID,
        "name": "Community needs",
        "description": "What a service helps with.",
        "uri": "https://example.org/taxonomies/needs",
        "version": "1",
    }
    terms = [
        {
            "id": ids(f"term/{i}"),
            "code": f"need-{i}",
            "name": name,
            "description": f"Services that help with {name.lower()}.",
            "taxonomy_id": TAXONOMY_ID,
            "version": "1",
        }
        for i, name in enumerate(TERMS)
    ]
    providers: list[dict[str, Any]] = []
    venues: dict[int, list[dict[str, Any]]] = {}
    services = []
    for i in range(n):
        p = i // per_provider
        if p == len(providers):
            providers.append(
                {
                    "id": ids(f"org/{p}"),
                    "name": f"{rng.choice(['Friends of', 'Community', 'Age Well', 'Together'])} "
                    f"{p}",
                    "description": "A local charity run by volunteers.",
                    "email": f"hello{p}@example.org",
                    "website": f"https://provider{p}.example.org",
                    "legal_status": "Charity",
                    "year_incorporated": 1990 + p % 30,
                }
            )
            venues[p] = []
        org = providers[p]
        activity, blurb = ACTIVITIES[i % len(ACTIVITIES)]
        at_locations = []
        for j in range(1 + (i % 3 == 0)):
            if venues[p] and rng.random() < 0.5:
                location = venues[p][rng.randrange(len(venues[p]))]
            else:
                k = len(venues[p])
                postcode = rng.choice(postcodes)
                location = {
                    "id": ids(f"loc/{p}/{k}"),
                    "location_type": "physical",
                    "name": f"{org['name']} hall {k}",
                    "description": "Step-free entrance; parking nearby.",
                    "addresses": [
                        {
                            "id": ids(f"addr/{p}/{k}"),
                            "address_1": f"{1 + rng.randrange(120)} High Street",
                            "city": "Oswestry",
                            "state_province": "Shropshire",
                            "postal_code": postcode,
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                }
                if rng.random() < 0.5:
                    location["latitude"] = round(52.86 + rng.uniform(-0.2, 0.2), 6)
                    location["longitude"] = round(-3.05 + rng.uniform(-0.2, 0.2), 6)
                venues[p].append(location)
            at_locations.append(
                {
                    "id": ids(f"sal/{i}/{j}"),
                    "location": location,
                    "schedules": [
                        {
                            "id": ids(f"sal-schedule/{i}/{j}"),
                            "freq": "WEEKLY",
                            "byday": DAYS[(i + j) % len(DAYS)],
                            "opens_at": "10:00",
                            "closes_at": "12:00",
                            "description": "Weekly session",
                        }
                    ],
                }
            )
        day = DAYS[i % len(DAYS)]
        services.append(
            {
                "id": ids(f"service/{i}"),
                "name": f"{activity} {i}",
                "description": blurb,
                "url": f"https://provider{p}.example.org/{i}",
                "email": f"service{i}@example.org",
                "status": "active",
                **({"minimum_age": 18} if i % 4 else {}),
                "organization": org,
                "phones": [
                    {
                        "id": ids(f"phone/{i}"),
                        "number": f"01632 {960000 + i % 1000:06d}",
                        "type": "voice",
                        "languages": [],
                    }
                ],
                "schedules": [
                    {
                        "id": ids(f"schedule/{i}"),
                        "freq": "WEEKLY",
                        "byday": day,
                        "opens_at": "14:00",
                        "closes_at": "16:00",
                        "valid_from": "2026-01-05",
                        "description": f"Every week, {day}",
                    }
                ],
                "service_at_locations": at_locations,
                "contacts": [
                    {
                        "id": ids(f"contact/{i}"),
                        "name": f"Coordinator {i}",
                        "title": "Volunteer coordinator",
                        "email": f"coordinator{i}@example.org",
                        "phones": [{"id": ids(f"contact-phone/{i}"), "number": "01632 960123"}],
                    }
                ],
                "cost_options": [
                    {
                        "id": ids(f"cost/{i}"),
                        "option": "Per session",
                        "amount": float(i % 3),
                        "currency": "GBP",
                    }
                ],
                "languages": [{"id": ids(f"lang/{i}"), "name": "English", "code": "en"}],
                "attributes": [
                    {
                        "id": ids(f"attr/{i}/{k}"),
                        "taxonomy_term": {**term, "taxonomy_detail": taxonomy},
                    }
                    for k, term in enumerate(rng.sample(terms, 2 + (i % 2)))
                ],
            }
        )
    return {"taxonomies": [taxonomy], "taxonomy_terms": terms, "services": services}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("services", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="File to write (default: standard output).")
    args = parser.parse_args()
    text = json.dumps(generate(args.services, seed=args.seed), indent=1) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
