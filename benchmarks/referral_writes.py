"""Referral writes at the size of a region, against the same rows written in one raw transaction.

    python benchmarks/referral_writes.py --database-url postgres://postgres@127.0.0.1:5432/lw_bench_referrals
    python benchmarks/referral_writes.py --database-url ... --people 20000 --no-write  # a quick look

Generates (seeded, fictional) `--people` people (150,000), each with a referral to one of two
link-worker services, registered at one of 20 GP practices and referred by their practice, with
dates of birth over 75 years (so every date of birth is shared by a handful of records and the
duplicate check always has candidates to weigh). The database named by `--database-url` is
**dropped and created again** (its name must start with `lw_` or contain `bench`).

Then a referrer at one practice sends GP referrals through `referral_create`, each in its own
transaction as the referral form does: `--count` for new people (names nobody has, on dates of
birth others share: the full duplicate check runs and finds nothing) and `--count` for people
the practice already referred. The limit for each: the INSERT and UPDATE statements those
referrals wrote (captured from a further batch, rolled back), replayed one after another in one
transaction on the driver's cursor (foreign keys are deferred, so the replay is rolled back
rather than committed). That limit pays no commit, which the form needs for each referral, so a
second limit is shown beside it: the same statements, one committed transaction per referral
(BEGIN, the referral's statements, COMMIT), each new row given the id the service got so the
rows it refers to are there at the commit; the best of three thirds of the batch. Results go to
stdout and into BENCHMARKS.md (between the `referral-writes` markers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import string
import sys
import time
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import directory_search as shared  # noqa: E402  (machine info, database plumbing)
from sections import publish  # noqa: E402

SEED = 20261206
CHUNK = 5000
MARK_START = "<!-- referral-writes:start -->"
MARK_END = "<!-- referral-writes:end -->"
FIRST_BIRTH = dt.date(1930, 1, 1)
BIRTH_DAYS = 75 * 365
FAMILY = ["Evans", "Jones", "Hughes", "Williams", "Davies", "Roberts", "Morgan", "Price"]
GIVEN = ["Margaret", "John", "Bethan", "Gareth", "Sian", "David", "Eleri", "Owen"]


def populate(people: int, *, seed: int = SEED, chunk: int = CHUNK) -> dict[str, Any]:
    """Write the region; returns what the measurement needs."""
    from django.db import transaction
    from django.utils import timezone

    from linkwell.accounts.models import (
        Area,
        Membership,
        Organisation,
        OrganisationKind,
        Role,
        User,
    )
    from linkwell.directory.taxonomies import taxonomy_seed
    from linkwell.people.models import Person
    from linkwell.referrals.models import Referral, ReferralSource

    rng = Random(seed)
    with transaction.atomic():
        taxonomy_seed()
        area = Area.objects.create(name="Benchmark region")
        services = [
            Organisation.objects.create(
                name=f"Link service {i}", kind=OrganisationKind.LINK_WORKER_SERVICE, area=area
            )
            for i in range(2)
        ]
        practices = [
            Organisation.objects.create(
                name=f"Practice {i:02d}",
                kind=OrganisationKind.GP_PRACTICE,
                area=area,
                ods_code=f"R{i:05d}",
            )
            for i in range(20)
        ]
        referrer = User.objects.create_user(
            email="gp@bench.example.org", password=None, full_name="Referring GP"
        )
        Membership.objects.create(user=referrer, organisation=practices[0], role=Role.REFERRER)
    now = timezone.now()
    written = 0
    while written < people:
        n = min(chunk, people - written)
        with transaction.atomic():
            persons = Person.objects.bulk_create(
                [
                    Person(
                        given_name=rng.choice(GIVEN),
                        family_name=f"{rng.choice(FAMILY)}{(written + i) % 997}",
                        date_of_birth=FIRST_BIRTH + dt.timedelta(days=rng.randrange(BIRTH_DAYS)),
                        postcode=f"SY{rng.randint(1, 23)} {rng.randint(1, 9)}AA",
                        registered_practice=practices[(written + i) % len(practices)],
                    )
                    for i in range(n)
                ],
                batch_size=chunk,
            )
            Referral.objects.bulk_create(
                [
                    Referral(
                        person=p,
                        link_worker_service=services[i % 2],
                        source=ReferralSource.GP_PRACTICE,
                        referrer_organisation=p.registered_practice,
                        consent_to_contact=True,
                        received_at=now - dt.timedelta(days=rng.randrange(700)),
                    )
                    for i, p in enumerate(persons)
                ],
                batch_size=chunk,
            )
        written += n
        if written % 50_000 == 0 or written == people:
            print(f"   {written:,} people written", flush=True)
    return {"people": people, "referrer": referrer.email}


def _details() -> tuple[Any, Any]:
    from linkwell.accounts.models import Organisation, User
    from linkwell.directory.models import TaxonomyTerm
    from linkwell.directory.taxonomies import NEEDS, taxonomy_uuid
    from linkwell.referrals.models import ReferralSource
    from linkwell.referrals.services import ReferralDetails

    referrer = User.objects.get(email="gp@bench.example.org")
    practice = Organisation.objects.get(name="Practice 00")
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(NEEDS))
        .select_related("taxonomy")
        .order_by("name")[:2]
    )
    details = ReferralDetails(
        link_worker_service=Organisation.objects.get(name="Link service 0"),
        source=ReferralSource.GP_PRACTICE,
        reasons=terms,
        details="Lonely since moving; would like a walking group.",
        consent_to_contact=True,
        referrer_organisation=practice,
    )
    return referrer, details


def _new_people(count: int, rng: Random) -> list[Any]:
    from linkwell.people.services import PersonDetails

    def word(n: int) -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(n)).title()

    # Random names are never similar to each other or to the region's; no postcode.
    return [
        PersonDetails(
            given_name=word(9),
            family_name=word(11),
            date_of_birth=FIRST_BIRTH + dt.timedelta(days=rng.randrange(BIRTH_DAYS)),
        )
        for _ in range(count)
    ]


def _existing_people(count: int, rng: Random) -> list[Any]:
    from linkwell.people.models import Person

    ids = list(
        Person.objects.filter(registered_practice__name="Practice 00").values_list("pk", flat=True)
    )
    chosen = rng.sample(ids, min(count, len(ids)))
    return list(Person.objects.filter(pk__in=chosen).select_related("registered_practice"))


def _send(referrer: Any, details: Any, *, people: list[Any], new: bool) -> None:
    from linkwell.referrals.services import referral_create

    for who in people:
        if new:
            referral_create(actor=referrer, referral=details, new_person=who)
        else:
            referral_create(actor=referrer, referral=details, person=who)


def _writes_of(referrer: Any, details: Any, *, people: list[Any], new: bool) -> list[list[Any]]:
    """The INSERT/UPDATE statements sending these referrals writes, one list per referral of
    (sql, parameters, executemany, the ids a single-row INSERT returned), captured in a
    transaction that is rolled back."""
    from django.db import connection, transaction

    from linkwell.referrals.services import referral_create

    groups: list[list[Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            ids = None
            if "RETURNING" in sql and not many:
                cursor = context["cursor"].cursor  # the driver's; rewound for Django to read
                ids = cursor.fetchall()
                cursor.scroll(0, mode="absolute")
            groups[-1].append((sql, params, many, ids))
        return result

    with transaction.atomic(), connection.execute_wrapper(capture):
        for who in people:
            groups.append([])
            if new:
                referral_create(actor=referrer, referral=details, new_person=who)
            else:
                referral_create(actor=referrer, referral=details, person=who)
        transaction.set_rollback(True)
    return groups


def _replay(groups: list[list[Any]]) -> float:
    """Seconds to run every statement of `groups` in one transaction on the driver's cursor
    (rolled back)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("BEGIN")  # Django keeps the driver in autocommit between atomic blocks
        for group in groups:
            for sql, params, many, _ in group:
                if many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
        elapsed = time.perf_counter() - started
        cursor.execute("ROLLBACK")
    return elapsed


