"""What the demo directory is made of: places (real postcodes), venues, service templates, the
county-wide providers and the accounts side (the kinds of local provider are in `providers.py`).
Everything here is fictional except the place names and postcodes.

Postcodes are real live postcodes near each town centre, picked once from OS Code-Point Open
(the data `linkwell.directory.postcodes.lookup()` reads); the demo looks their coordinates up at
run time. Phone numbers are Ofcom's drama range (01632 960000-960999) and email addresses and
websites are under example.org, so nothing in the demo reaches a real person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Town -> (postcodes near its centre, how many local providers it gets, is it a village).
PLACES: dict[str, tuple[tuple[str, ...], int, bool]] = {
    "Oswestry": (
        (
            "SY11 1AA",
            "SY11 1PJ",
            "SY11 1PS",
            "SY11 1PY",
            "SY11 2PD",
            "SY11 2SS",
            "SY11 1AD",
            "SY11 1AF",
            "SY11 1BU",
            "SY11 1HB",
            "SY11 1LS",
            "SY11 2AG",
        ),
        28,
        False,
    ),
    "Whittington": (("SY11 4DT", "SY11 4DG", "SY11 4DF", "SY11 4FA", "SY11 4DE"), 5, True),
    "Gobowen": (("SY11 3JS", "SY11 3QP", "SY11 3JR", "SY11 3JP", "SY11 3PU"), 5, True),
    "St Martins": (("SY11 3QH", "SY11 3DB", "SY11 3AD", "SY11 3AJ", "SY11 3HZ"), 4, True),
    "Ellesmere": (("SY12 0AB", "SY12 0EN", "SY12 0EH", "SY12 0EF", "SY12 0AQ"), 10, False),
    "Whitchurch": (("SY13 1QU", "SY13 1UJ", "SY13 1AU", "SY13 1EQ", "SY13 1LB"), 13, False),
    "Wem": (("SY4 5DG", "SY4 5ER", "SY4 5DP", "SY4 5AA", "SY4 5AB"), 10, False),
    "Market Drayton": (("TF9 3AY", "TF9 3EE", "TF9 3DF", "TF9 3DG", "TF9 3PE"), 12, False),
    "Llanymynech": (("SY22 6HE", "SY22 6EW", "SY22 6EP", "SY22 6ED"), 3, True),
    "Pant": (("SY10 8PS", "SY10 8NT", "SY10 8LF"), 2, True),
    "Weston Rhyn": (("SY10 7TJ", "SY10 7TT", "SY10 7SL", "SY10 7TW"), 4, True),
    "Trefonen": (("SY10 9DG", "SY10 9FB", "SY10 9EL"), 2, True),
    "Ruyton-XI-Towns": (("SY4 1JR", "SY4 1NE", "SY4 1LB"), 3, True),
    "Baschurch": (("SY4 2DY", "SY4 2FB", "SY4 2AT", "SY4 2HF"), 4, True),
    "Prees": (("SY13 2EE", "SY13 2ER", "SY13 2FB"), 3, True),
    "Chirk": (("LL14 5EZ", "LL14 5LW", "LL14 5ET", "LL14 5EU"), 5, False),
    "Shrewsbury": (("SY1 1DS", "SY1 1ED", "SY1 1DZ", "SY1 2BY", "SY1 1DL"), 12, False),
}

# Towns where county-wide providers hold their outreach sessions.
HUB_TOWNS = ("Oswestry", "Whitchurch", "Market Drayton", "Ellesmere", "Wem", "Shrewsbury")

VENUES = (
    "Memorial Hall",
    "Community Centre",
    "Library",
    "Methodist Church Hall",
    "Leisure Centre",
    "Town Hall",
    "Community Hub",
    "Scout Hut",
    "Cricket Club Pavilion",
    "Market Hall",
)
VILLAGE_VENUES = ("Village Hall", "Parish Hall", "Chapel Schoolroom", "Playing Field Pavilion")

ACCESSIBILITY = (
    ("Step-free access", "Level entrance from the car park; automatic doors."),
    ("Accessible toilet", "Accessible toilet with an emergency cord on the ground floor."),
    ("Hearing loop", "Induction loop in the main hall."),
    ("Wheelchair accessible", "All rooms used are on the ground floor."),
    ("Parking nearby", "Free car park next to the hall with two blue badge bays."),
)

# (name, ISO 639 code, note)
LANGUAGES = (
    ("English", "en", ""),
    ("Welsh", "cy", "Welsh-speaking volunteers at most sessions."),
    ("Polish", "pl", "A Polish-speaking volunteer can help on request."),
    ("British Sign Language", "bfi", "BSL interpreter on request with a week's notice."),
)

SLOTS = {
    "morning": ((9, 30), (11, 30)),
    "late_morning": ((10, 0), (12, 0)),
    "afternoon": ((13, 30), (15, 30)),
    "evening": ((18, 30), (20, 30)),
}


@dataclass(frozen=True)
class ServiceTemplate:
    """One kind of service a provider runs. `{town}` and `{org}` are filled in."""

    name: str
    description: str
    categories: tuple[str, ...]
    needs: tuple[str, ...] = ()
    five_ways: tuple[str, ...] = ("connect",)
    asset_kind: str = "community"
    activities: tuple[str, ...] = ()
    # weekly | fortnightly | monthly | term | seasonal | hours | phone | online
    schedule: str = "weekly"
    slots: tuple[str, ...] = ("late_morning", "afternoon")
    # "free", "donation", or an amount in pounds with what it is for
    cost: str | tuple[float, str] = "free"
    ages: tuple[int | None, int | None] = (18, None)
    eligibility: str = ""
    referral: float = 0.5  # chance it accepts referrals (otherwise signposting only)
    capacity: tuple[int, int] | None = None  # (min, max) places when it has a cap


@dataclass(frozen=True)
class ProviderKind:
    key: str
    names: tuple[str, ...]  # name patterns; "{town}" is filled in
    services: tuple[ServiceTemplate, ...]
    legal_status: str = "Registered charity"
    villages: bool = True  # found in villages too


WALK = ServiceTemplate(
    "{town} health walk",
    "A friendly led walk of about an hour on paths and quiet lanes, at a pace everyone can "
    "manage. Walk leaders are trained volunteers and the group finishes with a cuppa.",
    ("walking-groups",),
    ("physical-inactivity", "loneliness", "low-mood"),
    ("be-active", "connect", "take-notice"),
    "neighbourhood",
    ("walking",),
    slots=("morning", "late_morning"),
    ages=(None, None),
    referral=0.4,
)


# County-wide providers with outreach sessions in the hub towns.
COUNTY_PROVIDERS: tuple[ProviderKind, ...] = (
    ProviderKind(
        "citizens_advice",
        ("Citizens Advice Shropshire",),
        (
            ServiceTemplate(
                "Debt clinic in {town}",
                "Free, confidential, impartial help to deal with debts, priority bills and "
                "creditors, including debt relief orders. Appointments and drop-in.",
                ("debt-advice",),
                ("money", "low-mood"),
                ("connect",),
                schedule="weekly",
                referral=0.8,
            ),
            ServiceTemplate(
                "Benefits and money advice ({town})",
                "Benefit checks, help to claim and appeal, and budgeting. Ask about the "
                "household support fund.",
                ("debt-advice",),
                ("money", "employment", "carer-strain"),
                ("connect",),
                schedule="weekly",
                referral=0.8,
            ),
            ServiceTemplate(
                "Housing and energy advice line",
                "Phone advice on renting, repairs, eviction, homelessness and cold or damp "
                "homes, including energy grants.",
                ("housing-advice",),
                ("housing", "money"),
                ("connect",),
                schedule="phone",
                referral=0.5,
            ),
        ),
    ),
    ProviderKind(
        "healthy_lives",
        ("Shropshire Healthy Lives",),
        (
            ServiceTemplate(
                "Healthy weight programme ({town})",
                "A free 12-week programme with a health coach: eating well, moving more and "
                "keeping it up.",
                ("weight-management",),
                ("weight", "pre-diabetes"),
                ("be-active", "keep-learning"),
                schedule="term",
                slots=("evening", "late_morning"),
                eligibility="Adults with a BMI of 30 or more (27.5 for some ethnic groups).",
                referral=1.0,
                capacity=(12, 16),
            ),
            ServiceTemplate(
                "Diabetes prevention course ({town})",
                "Nine months of group sessions to lower your risk of type 2 diabetes through "
                "healthier eating, activity and weight.",
                ("diabetes-prevention",),
                ("pre-diabetes", "weight"),
                ("keep-learning", "be-active"),
                schedule="term",
                slots=("afternoon",),
                eligibility="Adults with non-diabetic hyperglycaemia (HbA1c 42-47 mmol/mol).",
                referral=1.0,
                capacity=(12, 20),
            ),
        ),
        legal_status="NHS-commissioned provider",
    ),
    ProviderKind(
        "mind",
        ("Marches Mind",),
        (
            ServiceTemplate(
                "Wellbeing hub drop-in ({town})",
                "Talk to a wellbeing worker about how you are feeling, and find groups and "
                "courses that could help.",
                ("mental-health-peer-support",),
                ("low-mood", "frequent-attendance"),
                ("connect",),
                referral=0.7,
            ),
            ServiceTemplate(
                "Online anxiety management course",
                "Six weekly online sessions on understanding anxiety, with practical tools to "
                "manage it.",
                ("mental-health-peer-support",),
                ("low-mood",),
                ("keep-learning",),
                schedule="online",
                referral=0.9,
                capacity=(10, 20),
            ),
        ),
    ),
    ProviderKind(
        "carers_hub",
        ("Shropshire Carers Hub",),
        (
            ServiceTemplate(
                "Carers' advice and assessment support ({town})",
                "Information, a carers' assessment and help to plan breaks and emergencies.",
                ("carers-support",),
                ("carer-strain", "money"),
                ("connect",),
                schedule="monthly",
                ages=(None, None),
                referral=0.9,
            ),
        ),
    ),
    ProviderKind(
        "bereavement",
        ("North Shropshire Bereavement Service",),
        (
            ServiceTemplate(
                "One-to-one bereavement support ({town})",
                "Up to eight sessions with a trained bereavement volunteer, at home, by phone "
                "or at our rooms.",
                ("bereavement-support",),
                ("bereavement", "low-mood"),
                ("connect",),
                schedule="hours",
                referral=1.0,
                capacity=(4, 10),
            ),
        ),
    ),
    ProviderKind(
        "housing",
        ("Borderlands Housing Advice",),
        (
            ServiceTemplate(
                "Warm and well home visits ({town})",
                "A home visit to check heating, insulation and damp, with help to apply for "
                "grants and fit small measures.",
                ("housing-advice",),
                ("housing", "money", "long-term-condition"),
                ("connect",),
                "neighbourhood",
                schedule="hours",
                referral=1.0,
            ),
        ),
    ),
    ProviderKind(
        "digital",
        ("Shropshire Digital Buddies",),
        (
            ServiceTemplate(
                "Tablet loan and digital buddy ({town})",
                "Borrow a tablet with data for three months and get weekly help from a "
                "volunteer digital buddy.",
                ("digital-skills",),
                ("digital-exclusion", "loneliness"),
                ("keep-learning", "connect"),
                schedule="weekly",
                referral=0.8,
                capacity=(5, 12),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class AccountsOrg:
    key: str
    name: str
    kind: str
    parent: str = ""
    postcode: str = ""
    owns: tuple[str, ...] = field(default_factory=tuple)  # directory provider names it owns


# The accounts side: who signs in. Directory providers named in `owns` are linked as `owner`.
ACCOUNTS_ORGS: tuple[AccountsOrg, ...] = (
    AccountsOrg("pcn", "North Shropshire Borders PCN", "pcn", postcode="SY11 1PJ"),
    AccountsOrg("gp1", "Castle Fields Surgery", "gp_practice", parent="pcn", postcode="SY11 1PS"),
    AccountsOrg("gp2", "Gobowen Road Medical Practice", "gp_practice", parent="pcn",
                postcode="SY11 2PD"),
    AccountsOrg("gp3", "Ellesmere Meres Surgery", "gp_practice", parent="pcn",
                postcode="SY12 0AB"),
    AccountsOrg("gp4", "Whitchurch Highgate Practice", "gp_practice", parent="pcn",
                postcode="SY13 1QU"),
    AccountsOrg("vcs_host", "North Shropshire Community Action", "vcse_provider",
                postcode="SY11 1AA"),
    AccountsOrg("lws", "Oswestry Community Wellbeing Service", "link_worker_service",
                parent="vcs_host", postcode="SY11 1AA"),
    AccountsOrg("shed", "Oswestry Men's Shed", "vcse_provider", postcode="SY11 2SS",
                owns=("Oswestry Men's Shed",)),
    AccountsOrg("walks", "Whittington Walking for Health", "vcse_provider", postcode="SY11 4DT",
                owns=("Whittington Walking for Health",)),
    AccountsOrg("foodbank", "Oswestry Food Bank", "vcse_provider", postcode="SY11 1AD",
                owns=("Oswestry Food Bank",)),
    AccountsOrg("cab", "Citizens Advice Shropshire", "vcse_provider", postcode="SY1 1DS",
                owns=("Citizens Advice Shropshire",)),
    AccountsOrg("council", "Shropshire Council Adult Social Care", "local_authority",
                postcode="SY1 1DZ"),
    AccountsOrg("fire", "Shropshire Fire and Rescue Service", "fire_and_rescue",
                postcode="SY1 2BY"),
    AccountsOrg("icb", "Shropshire, Telford and Wrekin ICB", "commissioner", postcode="SY1 1ED"),
    AccountsOrg("platform", "Linkwell demo operator", "platform"),
    # Volunteering (demo/volunteering.py): a befriending VCSE and a connector service. Added
    # last so the organisations above keep their ids (uuid5 over the index).
    AccountsOrg("occ", "Oswestry Compassionate Communities", "vcse_provider",
                postcode="SY11 1PY"),
    AccountsOrg("cando", "Connect and Do Shropshire", "vcse_provider", postcode="SY11 2AG"),
)  # fmt: skip

# Local providers that must exist so the accounts above can own them: (kind key, town).
REQUIRED_LOCAL = (("mens_shed", "Oswestry"), ("walking", "Whittington"), ("food_bank", "Oswestry"))
