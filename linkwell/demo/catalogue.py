"""What the demo directory is made of: places (real postcodes), kinds of provider and the services
each runs. Everything here is fictional except the place names and postcodes.

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

PROVIDERS: tuple[ProviderKind, ...] = (
    ProviderKind(
        "mens_shed",
        ("{town} Men's Shed",),
        (
            ServiceTemplate(
                "{town} Men's Shed open sessions",
                "Drop in to the shed to make, mend and chat over a brew. Woodwork, metalwork, "
                "bike repairs and community projects; no experience needed and tools provided. "
                "Women are welcome at every session.",
                ("mens-sheds", "arts-and-crafts"),
                ("loneliness", "low-mood", "bereavement"),
                ("connect", "keep-learning", "give"),
                cost="donation",
                referral=0.6,
            ),
            ServiceTemplate(
                "Woodwork for beginners at {org}",
                "A six-week course covering tool safety, joints and finishing, making a small "
                "project to take home.",
                ("arts-and-crafts", "mens-sheds"),
                ("loneliness",),
                ("keep-learning", "connect"),
                schedule="term",
                slots=("evening",),
                cost=(25.0, "for the six-week course, materials included"),
                capacity=(6, 10),
            ),
        ),
    ),
    ProviderKind(
        "walking",
        ("{town} Walking for Health", "{town} Health Walks"),
        (
            WALK,
            ServiceTemplate(
                "Nordic walking for beginners in {town}",
                "Learn Nordic walking with poles provided: a full-body workout that is "
                "kind to the joints. Four-week beginners' course, then join the weekly group.",
                ("walking-groups", "exercise-older-people"),
                ("physical-inactivity", "weight", "long-term-condition"),
                ("be-active", "keep-learning"),
                "neighbourhood",
                ("nordic_walking",),
                schedule="term",
                cost=(4.0, "per session, poles provided"),
                capacity=(8, 12),
            ),
            ServiceTemplate(
                "{town} slow strollers",
                "A short, gentle stroll of 20 to 30 minutes for people who are new to walking "
                "or recovering from illness. Plenty of stops and benches on the way.",
                ("walking-groups", "exercise-older-people"),
                ("physical-inactivity", "falls-risk", "long-term-condition"),
                ("be-active", "connect"),
                "neighbourhood",
                ("walking",),
                slots=("late_morning",),
                ages=(None, None),
                referral=0.7,
            ),
        ),
    ),
    ProviderKind(
        "food_bank",
        ("{town} Food Bank", "{town} Community Larder"),
        (
            ServiceTemplate(
                "Emergency food parcels from {org}",
                "Three days of nutritionally balanced emergency food for people in crisis, with "
                "a warm drink and signposting to money and housing advice. Please bring a food "
                "bank voucher from a link worker, GP practice or Citizens Advice.",
                ("food-banks",),
                ("food-insecurity", "money"),
                ("connect",),
                schedule="hours",
                ages=(16, None),
                eligibility="A food bank voucher from a referring agency.",
                referral=0.9,
            ),
            ServiceTemplate(
                "{town} community larder",
                "Members choose ten items of food and household goods each week for a small "
                "fixed price. Fresh fruit, veg and chilled food when available.",
                ("food-banks",),
                ("food-insecurity", "money"),
                ("connect",),
                cost=(3.5, "per weekly shop"),
                referral=0.3,
            ),
            ServiceTemplate(
                "Cook and eat on a budget ({town})",
                "Cook a simple, healthy meal together, then sit down and eat it. Recipes to "
                "take home that cost under £1.50 a portion. Slow cooker loans available.",
                ("cooking",),
                ("food-insecurity", "weight", "loneliness"),
                ("keep-learning", "connect"),
                schedule="term",
                slots=("afternoon",),
                capacity=(6, 10),
            ),
        ),
    ),
    ProviderKind(
        "garden",
        ("{town} Community Garden", "{town} Green Gym", "{town} Community Allotment"),
        (
            ServiceTemplate(
                "Gardening mornings at {org}",
                "Grow fruit, veg and flowers with others on our shared plot. Jobs for every "
                "ability, from potting on at a bench to digging beds. Tea, cake and produce "
                "to share.",
                ("gardening",),
                ("loneliness", "low-mood", "physical-inactivity"),
                ("be-active", "take-notice", "connect"),
                "neighbourhood",
                ("gardening",),
                slots=("morning",),
                cost="donation",
            ),
            ServiceTemplate(
                "Therapeutic gardening group ({town})",
                "A small, supported horticulture group for people with low mood, anxiety or "
                "recovering from illness, led by a horticultural therapist.",
                ("gardening", "mental-health-peer-support"),
                ("low-mood", "loneliness", "long-term-condition"),
                ("take-notice", "be-active", "keep-learning"),
                "neighbourhood",
                ("gardening",),
                schedule="term",
                slots=("late_morning",),
                eligibility="By referral from a link worker or health professional.",
                referral=1.0,
                capacity=(6, 10),
            ),
        ),
    ),
    ProviderKind(
        "social_club",
        ("{town} Friendship Club", "{town} Over 60s Club", "{town} Community Café"),
        (
            ServiceTemplate(
                "{town} lunch club",
                "A two-course home-cooked lunch and good company. Transport can be arranged "
                "for people who cannot get there on their own.",
                ("social-clubs",),
                ("loneliness", "food-insecurity"),
                ("connect",),
                slots=("late_morning",),
                cost=(5.5, "for a two-course lunch"),
                ages=(60, None),
                referral=0.5,
                capacity=(20, 35),
            ),
            ServiceTemplate(
                "Coffee morning at {org}",
                "Drop in for a coffee, a biscuit and a chat. Newcomers are always made welcome "
                "by a volunteer host.",
                ("social-clubs",),
                ("loneliness",),
                ("connect",),
                slots=("morning",),
                cost="donation",
                ages=(None, None),
                referral=0.2,
            ),
            ServiceTemplate(
                "{town} games afternoon",
                "Board games, cards, dominoes and a quiz, with tea. Come on your own or "
                "bring a friend.",
                ("social-clubs",),
                ("loneliness", "memory-problems"),
                ("connect", "keep-learning"),
                slots=("afternoon",),
                cost=(1.0, "including tea"),
            ),
        ),
    ),
    ProviderKind(
        "arts",
        ("{town} Art Group", "{town} Knit and Natter", "{town} Craft Collective"),
        (
            ServiceTemplate(
                "Painting for pleasure ({town})",
                "Watercolour, acrylic and sketching at your own pace with gentle tuition. "
                "Materials provided for your first few sessions.",
                ("arts-and-crafts",),
                ("loneliness", "low-mood"),
                ("keep-learning", "take-notice"),
                cost=(3.0, "per session"),
            ),
            ServiceTemplate(
                "{town} knit and natter",
                "Knitting, crochet and sewing circle. Bring your own project or help make "
                "blankets for the local hospice. Needles and wool available.",
                ("arts-and-crafts", "social-clubs"),
                ("loneliness",),
                ("connect", "give"),
                cost="free",
                ages=(None, None),
            ),
            ServiceTemplate(
                "Pottery taster course at {org}",
                "Hand-building and the wheel over eight weeks; pieces are glazed and fired "
                "for you to take home.",
                ("arts-and-crafts",),
                ("low-mood",),
                ("keep-learning",),
                schedule="term",
                slots=("evening",),
                cost=(48.0, "for the eight-week course"),
                capacity=(8, 10),
            ),
        ),
    ),
    ProviderKind(
        "choir",
        ("{town} Community Choir", "{town} Singing for Health"),
        (
            ServiceTemplate(
                "{town} community choir",
                "A welcoming choir that sings pop, folk and musicals. No auditions and no "
                "need to read music: songs are learned by ear.",
                ("music-and-singing",),
                ("loneliness", "low-mood"),
                ("connect", "keep-learning"),
                slots=("evening",),
                cost=(2.5, "per session"),
                ages=(16, None),
            ),
            ServiceTemplate(
                "Singing for better breathing ({town})",
                "Breathing exercises and songs for people living with COPD, asthma or long "
                "COVID, led by a trained singing-for-lung-health practitioner.",
                ("music-and-singing", "long-term-conditions"),
                ("long-term-condition", "loneliness"),
                ("connect", "be-active"),
                schedule="term",
                slots=("afternoon",),
                eligibility="Adults living with a long-term lung condition.",
                referral=0.9,
                capacity=(10, 15),
            ),
            ServiceTemplate(
                "Ukulele group at {org}",
                "Strum along to easy songs. Loan ukuleles available; beginners' corner every week.",
                ("music-and-singing",),
                ("loneliness",),
                ("keep-learning", "connect"),
                slots=("evening",),
                cost=(2.0, "per session"),
            ),
        ),
    ),
    ProviderKind(
        "exercise",
        ("{town} Leisure Centre", "{town} Active Ageing", "{town} Strength and Balance"),
        (
            ServiceTemplate(
                "Chair-based exercise in {town}",
                "A seated exercise class to music that builds strength, flexibility and "
                "confidence. Suitable for people with limited mobility.",
                ("exercise-older-people",),
                ("physical-inactivity", "falls-risk", "long-term-condition"),
                ("be-active", "connect"),
                activities=("chair_based_exercise",),
                cost=(3.0, "per class"),
                ages=(55, None),
                referral=0.6,
                capacity=(12, 20),
            ),
            ServiceTemplate(
                "Strength and balance: falls prevention ({town})",
                "A 24-week evidence-based falls prevention programme (FaME) with a qualified "
                "postural stability instructor, plus exercises to do at home.",
                ("exercise-older-people",),
                ("falls-risk", "physical-inactivity"),
                ("be-active", "keep-learning"),
                activities=("falls_and_exercise_management",),
                schedule="term",
                ages=(60, None),
                eligibility="Older adults who have fallen or are worried about falling.",
                referral=1.0,
                capacity=(10, 14),
            ),
            ServiceTemplate(
                "Walking football ({town})",
                "Football at walking pace: no running, no slide tackles, plenty of laughs. "
                "For men and women over 50 of any fitness.",
                ("sport-and-fitness", "exercise-older-people"),
                ("physical-inactivity", "weight", "loneliness"),
                ("be-active", "connect"),
                activities=("walking_football",),
                slots=("evening", "morning"),
                cost=(3.0, "per session"),
                ages=(50, None),
            ),
            ServiceTemplate(
                "Aqua aerobics at {org}",
                "Low-impact exercise in the shallow end: easy on the joints and good for "
                "fitness and mobility.",
                ("sport-and-fitness",),
                ("physical-inactivity", "weight", "long-term-condition"),
                ("be-active",),
                activities=("aqua_aerobics",),
                cost=(4.5, "per class"),
                ages=(16, None),
            ),
            ServiceTemplate(
                "Tai chi for health ({town})",
                "Slow, flowing movements that improve balance, posture and calm.",
                ("exercise-older-people", "sport-and-fitness"),
                ("falls-risk", "low-mood"),
                ("be-active", "take-notice"),
                activities=("tai_chi",),
                cost=(4.0, "per class"),
            ),
        ),
        legal_status="Community interest company",
        villages=False,
    ),
    ProviderKind(
        "befriending",
        ("{town} Good Neighbours", "{town} Befriending Scheme"),
        (
            ServiceTemplate(
                "Telephone befriending ({org})",
                "A friendly phone call at the same time each week from a trained, DBS-checked "
                "volunteer matched on shared interests.",
                ("befriending",),
                ("loneliness", "bereavement", "carer-strain"),
                ("connect",),
                "social",
                schedule="phone",
                ages=(50, None),
                eligibility="Older people who feel lonely or isolated at home.",
                referral=1.0,
                capacity=(15, 40),
            ),
            ServiceTemplate(
                "Home visiting befriender ({town})",
                "A volunteer visits for an hour a week for a chat, a walk or a trip out.",
                ("befriending",),
                ("loneliness", "memory-problems"),
                ("connect",),
                "social",
                schedule="phone",
                ages=(60, None),
                referral=1.0,
                capacity=(5, 15),
            ),
            ServiceTemplate(
                "{town} good neighbours help",
                "Volunteers help with shopping, prescriptions, lifts to appointments and small "
                "jobs around the home.",
                ("befriending", "volunteering"),
                ("loneliness", "long-term-condition"),
                ("connect", "give"),
                "social",
                schedule="hours",
                cost="donation",
                ages=(None, None),
            ),
        ),
    ),
    ProviderKind(
        "faith",
        ("St Mary's Church, {town}", "{town} Methodist Church", "{town} Baptist Church"),
        (
            ServiceTemplate(
                "Warm welcome café at {org}",
                "A warm space with free soup, hot drinks, newspapers and Wi-Fi. Everyone is "
                "welcome, whatever their faith or none.",
                ("faith-groups", "social-clubs"),
                ("loneliness", "housing", "food-insecurity"),
                ("connect",),
                ages=(None, None),
                referral=0.1,
            ),
            ServiceTemplate(
                "Bereavement café ({town})",
                "A relaxed monthly café for anyone who has lost someone close, with trained "
                "listeners on hand.",
                ("bereavement-support", "faith-groups"),
                ("bereavement", "loneliness"),
                ("connect",),
                schedule="monthly",
                slots=("afternoon",),
                referral=0.3,
            ),
        ),
    ),
    ProviderKind(
        "library",
        ("{town} Library",),
        (
            ServiceTemplate(
                "Digital drop-in at {org}",
                "Bring your phone, tablet or laptop and get one-to-one help: video calls with "
                "family, online shopping, NHS App, spotting scams.",
                ("digital-skills",),
                ("digital-exclusion", "loneliness"),
                ("keep-learning",),
                "neighbourhood",
                ages=(None, None),
                referral=0.3,
            ),
            ServiceTemplate(
                "{town} library reading group",
                "Read a book a month and meet to talk about it. Copies are provided, "
                "including large print and audiobooks.",
                ("social-clubs", "creative-and-learning"),
                ("loneliness",),
                ("keep-learning", "connect"),
                "neighbourhood",
                schedule="monthly",
                slots=("afternoon", "evening"),
            ),
            ServiceTemplate(
                "English conversation café ({town})",
                "Practise everyday English over a cup of tea with volunteer conversation "
                "partners. All levels welcome.",
                ("language-classes",),
                ("loneliness", "employment"),
                ("keep-learning", "connect"),
                "neighbourhood",
                ages=(16, None),
            ),
        ),
        legal_status="Local authority service",
        villages=False,
    ),
    ProviderKind(
        "cycling",
        ("{town} Bike Hub", "{town} Cycling Club"),
        (
            ServiceTemplate(
                "Led bike rides for beginners ({town})",
                "Gentle rides of 5 to 10 miles on quiet lanes with a ride leader and a back "
                "marker. Bikes and helmets can be borrowed.",
                ("cycling",),
                ("physical-inactivity", "weight", "low-mood"),
                ("be-active", "take-notice", "connect"),
                "neighbourhood",
                ("cycling",),
                slots=("morning",),
                ages=(16, None),
            ),
            ServiceTemplate(
                "Bike maintenance course at {org}",
                "Fix a puncture, adjust brakes and gears, and keep your bike road-worthy.",
                ("cycling",),
                ("employment",),
                ("keep-learning",),
                schedule="term",
                slots=("evening",),
                cost=(20.0, "for the four-week course"),
                capacity=(6, 8),
            ),
        ),
        villages=False,
    ),
    ProviderKind(
        "memory",
        ("{town} Memory Café", "{town} Dementia Friends"),
        (
            ServiceTemplate(
                "{town} memory café",
                "A relaxed café for people living with dementia, or worried about their "
                "memory, and the people who care for them. Music, reminiscence and advice.",
                ("dementia-support", "carers-support"),
                ("memory-problems", "carer-strain", "loneliness"),
                ("connect",),
                schedule="monthly",
                slots=("afternoon",),
                ages=(None, None),
                referral=0.4,
            ),
            ServiceTemplate(
                "Singing for the memory ({town})",
                "Well-loved songs, warm-ups and friendship for people with dementia and their "
                "carers.",
                ("dementia-support", "music-and-singing"),
                ("memory-problems", "carer-strain"),
                ("connect", "take-notice"),
                slots=("afternoon",),
                cost=(2.0, "per couple"),
                ages=(None, None),
            ),
        ),
    ),
    ProviderKind(
        "carers",
        ("{town} Carers' Group",),
        (
            ServiceTemplate(
                "{town} carers' coffee and chat",
                "Meet other unpaid carers, share tips and get information about breaks, "
                "benefits and carers' assessments.",
                ("carers-support",),
                ("carer-strain", "loneliness"),
                ("connect",),
                schedule="monthly",
                slots=("late_morning",),
                ages=(None, None),
            ),
            ServiceTemplate(
                "Carers' wellbeing sessions ({town})",
                "Relaxation, gentle exercise and time for yourself while a volunteer sits "
                "with the person you care for.",
                ("carers-support", "health-and-wellbeing"),
                ("carer-strain", "low-mood"),
                ("take-notice", "be-active"),
                schedule="term",
                eligibility="Unpaid carers of any age.",
                referral=0.8,
                capacity=(8, 12),
            ),
        ),
    ),
    ProviderKind(
        "job_club",
        ("{town} Job Club", "{town} Work Club"),
        (
            ServiceTemplate(
                "{town} job club",
                "Job search, CVs, applications and interview practice with a friendly adviser. "
                "Computers and printing free.",
                ("employment-support",),
                ("employment", "money"),
                ("keep-learning",),
                ages=(16, None),
                referral=0.5,
            ),
            ServiceTemplate(
                "Confidence to work course ({town})",
                "Six sessions on confidence, skills and next steps for people who have been "
                "out of work for a while, including through ill health.",
                ("employment-support", "mental-health-peer-support"),
                ("employment", "low-mood"),
                ("keep-learning",),
                schedule="term",
                ages=(18, 66),
                referral=0.9,
                capacity=(8, 12),
            ),
        ),
        villages=False,
    ),
    ProviderKind(
        "volunteer_centre",
        ("{town} Volunteer Centre", "{town} Conservation Volunteers"),
        (
            ServiceTemplate(
                "Volunteering drop-in ({town})",
                "Find a volunteering role that suits you: driving, gardening, befriending, "
                "shops, events. We help you get started and stay with you.",
                ("volunteering",),
                ("loneliness", "employment", "low-mood"),
                ("give", "connect"),
                ages=(16, None),
            ),
            ServiceTemplate(
                "Conservation volunteering days ({town})",
                "Hedge laying, path repairs, litter picks and wildlife surveys in local green "
                "spaces. Tools, training and a hot drink provided.",
                ("volunteering", "nature-and-outdoors"),
                ("physical-inactivity", "low-mood", "loneliness"),
                ("give", "be-active", "take-notice"),
                "neighbourhood",
                slots=("morning",),
                ages=(16, None),
            ),
        ),
        villages=False,
    ),
    ProviderKind(
        "peer_support",
        ("{town} Wellbeing Peer Support", "{town} Men's Talking Group"),
        (
            ServiceTemplate(
                "Peer support for anxiety and low mood ({town})",
                "A confidential group run by people with lived experience. Share as much or "
                "as little as you like.",
                ("mental-health-peer-support",),
                ("low-mood", "loneliness", "frequent-attendance"),
                ("connect", "give"),
                "social",
                slots=("evening",),
                referral=0.6,
            ),
            ServiceTemplate(
                "Walk and talk ({town})",
                "A gentle walk with a peer supporter and a chance to talk side by side.",
                ("mental-health-peer-support", "walking-groups"),
                ("low-mood", "physical-inactivity"),
                ("connect", "be-active", "take-notice"),
                "social",
                ("walking",),
                schedule="fortnightly",
                slots=("late_morning",),
            ),
        ),
    ),
    ProviderKind(
        "language",
        ("{town} Welsh Society", "{town} ESOL Friends"),
        (
            ServiceTemplate(
                "Welsh conversation group ({town})",
                "Practise your Welsh in a relaxed, friendly group. Learners of all levels and "
                "fluent speakers welcome. Paned a chat!",
                ("language-classes",),
                ("loneliness",),
                ("keep-learning", "connect"),
                slots=("evening",),
            ),
            ServiceTemplate(
                "ESOL classes ({town})",
                "English for speakers of other languages, entry level to level 1, with a "
                "crèche for under-fives.",
                ("language-classes",),
                ("employment", "loneliness"),
                ("keep-learning",),
                schedule="term",
                ages=(16, None),
                referral=0.5,
                capacity=(10, 16),
            ),
        ),
        villages=False,
    ),
    ProviderKind(
        "bowls",
        ("{town} Bowling Club",),
        (
            ServiceTemplate(
                "Bowls taster sessions ({town})",
                "Try flat green bowls with a coach. Flat shoes only; woods provided.",
                ("sport-and-fitness",),
                ("physical-inactivity", "loneliness"),
                ("be-active", "connect"),
                "neighbourhood",
                ("bowls",),
                schedule="seasonal",
                slots=("afternoon", "evening"),
                cost=(2.0, "per session"),
                ages=(None, None),
            ),
        ),
        legal_status="Community amateur sports club",
    ),
    ProviderKind(
        "weight",
        ("{town} Healthy Weight Group",),
        (
            ServiceTemplate(
                "Healthy weight group ({town})",
                "A supportive weekly group: weigh-in if you want to, cook-along recipes and a "
                "20-minute activity.",
                ("weight-management",),
                ("weight", "pre-diabetes", "physical-inactivity"),
                ("be-active", "keep-learning"),
                slots=("evening", "morning"),
                cost=(5.0, "per week; first session free"),
            ),
        ),
        legal_status="Community interest company",
        villages=False,
    ),
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
)  # fmt: skip

# Local providers that must exist so the accounts above can own them: (kind key, town).
REQUIRED_LOCAL = (("mens_shed", "Oswestry"), ("walking", "Whittington"), ("food_bank", "Oswestry"))