_SINGLE_INSERT = re.compile(r"\s*INSERT INTO (\S+) \((.*?)\) VALUES \((.*)\) (RETURNING .*)$", re.S)


def _with_id(sql: str, params: Any, ids: Any) -> tuple[str, Any]:
    """A single-row INSERT given the id the service's own INSERT got (the capture was rolled
    back, so nobody holds it), so the statements after it refer to a row that is there."""
    found = _SINGLE_INSERT.match(sql)
    if found is None or not ids or len(ids) != 1:
        return sql, params
    table, columns, values, returning = found.groups()
    return (
        f'INSERT INTO {table} ("id", {columns}) VALUES (%s, {values}) {returning}',
        [ids[0][0], *params],
    )


def _replay_committed(groups: list[list[Any]]) -> float:
    """Seconds to run `groups` on the driver's cursor, one committed transaction per referral.
    The rows stay (the same ones the service would have written)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    prepared = [[(*_with_id(sql, p, ids), many) for sql, p, many, ids in g] for g in groups]
    with raw.cursor() as cursor:
        started = time.perf_counter()
        for group in prepared:
            cursor.execute("BEGIN")
            for sql, params, many in group:
                if many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
            cursor.execute("COMMIT")
        return time.perf_counter() - started


def measure(count: int, *, seed: int = SEED) -> dict[str, Any]:
    from django.db import connection

    from linkwell.people.models import Person

    # Seeded by the rows already there, so a run on a kept database (--reuse) never sends the
    # new people of an earlier run again (they would be duplicates).
    rng = Random(seed + Person.objects.count())
    referrer, details = _details()
    out: dict[str, Any] = {"count": count}
    for kind in ("new", "existing"):
        new = kind == "new"

        def people(new: bool = new) -> list[Any]:
            return _new_people(count, rng) if new else _existing_people(count, rng)

        _send(referrer, details, people=people()[:5], new=new)  # warm-up
        queries = 0

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        batch = people()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            _send(referrer, details, people=batch, new=new)
            elapsed = time.perf_counter() - started
        groups = _writes_of(referrer, details, people=people(), new=new)
        limit = min(_replay(groups) for _ in range(3))
        thirds = [groups[i::3] for i in range(3)]
        committed = max(len(t) / _replay_committed(t) for t in thirds if t)
        rate = len(batch) / elapsed
        out[kind] = {
            "per_second": rate,
            "limit_per_second": count / limit,
            "share": rate / (count / limit),
            "committed_per_second": committed,
            "committed_share": rate / committed,
            "queries_each": queries / len(batch),
            "writes_each": sum(len(g) for g in groups) / count,
        }
    return out


def render(result: dict[str, Any], info: dict[str, str]) -> str:
    lines = [
        MARK_START,
        "## Referral writes (`benchmarks/referral_writes.py`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {info['cpu']}, {info['cores']} cores (shared with "
        f"other work), {info['ram']} RAM, Python {info['python']}, {result['database']} "
        f"({info['os']}).",
        "",
        f"{result['people']:,} people in the region, each referred once; a GP practice's "
        f"referrer sends {result['count']} referrals of each kind through `referral_create`, "
        "one transaction each. Limit: the same rows (the INSERT and UPDATE statements the "
        "service wrote, audit events included) replayed in one raw transaction; beside it, the "
        "same rows replayed raw with one committed transaction per referral, as the form "
        "needs.",
        "",
        "| Referrals | Per second | Limit per second (one transaction) | Share of the limit "
        "| Limit per second (a commit per referral) | Share of that limit | Queries each "
        "| Writes each |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, label in (("new", "For a new person"), ("existing", "For a known person")):
        r = result[kind]
        lines.append(
            f"| {label} | {r['per_second']:.0f} | {r['limit_per_second']:,.0f} | "
            f"{100 * r['share']:.0f}% | {r['committed_per_second']:,.0f} | "
            f"{100 * r['committed_share']:.0f}% | {r['queries_each']:.1f} | "
            f"{r['writes_each']:.1f} |"
        )
    if result.get("note"):
        lines += ["", result["note"]]
    lines += ["", MARK_END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="A dedicated PostgreSQL database.")
    parser.add_argument("--people", type=int, default=150_000, help="People (150,000).")
    parser.add_argument("--count", type=int, default=300, help="Referrals of each kind (300).")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure a kept database again.")
    parser.add_argument("--note", default="", help="A sentence added under the results.")
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    if args.people < 100 or args.count < 1:
        raise SystemExit("--people must be at least 100 and --count at least 1.")
    with shared.dedicated_database(args.database_url, reuse=args.reuse, keep=args.keep):
        if not args.reuse:
            print(f"== generating {args.people:,} people ...", flush=True)
            populate(args.people)
            shared.analyse()
        from linkwell.people.models import Person

        people = Person.objects.count()
        print("   sending referrals ...", flush=True)
        result = dict(
            measure(args.count),
            people=people,
            database=shared.database_version(),
            note=args.note,
        )
    section = render(result, shared.machine())
    publish(section, args.output, write=not args.no_write)


if __name__ == "__main__":
    main()
