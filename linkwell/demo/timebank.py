"""Demo time bank: run by the demo's community organisation (Oswestry Compassionate
Communities, whose coordinators broker it), ~100 members (some linked to the demo volunteers),
an issuing account, partners with offers, a year of exchanges across the categories, offers and
requests, and a few support packages. Deterministic for a seed; fast (the year's exchanges are
written in bulk with their ledger lines and the balances they add up to, so `linkwell timebank
check` passes; members, accounts, offers and packages go through the services).

Two members sign in (password: the demo password): timebank.ann@… and timebank.bob@….
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from random import Random

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.people.models import Person
from linkwell.timebank.models import (
    Account,
    AccountKind,
    Category,
    Exchange,
    ExchangeStatus,
    LedgerLine,
    Listing,
    ListingMatch,
    MemberKind,
    PartnerOffer,
    SupportPackage,
    TimebankMember,
)
from linkwell.timebank.services.issuing import volunteer_hours_issue
from linkwell.timebank.services.ledger import transfer
from linkwell.timebank.services.listings import listing_add
from linkwell.timebank.services.members import account_create, member_create
from linkwell.timebank.services.packages import package_record
from linkwell.volunteering.models import CommunityMember

CENTRE = "Oswestry Compassionate Communities"
MEMBERS = 100
EXCHANGES = 1200
SIGN_INS = (("timebank.ann", "Ann Timebank"), ("timebank.bob", "Bob Timebank"))
FIRST = [
    "Alice",
    "Barry",
    "Chloe",
    "Dev",
    "Edna",
    "Frank",
    "Gita",
    "Harold",
    "Iris",
    "Jack",
    "Kavya",
    "Len",
    "Maud",
    "Nia",
    "Owen",
    "Pat",
    "Rhys",
    "Sian",
    "Tom",
    "Una",
    "Vic",
    "Wyn",
]
FAMILY = [
    "Evans",
    "Jones",
    "Price",
    "Morgan",
    "Hughes",
    "Davies",
    "Owen",
    "Roberts",
    "Lloyd",
    "Khan",
    "Patel",
    "Smith",
    "Baker",
    "Watkins",
    "Powell",
]
OFFERS = [
    ("Lifts to hospital appointments", Category.LIFTS),
    ("Gardening: mowing, weeding, hedges", Category.GARDENING),
    ("Help with forms and letters", Category.ADMIN),
    ("Weekly shopping trips", Category.SHOPPING),
    ("Small DIY jobs, shelves and curtain rails", Category.DIY),
    ("A cup of tea and a chat", Category.BEFRIENDING),
    ("Computer help: email, video calls", Category.TRAINING),
]
REQUESTS = [
    ("A lift to the hospital for my eye clinic", Category.LIFTS),
    ("Someone to help me fill in a benefits form", Category.ADMIN),
    ("Help keeping my garden tidy", Category.GARDENING),
    ("I feel lonely and would like company", Category.BEFRIENDING),
    ("Putting up a shelf", Category.DIY),
    ("Learning to video call my grandchildren", Category.TRAINING),
]
PARTNERS = [
    ("Oswestry Leisure Centre", "Gym session", Decimal("1"), Category.OTHER),
    ("Marches Adult Learning", "Place on a cookery course", Decimal("3"), Category.TRAINING),
    ("Borders Home Support", "An hour of home support", Decimal("1"), Category.CARE_SUPPORT),
]


def _centre() -> Organisation | None:
    return Organisation.objects.filter(name=CENTRE).first()


def is_loaded() -> bool:
    org = _centre()
    return org is not None and TimebankMember.objects.filter(organisation=org).exists()


def load(
    *, seed: int = 42, domain: str, password: str, now: dt.datetime | None = None
) -> dict[str, int]:
    org = _centre()
    if org is None or is_loaded():
        return {}
    rng = Random(seed)
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=365)
    with transaction.atomic():
        centre_member = member_create(
            actor=None, organisation=org, name=CENTRE, kind=MemberKind.ORGANISATION, joined_on=start
        )
        issuing = account_create(actor=None, member=centre_member, kind=AccountKind.ISSUING)
        partners = []
        for name, title, hours, category in PARTNERS:
            partner = member_create(
                actor=None,
                organisation=org,
                name=name,
                kind=MemberKind.ORGANISATION,
                joined_on=start,
            )
            account = account_create(actor=None, member=partner, kind=AccountKind.PARTNER)
            PartnerOffer.objects.create(
                account=account,
                title=title,
                hours=hours,
                category=category,
                description=f"Redeem {hours} hours of credit.",
            )
            partners.append(account)
        members: list[Account] = []
        volunteers = list(CommunityMember.objects.filter(organisation=org).order_by("id")[:30])
        for local, name in SIGN_INS:
            user = User.objects.filter(
                email=f"{local}@{domain}"
            ).first() or User.objects.create_user(
                email=f"{local}@{domain}", password=password, full_name=name
            )
            m = member_create(actor=None, organisation=org, name=name, user=user, joined_on=start)
            members.append(account_create(actor=None, member=m))
        for volunteer in volunteers:
            m = member_create(
                actor=None, organisation=org, name="", community_member=volunteer, joined_on=start
            )
            members.append(account_create(actor=None, member=m))
        while len(members) < MEMBERS:
            name = f"{rng.choice(FIRST)} {rng.choice(FAMILY)}"
            m = member_create(actor=None, organisation=org, name=name, joined_on=start)
            members.append(account_create(actor=None, member=m))
        exchanges = _exchanges(rng, org, issuing, members, partners, start, today)
        for account in members[: len(SIGN_INS)]:  # the two who sign in have credits to spend
            transfer(
                actor=None,
                from_account=issuing,
                to_account=account,
                hours=Decimal(10),
                category=Category.CARE_SUPPORT,
                happened_on=today,
                note="Trainee care hours",
            )
        for i, account in enumerate(members[2:40]):
            text, category = OFFERS[i % len(OFFERS)]
            listing_add(
                actor=None, member=account.member, kind="offer", text=text, category=category
            )
        listing_add(
            actor=None,
            member=members[0].member,
            kind="offer",
            text="Lifts to hospital and help in the garden",
            category=Category.LIFTS,
        )
        for i, account in enumerate(members[40:52]):
            text, category = REQUESTS[i % len(REQUESTS)]
            listing_add(
                actor=None, member=account.member, kind="request", text=text, category=category
            )
        packages = _packages(rng, org, members, partners[2])
        # Volunteers' logged hours up to last month, credited once.
        volunteer_hours_issue(
            actor=None,
            issuing=issuing,
            start=start,
            end=today.replace(day=1) - dt.timedelta(days=1),
        )
    return {"timebank_members": MEMBERS, "timebank_exchanges": exchanges, "packages": packages}


def _exchanges(
    rng: Random,
    org: Organisation,
    issuing: Account,
    members: list[Account],
    partners: list[Account],
    start: dt.date,
    today: dt.date,
) -> int:
    """A year of confirmed exchanges: the centre issues credits for trainees' work and welcome
    hours, members help one another, and some redeem partner offers. Written in bulk."""
    balances: dict[int, Decimal] = {a.pk: Decimal(0) for a in [issuing, *members, *partners]}
    now = timezone.now()
    rows: list[Exchange] = []
    for member in members:  # a welcome: two hours each
        rows.append(
            _row(org, issuing, member, Decimal(2), Category.OTHER, start, now, "Welcome hours")
        )
        balances[issuing.pk] -= 2
        balances[member.pk] += 2
    categories = [c for c in Category.values if c != Category.OTHER]
    for _ in range(EXCHANGES - len(members)):
        day = start + dt.timedelta(days=rng.randrange(1, 365))
        hours = Decimal(rng.choice([1, 2, 4, 6, 8])) / 4
        giver = rng.choice(members)
        if rng.random() < 0.08:  # trainees' care work, issued by the centre
            rows.append(
                _row(
                    org,
                    issuing,
                    giver,
                    hours * 2,
                    Category.CARE_SUPPORT,
                    day,
                    now,
                    "Trainee care hours",
                )
            )
            balances[issuing.pk] -= hours * 2
            balances[giver.pk] += hours * 2
            continue
        receiver = rng.choice(members)
        if receiver.pk == giver.pk:
            continue
        if rng.random() < 0.05 and balances[receiver.pk] >= 1:  # redeem a partner offer
            partner = rng.choice(partners)
            rows.append(
                _row(org, receiver, partner, Decimal(1), Category.OTHER, day, now, "Redeemed")
            )
            balances[receiver.pk] -= 1
            balances[partner.pk] += 1
            continue
        # The one helped pays the helper, if they can (members may not go below zero).
        if balances[receiver.pk] < hours:
            continue
        # The credits go from the one helped to the helper.
        rows.append(_row(org, receiver, giver, hours, rng.choice(categories), day, now, ""))
        balances[receiver.pk] -= hours
        balances[giver.pk] += hours
    Exchange.objects.bulk_create(rows, batch_size=500)
    lines = []
    for ex in rows:
        lines.append(
            LedgerLine(exchange=ex, account=ex.from_account, hours=-ex.hours, created_at=now)
        )
        lines.append(LedgerLine(exchange=ex, account=ex.to_account, hours=ex.hours, created_at=now))
    LedgerLine.objects.bulk_create(lines, batch_size=1000)
    for row in (
        LedgerLine.objects.filter(account__organisation=org)
        .values("account")
        .annotate(total=Sum("hours"))
        .order_by()
    ):
        Account.objects.filter(pk=row["account"]).update(balance=row["total"])
    return len(rows)


def _row(
    org: Organisation,
    source: Account,
    target: Account,
    hours: Decimal,
    category: str,
    day: dt.date,
    now: dt.datetime,
    note: str,
) -> Exchange:
    return Exchange(
        organisation=org,
        from_account=source,
        to_account=target,
        hours=hours,
        category=category,
        happened_on=day,
        note=note,
        status=ExchangeStatus.CONFIRMED,
        recorded_at=now,
        recorded_via="import",
        decided_at=now,
    )


def _packages(rng: Random, org: Organisation, members: list[Account], provider: Account) -> int:
    people = list(
        Person.objects.filter(support_requests__organisation=org, merged_into__isnull=True)
        .distinct()
        .order_by("id")[:4]
    )
    for i, person in enumerate(people):
        payer = members[10 + i]
        payer.refresh_from_db()
        credit = min(Decimal(2), (payer.balance // 1)) if payer.balance > 0 else Decimal(0)
        package_record(
            actor=None,
            organisation=org,
            person=person,
            description=[
                "Help at home twice a week",
                "Shopping and a chat",
                "Garden tidy",
                "Weekly lift to the day centre",
            ][i % 4],
            budget_hours=Decimal(4) if i % 2 == 0 else Decimal(0),
            budget_amount=Decimal("80.00") if i % 2 == 0 else Decimal(0),
            credit_hours=credit,
            payer=payer if credit else None,
            provider=provider if credit else None,
            own_funds_amount=Decimal(rng.choice([10, 20, 30])) if i % 2 else Decimal("15.00"),
        )
    return len(people)


def reset() -> dict[str, int]:
    """Remove the demo time bank. The ledger refuses deletes through the models, so its rows go
    with plain SQL here, the one place that empties them (demo data only)."""
    org = _centre()
    if org is None:
        return {}
    members = TimebankMember.objects.filter(organisation=org)
    removed = {"timebank_members": members.count()}
    SupportPackage.objects.filter(organisation=org).delete()
    ListingMatch.objects.filter(request__member__organisation=org).delete()
    Listing.objects.filter(member__organisation=org).delete()
    PartnerOffer.objects.filter(account__organisation=org).delete()
    exchange_ids = list(Exchange.objects.filter(organisation=org).values_list("id", flat=True))
    with connection.cursor() as cursor:
        for table, column in (
            ("timebank_creditedactivity", "exchange_id"),
            ("timebank_ledgerline", "exchange_id"),
        ):
            for i in range(0, len(exchange_ids), 500):
                chunk = exchange_ids[i : i + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)  # noqa: S608
        # Reversals first: they PROTECT the exchanges they reverse.
        cursor.execute(
            "DELETE FROM timebank_exchange WHERE organisation_id = %s AND reverses_id IS NOT NULL",
            [org.pk],
        )
        cursor.execute("DELETE FROM timebank_exchange WHERE organisation_id = %s", [org.pk])
    Account.objects.filter(organisation=org).delete()
    users = [
        m.user_id for m in members if m.user_id and m.user and m.user.email.startswith("timebank.")
    ]
    members.delete()
    User.objects.filter(pk__in=users).delete()
    return removed
