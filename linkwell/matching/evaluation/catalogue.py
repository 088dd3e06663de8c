"""The services of the evaluation directory, written by hand (see README.md).

A fictional borough, Merebrook and Saltley: two towns either side of a river, eleven
neighbourhoods and three villages further out. Each neighbourhood is anchored on a real postcode
(the generator picks venues' real postcodes within 800 m of it from the shipped Code-Point Open
data) so distances are real; every organisation, street and person is invented.

Each entry is explicit (place, days, ages, cost, capacity, status...) so the relevance judgments,
written against this list, do not move when the generator is re-run. Notation:
- ``sessions``: ``"TU 10:00-12:00; TH 14:00-15:30"``; ``"1MO 13:00-15:00"`` is the first Monday of
  the month; ``"2WE 10:00-12:00"`` with ``every=2`` is every other Wednesday; ``""`` = by
  appointment / whenever you call.
- ``cost``: 0 free, a number = pounds per session, None = not stated.
- ``access``: keys of ACCESS below. ``capacity``: (places available, maximum) or None.
- ``status``: HSDS status; ``age_days``: days since last modified at the evaluation time.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

# The moment the evaluation ranks at (a Tuesday morning); "age_days" counts back from here.
EVALUATION_AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
NAMESPACE = uuid.UUID("6f1c9a52-3d0e-5b7a-9a0e-2b1d4c8e7f10")


def service_id(slug: str) -> str:
    """The stable HSDS id of a catalogue entry (judgments refer to services by slug)."""
    return str(uuid.uuid5(NAMESPACE, f"service:{slug}"))


# name, anchor postcode (real), town: venues are real postcodes within 800 m of the anchor
AREAS: dict[str, tuple[str, str, str]] = {
    "old": ("Merebrook Old Town", "WA7 1NR", "Merebrook"),
    "high": ("Highfield", "WA7 2NB", "Merebrook"),
    "thorn": ("Thornmere", "WA7 3EZ", "Merebrook"),
    "west": ("Westbank", "WA7 4PH", "Merebrook"),
    "neth": ("Netherley Green", "WA7 5ND", "Merebrook"),
    "brook": ("Brookvale", "WA7 6JY", "Merebrook"),
    "ditton": ("Ditton Cross", "WA8 0PB", "Saltley"),
    "kings": ("Kingsway", "WA8 7ND", "Saltley"),
    "apple": ("Appleton Hill", "WA8 6NN", "Saltley"),
    "farn": ("Farnley", "WA8 8NL", "Saltley"),
    "upton": ("Upton Moss", "WA8 9JZ", "Saltley"),
    "kelsall": ("Kelsall Bridge", "WA6 7JP", "Kelsall Bridge"),
    "helsby": ("Helsby Edge", "WA6 0HT", "Helsby Edge"),
    "dunham": ("Dunham Vale", "WA13 0NB", "Dunham Vale"),
    "online": ("Online or by phone", "", ""),
}

ACCESS = {
    "wheelchair": ("Wheelchair accessible", "Level access and room to turn a wheelchair."),
    "step-free": ("Step-free access", "No steps from the street to the room."),
    "loop": ("Hearing loop", "Induction loop in the main hall."),
    "toilet": ("Accessible toilet", ""),
    "parking": ("Blue badge parking", "Spaces next to the entrance."),
    "stairs": ("First floor, no lift", "The room is up a flight of stairs."),
    "rough": ("Uneven ground", "Paths can be muddy and uneven; stout shoes needed."),
}


@dataclass(frozen=True)
class Entry:
    slug: str
    name: str
    org: str
    area: str
    categories: str  # Linkwell category codes, space-separated; the first is the main one
    description: str
    sessions: str = ""
    every: int = 1
    needs: str = ""  # Linkwell "needs" taxonomy codes, space-separated
    min_age: int | None = None
    max_age: int | None = None
    eligibility: str = ""
    cost: float | None = 0
    access: str = ""  # ACCESS keys, space-separated
    capacity: tuple[int, int] | None = None
    status: str = "active"
    age_days: int = 60
    assured: bool = False
    languages: tuple[str, ...] = ("en",)
    referrals: bool = True
    transport: str = ""  # the venue's HSDS `transportation` text


E = Entry

_WALK_ORG = "Merebrook and Saltley Walking for Health"
_WALK_TEXT = (
    "A friendly, free health walk of about an hour on flat paths, led by trained volunteer walk "
    "leaders. Walk at your own pace; we finish with a cuppa. Just turn up, no need to book."
)
# Near-identical weekly health walks: the diversity test. (slug suffix, area, sessions, venue note)
_WALKS = [
    ("old-mon", "old", "MO 10:00-11:00", "Meet at the Old Town clock tower."),
    ("old-thu", "old", "TH 13:30-14:30", "Meet at the Old Town clock tower."),
    ("high-tue", "high", "TU 10:00-11:00", "Meet at Highfield Library."),
    ("thorn-wed", "thorn", "WE 10:30-11:30", "Meet at Thornmere Park gates."),
    ("west-fri", "west", "FR 10:00-11:00", "Meet at Westbank Community Centre."),
    ("neth-tue", "neth", "TU 14:00-15:00", "Meet at Netherley Green shops."),
    ("brook-thu", "brook", "TH 10:00-11:00", "Meet at Brookvale Health Centre."),
    ("brook-sat", "brook", "SA 09:30-10:30", "Meet at Brookvale Health Centre."),
    ("ditton-mon", "ditton", "MO 13:00-14:00", "Meet at Ditton Cross Leisure Centre."),
    ("kings-wed", "kings", "WE 10:00-11:00", "Meet outside Kingsway Market."),
    ("kings-sun", "kings", "SU 10:00-11:00", "Meet outside Kingsway Market."),
    ("apple-fri", "apple", "FR 13:30-14:30", "Meet at Appleton Hill church hall."),
    ("farn-tue", "farn", "TU 10:00-11:00", "Meet at Farnley Park café."),
    ("upton-thu", "upton", "TH 10:30-11:30", "Meet at Upton Moss village green."),
    ("kelsall-wed", "kelsall", "WE 10:00-11:00", "Meet at Kelsall Bridge station."),
    ("dunham-sat", "dunham", "SA 10:00-11:00", "Meet at Dunham Vale village hall."),
]

WALKS = [
    E(f"walk-{suffix}", f"{AREAS[area][0]} Health Walk", _WALK_ORG, area,
      "walking-groups physical-activity", f"{_WALK_TEXT} {venue}", sessions=sessions,
      needs="physical-inactivity loneliness", access="rough" if area in ("thorn", "dunham") else "",
      assured=True, age_days=40 + 11 * i)
    for i, (suffix, area, sessions, venue) in enumerate(_WALKS)
]  # fmt: skip

_OTHERS: list[Entry] = [
    # --- more walking -------------------------------------------------------------------------
    E("walk-slow-strollers", "Slow Strollers", _WALK_ORG, "kings", "walking-groups exercise-older-people physical-activity",
      "A short, gentle 20-minute stroll for people who use a stick or frame, are recovering from illness or "
      "are nervous about falling. Plenty of benches, and a volunteer at the back. Tea afterwards.",
      sessions="TH 11:00-12:00", needs="physical-inactivity falls-risk loneliness", access="step-free toilet",
      assured=True, age_days=30),
    E("walk-dementia-friendly", "Memory Lane Walkers", "Merebrook Memory Matters", "old",
      "walking-groups dementia-support physical-activity",
      "A slow, dementia-friendly walk round the Old Town park for people living with dementia and their "
      "carers or family. Same route each week, volunteers trained as Dementia Friends.",
      sessions="WE 11:00-12:00", needs="memory-problems carer-strain physical-inactivity", access="step-free",
      assured=True),
    E("walk-nordic", "Nordic Walking Saltley", "Saltley Striders", "farn", "walking-groups sport-and-fitness physical-activity",
      "Brisk Nordic walking with poles (poles lent for the first three weeks). 5 km at a good pace round Farnley "
      "Park. Suits people who are already fairly active.", sessions="SA 09:00-10:30", cost=3, min_age=18, age_days=120),
    E("walk-buggy", "Buggy Walk and Talk", "Saltley Family Hub", "ditton", "walking-groups physical-activity",
      "A walk with pushchairs for parents and carers of babies and toddlers, then a drink and play at the hub.",
      sessions="MO 10:00-11:00", needs="physical-inactivity loneliness low-mood", min_age=16, age_days=90),
    E("walk-rambling", "Merebrook Ramblers", "Merebrook Ramblers", "helsby", "walking-groups nature-and-outdoors physical-activity",
      "Countryside walks of 8 to 12 miles over the hills and along the canal; car sharing from Merebrook. "
      "Membership £28 a year; come on three walks first.", sessions="SU 09:30-15:30", cost=2,
      access="rough", min_age=18, referrals=False, age_days=200),
    E("walk-old-defunct", "Riverside Wanderers", "Riverside Wanderers", "west", "walking-groups physical-activity",
      "Weekly walks along the river path. (The group folded in 2024.)", sessions="TU 10:00-11:00",
      status="defunct", age_days=800),
    # --- cycling ------------------------------------------------------------------------------
    E("cycle-pedal-pals", "Pedal Pals: cycling for people with dementia", "Merebrook Memory Matters", "brook",
      "cycling dementia-support physical-activity",
      "Accompanied bike rides on tandems, trikes and side-by-side cycles for people living with dementia. "
      "We collect you from home in our minibus and take you back afterwards, so your carer gets a break. "
      "Ride leaders are trained Dementia Friends; rides are 6 to 10 miles on quiet lanes and the canal path.",
      sessions="TH 10:00-13:00", needs="memory-problems carer-strain physical-inactivity loneliness",
      min_age=50, eligibility="For people living with dementia or memory problems.", capacity=(2, 10),
      assured=True, age_days=25),
    E("cycle-breeze", "Breeze Ladies' Bike Rides", "Saltley Cycling Club", "kings", "cycling physical-activity",
      "Relaxed rides for women of all abilities, 8 to 15 miles with a café stop. Bring your own bike.",
      sessions="SU 10:00-12:30", min_age=16, eligibility="Women only.", age_days=75),
    E("cycle-club-chain-gang", "Saltley Wheelers Club Run", "Saltley Cycling Club", "apple", "cycling sport-and-fitness",
      "Fast club rides of 40 to 60 miles at 16-18 mph for experienced riders on road bikes. Club membership required.",
      sessions="SA 08:00-12:00", cost=5, min_age=16, referrals=False, age_days=150),
    E("cycle-bike-library", "Merebrook Bike Library", "Pedal Power CIC", "old", "cycling practical-help",
      "Borrow a refurbished bike, helmet and lock for a month for a small donation, and learn to fix a puncture. "
      "Adapted cycles and e-bikes available.", sessions="SA 10:00-14:00; WE 16:00-19:00", cost=None, min_age=8,
      age_days=45),
    E("cycle-confidence", "Back on Your Bike", "Pedal Power CIC", "thorn", "cycling physical-activity",
      "Cycle confidence sessions for adults who have not ridden for years: on the traffic-free track first, "
      "then short rides out. Bikes available.", sessions="TU 18:00-19:30", min_age=18, capacity=(4, 8), age_days=50),
    E("cycle-inclusive", "All-Ability Cycling at Thornmere Park", "Pedal Power CIC", "thorn",
      "cycling physical-activity",
      "Inclusive cycling on the park's traffic-free track with hand cycles, recumbents, wheelchair transporter "
      "bikes and trikes, for disabled people and anyone who finds a standard bike hard.",
      sessions="FR 10:00-12:00; SA 13:00-15:00", cost=2, access="wheelchair step-free toilet parking",
      assured=True, age_days=80),
    E("cycle-repair-cafe", "Saltley Repair Café (bikes and more)", "Saltley Repair Café", "kings",
      "volunteering cycling mens-sheds",
      "Bring your broken bike, toaster or jumper and fix it with our volunteer menders over tea and cake.",
      sessions="1SA 10:00-13:00", cost=0, age_days=300),
    # --- befriending -------------------------------------------------------------------------
    E("befriend-phone", "Evergreen Telephone Friends", "Evergreen Age Concern", "online", "befriending social-connection",
      "A weekly phone call from the same trained volunteer for older people who feel lonely or cut off. "
      "A chat about whatever you like, at a time that suits you.", needs="loneliness bereavement",
      min_age=60, capacity=(12, 60), assured=True, age_days=20),
    E("befriend-home", "Home Visiting Befriending", "Evergreen Age Concern", "high", "befriending social-connection",
      "A volunteer visits you at home for an hour a week: a cup of tea, a chat, maybe a trip to the shops or "
      "the park together. For older people who rarely get out.", needs="loneliness bereavement",
      min_age=65, capacity=(0, 25), assured=True, age_days=35),
    E("befriend-dementia", "Dementia Companions", "Merebrook Memory Matters", "neth",
      "befriending dementia-support carers-support",
      "A trained companion spends a few hours a week with a person living with dementia, doing things they "
      "enjoy, so their family carer can have time for themselves.", needs="memory-problems carer-strain loneliness",
      eligibility="For people with a dementia diagnosis and their carers.", capacity=(3, 15), assured=True, age_days=50),
    E("befriend-young", "Bridge Mentoring for Young People", "Saltley Youth Trust", "kings", "befriending social-connection",
      "One-to-one mentoring for 11 to 18 year olds who are finding things hard: a trusted adult to talk to, weekly "
      "activities and help with confidence.", needs="loneliness low-mood", min_age=11, max_age=18,
      capacity=(5, 20), age_days=60),
    E("befriend-lgbt", "Rainbow Friends Befriending", "Merebrook Pride", "online", "befriending social-connection",
      "Phone and video befriending by LGBTQ+ volunteers for LGBTQ+ people over 50 who feel isolated.",
      needs="loneliness", min_age=50, age_days=140),
    # --- social clubs, lunch clubs, coffee mornings ------------------------------------------
    E("lunch-st-marys", "St Mary's Tuesday Lunch Club", "St Mary's Church, Highfield", "high", "social-clubs social-connection",
      "A two-course hot lunch, a quiz or bingo and good company for older people. Transport can be arranged "
      "for those who cannot get there.", sessions="TU 12:00-14:00", needs="loneliness food-insecurity",
      min_age=60, cost=5, access="step-free toilet loop", capacity=(6, 40), age_days=30),
    E("lunch-kings", "Kingsway Friendship Lunch", "Kingsway Community Association", "kings", "social-clubs social-connection",
      "Thursday lunch club for over-55s: homemade soup and a main, then a singalong or a speaker.",
      sessions="TH 12:00-14:00", needs="loneliness", min_age=55, cost=4.5, access="wheelchair toilet loop",
      capacity=(0, 30), age_days=45),
    E("lunch-ditton-men", "Ditton Cross Men's Breakfast", "Ditton Cross Methodist Church", "ditton",
      "social-clubs social-connection",
      "A full breakfast and a chat for men of any age, first Saturday of the month.", sessions="1SA 09:00-10:30",
      cost=3, needs="loneliness", age_days=100),
    E("lunch-upton-stale", "Upton Moss Over-60s Dinner Club", "Upton Moss Village Hall", "upton",
      "social-clubs social-connection",
      "Monthly dinner club for over-60s at the village hall.", sessions="2WE 12:30-14:30", min_age=60, cost=6,
      age_days=900),
    E("coffee-west", "Westbank Coffee Morning", "Westbank Community Centre", "west", "social-clubs social-connection",
      "Drop in for coffee, cake and a chat. Everyone welcome; newcomers to the area especially.",
      sessions="WE 10:00-12:00", needs="loneliness", cost=1, access="wheelchair toilet", age_days=60),
    E("coffee-farn", "Farnley Friday Café", "Farnley Residents' Association", "farn", "social-clubs social-connection",
      "A community café run by volunteers: pay-as-you-feel drinks, board games, jigsaws and friendly faces.",
      sessions="FR 10:00-13:00", needs="loneliness", cost=0, access="step-free toilet", age_days=25),
    E("coffee-newcomers", "New in Town Social", "Merebrook Welcome Network", "old", "social-clubs social-connection",
      "A relaxed evening get-together for people who have recently moved to Merebrook and Saltley and want to "
      "make friends. Quizzes, walks and trips planned by members.", sessions="2TH 19:00-21:00",
      needs="loneliness", min_age=18, age_days=70),
    E("social-widows", "Open Hearts Widows and Widowers Social", "Open Hearts", "apple",
      "social-clubs bereavement-support social-connection",
      "A social group for people who have lost a husband, wife or partner: outings, lunches and tea afternoons "
      "with others who understand. Not counselling: friendship.", sessions="MO 14:00-16:00",
      needs="bereavement loneliness", min_age=50, cost=2, access="step-free toilet", assured=True, age_days=40),
    E("social-day-centre", "Brookvale Day Centre", "Evergreen Age Concern", "brook", "social-clubs exercise-older-people",
      "A day centre for older people who are frail or isolated: lunch, activities, a bath if needed, chiropody "
      "and company. Door-to-door transport is provided.", sessions="MO 09:30-15:30; WE 09:30-15:30; FR 09:30-15:30",
      needs="loneliness falls-risk", min_age=65, cost=18, access="wheelchair step-free toilet loop parking",
      capacity=(0, 24), assured=True, age_days=20),
    E("social-day-centre-saltley", "Saltley Day Centre", "Saltley Care Partnership", "kings", "social-clubs",
      "Day centre for older people: activities, hot lunch and company. Our minibus can collect you.",
      sessions="TU 10:00-15:00; TH 10:00-15:00", needs="loneliness", min_age=65, cost=15,
      access="wheelchair step-free toilet", capacity=(3, 20), assured=True, age_days=65),
    E("social-nomads", "Saltley Silver Nomads Day Trips", "Saltley Silver Nomads", "kings", "social-clubs nature-and-outdoors",
      "Member-run coach trips for older people to markets, seaside towns and gardens, twice a month. Members "
      "pay for their own trips (usually £15-£25).", sessions="2WE 08:30-17:30; 4WE 08:30-17:30", min_age=55, cost=20,
      needs="loneliness", age_days=55),
    E("social-bingo", "Highfield Community Bingo", "Highfield Tenants' Association", "high", "social-clubs",
      "Weekly bingo night with a raffle.", sessions="FR 19:00-21:00", cost=3, min_age=18, age_days=130),
    E("social-muslim-women", "Sisters' Circle", "Saltley Muslim Welfare Association", "ditton",
      "social-clubs social-connection",
      "A weekly friendship group for women: tea, conversation, crafts and guest speakers on health. Urdu, "
      "Punjabi and English spoken.", sessions="WE 13:00-15:00", needs="loneliness low-mood", min_age=18,
      eligibility="Women only.", languages=("en", "ur", "pa"), age_days=40),
    E("social-polish", "Polski Klub Merebrook", "Polish Community Association", "old", "social-clubs",
      "Social club for the Polish community: coffee, newspapers, help with letters, Saturday school.",
      sessions="SA 10:00-13:00", languages=("pl", "en"), cost=0, age_days=90),
    # --- memory cafés, dementia -------------------------------------------------------------
    E("memory-cafe-old", "Old Town Memory Café", "Merebrook Memory Matters", "old", "dementia-support social-clubs",
      "A relaxed café afternoon for people living with dementia or memory problems and the people who care "
      "for them: music, reminiscence, advice from our dementia adviser, and a chance for carers to talk.",
      sessions="1TU 14:00-16:00; 3TU 14:00-16:00", needs="memory-problems carer-strain loneliness",
      access="step-free toilet loop", assured=True, age_days=30),
    E("memory-cafe-saltley", "Saltley Memory Café", "Merebrook Memory Matters", "apple", "dementia-support social-clubs",
      "Memory café at Appleton Hill church hall: tea, singing, games and information, for people with dementia "
      "and their carers together.", sessions="2TH 10:30-12:30; 4TH 10:30-12:30",
      needs="memory-problems carer-strain loneliness", access="step-free toilet", assured=True, age_days=60),
    E("memory-singing", "Singing for the Brain", "Merebrook Memory Matters", "west",
      "dementia-support music-and-singing",
      "Singing sessions for people living with dementia and their carers: warm-ups and well-loved songs, no "
      "experience needed.", sessions="MO 13:30-15:00", needs="memory-problems carer-strain loneliness",
      access="wheelchair toilet loop", capacity=(5, 30), assured=True, age_days=35),
    E("memory-adviser", "Dementia Adviser Service", "Merebrook Memory Matters", "online", "dementia-support carers-support",
      "Information and one-to-one support after a dementia diagnosis: what to expect, benefits, power of "
      "attorney, planning ahead. By phone or a home visit.", needs="memory-problems carer-strain",
      assured=True, age_days=15),
    E("memory-reminiscence", "Remember When: Reminiscence Group", "Saltley Heritage Society", "kings",
      "dementia-support arts-and-crafts",
      "Old photographs, objects and film from Saltley's past to spark memories and conversation.",
      sessions="2FR 14:00-15:30", needs="memory-problems loneliness", access="step-free", age_days=500),
    # --- carers ------------------------------------------------------------------------------
    E("carers-centre", "Merebrook Carers' Centre", "Merebrook Carers' Centre", "old", "carers-support practical-help",
      "Information, advice and a carer's assessment for anyone who looks after a family member or friend: "
      "benefits for carers, breaks, emergency card, and someone to talk to.", sessions="MO 09:00-17:00; TU 09:00-17:00; "
      "WE 09:00-17:00; TH 09:00-17:00; FR 09:00-16:00", needs="carer-strain money", min_age=18, assured=True,
      access="wheelchair toilet", age_days=10),
    E("carers-cafe", "Carers' Coffee and Chat", "Merebrook Carers' Centre", "brook", "carers-support social-clubs",
      "Monthly coffee morning for unpaid carers to meet other carers, share tips and have a break. The person "
      "you care for is welcome too.", sessions="3WE 10:00-12:00", needs="carer-strain loneliness",
      access="step-free toilet", assured=True, age_days=40),
    E("carers-young", "Young Carers' Club", "Merebrook Carers' Centre", "kings", "carers-support social-clubs",
      "For 8 to 17 year olds who help look after someone at home: games, trips, a hot meal, time to be a kid and "
      "someone to talk to. We can collect you from school.", sessions="WE 16:00-18:00",
      needs="carer-strain loneliness low-mood", min_age=8, max_age=17, capacity=(4, 20), assured=True, age_days=30),
    E("carers-young-adult", "Young Adult Carers (18-25)", "Merebrook Carers' Centre", "old", "carers-support",
      "Peer group and one-to-one support for young adult carers aged 18 to 25: college, work, money and time "
      "for yourself.", sessions="2TU 18:00-20:00", needs="carer-strain low-mood employment", min_age=18,
      max_age=25, assured=True, age_days=45),
    E("carers-parent", "Parent Carers' Forum", "Saltley Family Hub", "ditton", "carers-support",
      "Support group for parents of children with disabilities or additional needs, with a siblings' group "
      "running alongside.", sessions="2MO 10:00-12:00", needs="carer-strain", min_age=18, age_days=70),
    E("carers-breaks", "Carers' Sitting Service", "Saltley Care Partnership", "online", "carers-support",
      "A trained sitter stays with the person you care for for up to three hours so you can have a break.",
      needs="carer-strain", cost=None, capacity=(0, 12), age_days=90),
    # --- debt, benefits, money, housing -----------------------------------------------------
    E("debt-cab", "Citizens Advice Merebrook and Saltley: Money and Benefits", "Citizens Advice Merebrook and Saltley",
      "old", "debt-advice practical-help",
      "Free, confidential advice on debts, benefits, Universal Credit, PIP, council tax arrears and bills. "
      "Drop in or book an appointment; home visits for people who cannot get out.",
      sessions="MO 09:30-16:00; WE 09:30-16:00; FR 09:30-13:00", needs="money housing", min_age=16,
      access="wheelchair toilet loop", assured=True, age_days=12),
    E("debt-christians", "Money Matters Debt Help", "Saltley Christian Debt Centre", "kings", "debt-advice practical-help",
      "Free debt counselling: we visit you at home, help you make a budget and deal with creditors, and stay "
      "with you until you are debt free.", needs="money low-mood", min_age=18, assured=True, age_days=60),
    E("debt-benefits-check", "Benefits Check at the Library", "Merebrook Welfare Rights", "high", "debt-advice",
      "A benefits check in 30 minutes: are you getting everything you are entitled to? Attendance Allowance, "
      "Pension Credit, Carer's Allowance, PIP.", sessions="TH 10:00-13:00", needs="money", min_age=16,
      access="step-free", assured=True, age_days=30),
    E("debt-energy-advice", "Energy Bills Advice Line", "Merebrook Energy Advice", "online", "debt-advice housing-advice",
      "Help with energy debts, switching, Warm Home Discount and priority services register. Phone or video.",
      needs="money housing", age_days=25),
    E("debt-food-bank", "Saltley Food Bank", "Saltley Food Bank", "kings", "food-banks practical-help",
      "Emergency food parcels with a voucher from a link worker, GP or advice agency; also toiletries and "
      "fuel vouchers.", sessions="TU 12:00-14:00; FR 12:00-14:00", needs="food-insecurity money", age_days=20),
    E("debt-pantry", "Merebrook Community Pantry", "Merebrook Community Pantry", "neth", "food-banks practical-help",
      "Membership food club: £4.50 a week for at least £20 of groceries, including fresh fruit and veg.",
      sessions="WE 10:00-13:00; SA 10:00-12:00", needs="food-insecurity money", cost=4.5, age_days=35),
    E("warm-boiler-grant", "Warm Homes Merebrook: boiler and heating grants", "Merebrook and Saltley Borough Council",
      "online", "housing-advice practical-help",
      "Free boiler replacement, central heating and insulation for homeowners and private tenants on low "
      "incomes or with a health condition made worse by the cold (COPD, asthma, heart disease). A surveyor "
      "visits your home; we arrange everything.", needs="housing money long-term-condition", min_age=18,
      eligibility="Household income under £36,000 or a means-tested benefit, or a cold-sensitive health condition.",
      assured=True, age_days=14),
    E("warm-hub", "Warm Welcome Space at Highfield Library", "Merebrook Libraries", "high", "social-clubs housing-advice",
      "A warm, free place to spend the day in winter: hot drinks, newspapers, Wi-Fi, phone charging and friendly "
      "staff.", sessions="MO 09:00-17:00; TU 09:00-17:00; WE 09:00-17:00; TH 09:00-17:00; FR 09:00-17:00",
      needs="housing loneliness money", access="wheelchair toilet loop", age_days=20),
    E("warm-home-safety", "Safe and Well Home Visit", "Merebrook Fire and Rescue", "online", "housing-advice practical-help",
      "A free home visit from the fire service: smoke alarms, heating and cold-home checks, falls risks, and "
      "referrals for help.", needs="housing falls-risk", min_age=18, assured=True, age_days=30),
    E("warm-handyperson", "Handyperson Service", "Merebrook Care and Repair", "online", "housing-advice practical-help",
      "Small repairs and adaptations for older and disabled people: grab rails, key safes, draught-proofing. "
      "You pay only for materials.", needs="housing falls-risk", min_age=60, cost=None, capacity=(10, 40), age_days=50),
    E("housing-options", "Housing Options and Homelessness Advice", "Merebrook and Saltley Borough Council", "kings",
      "housing-advice", "Advice if you are homeless or at risk: rent arrears, eviction, finding somewhere to live.",
      sessions="MO 09:00-17:00; TU 09:00-17:00; WE 09:00-17:00; TH 09:00-17:00; FR 09:00-16:30",
      needs="housing money", min_age=16, assured=True, age_days=40),
    # --- music, singing, ukulele --------------------------------------------------------------
    E("music-ukulele-strummers", "Merebrook Ukulele Strummers", "Merebrook Ukulele Strummers", "old",
      "music-and-singing creative-and-learning",
      "A friendly ukulele club: we play and sing pop songs and old favourites. Beginners welcome, spare ukuleles "
      "to borrow, chord sheets provided.", sessions="TH 19:00-21:00", cost=3, min_age=16,
      needs="loneliness", access="step-free", age_days=50),
    E("music-ukulele-daytime", "Daytime Uke Group", "Saltley Arts Collective", "kings", "music-and-singing creative-and-learning",
      "Afternoon ukulele group for adults, mostly retired: learn a few chords and play together. Instruments "
      "provided.", sessions="TU 14:00-15:30", cost=2, min_age=18, access="wheelchair toilet", capacity=(6, 16),
      age_days=30),
    E("music-breathe-choir", "Singing for Lung Health", "Breathe Easy Merebrook", "high",
      "music-and-singing long-term-conditions",
      "A singing group for people with COPD, asthma and other lung conditions, led by a trained singing for lung "
      "health practitioner. Breathing exercises and songs that help you manage breathlessness.",
      sessions="WE 14:00-15:30", needs="long-term-condition loneliness", min_age=18,
      access="step-free toilet loop", assured=True, age_days=35),
    E("music-community-choir", "Saltley Community Choir", "Saltley Community Choir", "apple", "music-and-singing",
      "A welcoming, no-auditions choir singing pop, gospel and folk. Everyone can sing!",
      sessions="MO 19:30-21:00", cost=4, min_age=16, needs="loneliness low-mood", access="step-free", age_days=70),
    E("music-male-voice", "Merebrook Male Voice Choir", "Merebrook Male Voice Choir", "west", "music-and-singing",
      "Traditional male voice choir, rehearsing twice a week; concerts across the region.",
      sessions="TU 19:30-21:30; FR 19:30-21:30", cost=None, min_age=16, access="stairs", age_days=400),
    E("music-jam", "Open Mic and Jam Night", "The Ferry Inn", "old", "music-and-singing",
      "Bring an instrument (guitar, ukulele, harmonica, voice) and join in at the pub. Over 18s.",
      sessions="2WE 20:00-23:00", min_age=18, age_days=100),
    E("music-young", "Saltley Youth Music Project", "Saltley Youth Trust", "kings", "music-and-singing creative-and-learning",
      "Band practice, song writing and recording studio for 12 to 19 year olds.", sessions="TH 17:00-19:00",
      min_age=12, max_age=19, age_days=60),
    E("music-tea-dance", "Thornmere Tea Dance", "Thornmere Community Centre", "thorn", "sport-and-fitness music-and-singing social-clubs",
      "Ballroom and sequence dancing to a live organist, with tea and cakes. Partners not needed.",
      sessions="WE 14:00-16:00", cost=3.5, needs="loneliness physical-inactivity", access="step-free toilet",
      age_days=90),
    # --- arts and crafts, learning ------------------------------------------------------------
    E("craft-knit", "Knit and Natter", "Merebrook Libraries", "high", "arts-and-crafts social-clubs",
      "Bring your knitting, crochet or sewing, or learn from scratch with our volunteers. Tea provided.",
      sessions="MO 14:00-16:00", needs="loneliness", access="wheelchair toilet loop", age_days=30),
    E("craft-art-wellbeing", "Art for Wellbeing", "Saltley Arts Collective", "kings", "arts-and-crafts mental-health-peer-support",
      "Six-week art course for adults with low mood or anxiety: painting, collage and printmaking with an artist, "
      "no experience needed. Referral from a link worker or GP.", sessions="WE 10:00-12:00",
      needs="low-mood loneliness", min_age=18, capacity=(3, 12), assured=True, age_days=30),
    E("craft-pottery", "Pottery Taster Evenings", "Riverside Studios", "old", "arts-and-crafts",
      "Learn to throw a pot on the wheel. Six weekly sessions, clay and firing included.",
      sessions="TU 18:30-20:30", cost=15, min_age=16, access="stairs", age_days=60),
    E("craft-sewing-bee", "Kelsall Bridge Sewing Bee", "Kelsall Bridge Village Hall", "kelsall", "arts-and-crafts",
      "Patchwork, quilting and dressmaking for all abilities.", sessions="TH 10:00-12:30", cost=2, age_days=200),
    E("craft-family", "Saturday Family Crafts", "Merebrook Libraries", "old", "arts-and-crafts",
      "Free craft activities for families with children under 12.", sessions="SA 10:30-12:00", age_days=30),
    E("learn-history", "Local History Talks", "Saltley Heritage Society", "kings", "creative-and-learning social-clubs",
      "Monthly illustrated talks on the history of the two towns, with tea.", sessions="3TU 19:00-21:00", cost=2,
      age_days=120),
    E("learn-english", "English Conversation Club", "Merebrook Welcome Network", "old", "language-classes social-clubs",
      "Free conversation practice for people learning English, with volunteers. All levels.",
      sessions="TH 10:00-12:00", needs="loneliness employment", min_age=16, age_days=45),
    E("learn-reading", "Reading Friends Book Group", "Merebrook Libraries", "brook", "creative-and-learning social-clubs",
      "A relaxed monthly book group: we read short stories and poems aloud together, so there is nothing to "
      "prepare. Large-print copies available.", sessions="2TH 14:00-15:30", needs="loneliness",
      access="step-free toilet loop", age_days=70),
    E("learn-cooking", "Cook and Eat on a Budget", "Merebrook Community Pantry", "neth", "cooking creative-and-learning",
      "Five-week course: cook healthy meals for under £1 a portion, then eat together.",
      sessions="TH 17:30-19:30", needs="food-insecurity money weight", min_age=16, capacity=(4, 10), age_days=40),
    E("learn-cooking-men", "Men Who Cook", "Saltley Community Kitchen", "ditton", "cooking social-clubs",
      "Learn to cook simple meals for one, for men who live alone (many of our members have lost their wives). "
      "Eat what you make together.", sessions="MO 11:00-13:30", needs="loneliness bereavement food-insecurity",
      min_age=50, cost=2, capacity=(2, 8), age_days=55),
    # --- digital skills ------------------------------------------------------------------------
    E("digital-drop-in", "Get Online Drop-in", "Merebrook Libraries", "high", "digital-skills creative-and-learning",
      "Help with smartphones, tablets and laptops: email, video calls with family, NHS App, online shopping, "
      "Universal Credit journal. Tablets to borrow.", sessions="TU 10:00-12:00; FR 14:00-16:00",
      needs="digital-exclusion", access="wheelchair toilet loop", age_days=20),
    E("digital-tech-tea", "Tech and Tea for Over-60s", "Evergreen Age Concern", "apple", "digital-skills social-clubs",
      "Patient, one-to-one help with your phone or tablet over a cup of tea.", sessions="WE 10:00-12:00",
      needs="digital-exclusion loneliness", min_age=60, access="step-free", age_days=40),
    E("digital-course", "Computer Skills for Work", "Saltley Adult Learning", "kings", "digital-skills employment-support",
      "Ten-week course: Word, email, online forms and job applications. Free for unemployed adults.",
      sessions="MO 13:00-15:00; WE 13:00-15:00", needs="digital-exclusion employment", min_age=19, capacity=(6, 14),
      age_days=30),
    # --- employment -----------------------------------------------------------------------------
    E("work-jobclub", "Saltley Job Club", "Saltley Adult Learning", "kings", "employment-support",
      "CVs, job searching, interview practice and a coffee, with advisers who know local employers.",
      sessions="TU 10:00-12:00; TH 10:00-12:00", needs="employment money", min_age=16, age_days=25),
    E("work-ips", "Working Well Employment Support", "Merebrook Mind", "old", "employment-support mental-health-peer-support",
      "One-to-one employment support for people with mental health problems who want to find or stay in work.",
      needs="employment low-mood", min_age=18, capacity=(2, 30), assured=True, age_days=30),
    E("work-young", "Next Steps (16-24)", "Saltley Youth Trust", "kings", "employment-support",
      "Help for young people not in work, education or training: mentoring, work tasters, apprenticeships.",
      needs="employment", min_age=16, max_age=24, sessions="WE 10:00-15:00", age_days=45),
    E("work-volunteer-centre", "Volunteer Centre Merebrook", "Volunteer Centre Merebrook", "old", "volunteering",
      "Find a volunteering role that suits you: hundreds of opportunities, from dog walking to driving. Good for "
      "confidence, skills and meeting people.", sessions="MO 10:00-15:00; TH 10:00-15:00",
      needs="employment loneliness", min_age=14, assured=True, age_days=30),
    E("work-veterans", "Veterans' Breakfast Club", "Royal British Legion Saltley", "ditton", "social-clubs",
      "Breakfast and banter for ex-forces men and women and their families; advice on the Armed Forces "
      "Covenant.", sessions="2SA 09:00-11:00", cost=4, eligibility="Veterans and their families.", age_days=60),
    # --- mental health ---------------------------------------------------------------------------
    E("mh-peer", "Merebrook Mind Peer Support Group", "Merebrook Mind", "old", "mental-health-peer-support",
      "A weekly peer support group for adults living with anxiety, depression or low mood, facilitated by people "
      "with lived experience.", sessions="TU 18:00-19:30", needs="low-mood loneliness", min_age=18,
      access="wheelchair toilet", assured=True, age_days=20),
    E("mh-andys", "Talk Club for Men", "Talk Club Saltley", "kings", "mental-health-peer-support",
      "Free, drop-in talking group for men over 18. No pressure to speak, just come along.",
      sessions="MO 19:00-20:30", needs="low-mood loneliness", min_age=18, eligibility="Men.", age_days=30),
    E("mh-young", "Headspace Youth Drop-in", "Saltley Youth Trust", "kings", "mental-health-peer-support",
      "Drop-in for 13 to 19 year olds who are stressed, anxious or low: talk to a youth worker, peer support "
      "and activities.", sessions="TH 16:00-18:00", needs="low-mood", min_age=13, max_age=19, age_days=40),
    E("mh-talking-therapies", "NHS Talking Therapies Merebrook", "Merebrook NHS Mental Health Trust", "online",
      "mental-health-peer-support", "Free NHS talking therapy (CBT, counselling) for anxiety and depression. "
      "Refer yourself online or by phone.", needs="low-mood", min_age=18, assured=True, age_days=10),
    E("mh-wellbeing-course", "Five Ways to Wellbeing Course", "Merebrook Wellbeing Enterprises", "brook",
      "mental-health-peer-support creative-and-learning",
      "A six-week course on managing stress, sleeping better, problem solving and setting goals, in a small, "
      "friendly group.", sessions="TH 13:00-15:00", needs="low-mood", min_age=18, capacity=(5, 14), assured=True,
      age_days=30),
    E("mh-crisis-cafe", "Safe Haven Evening Café", "Merebrook Mind", "old", "mental-health-peer-support",
      "An out-of-hours place to go if you are struggling or in crisis: talk to trained staff, no appointment.",
      sessions="FR 18:00-23:00; SA 18:00-23:00; SU 18:00-23:00", needs="low-mood", min_age=18, age_days=20),
    E("mh-hearing-voices", "Hearing Voices Group", "Merebrook Mind", "old", "mental-health-peer-support",
      "Peer support for people who hear voices or have unusual experiences.", sessions="2WE 14:00-16:00",
      min_age=18, age_days=60),
    E("mh-old-stale", "Saltley Stress Clinic", "Saltley Stress Clinic", "farn", "mental-health-peer-support",
      "Relaxation and stress management sessions.", sessions="TU 19:00-20:00", min_age=18, age_days=1100),
    # --- bereavement ---------------------------------------------------------------------------
    E("bereave-cruse", "Bereavement Support Sessions", "Merebrook Bereavement Care", "high", "bereavement-support",
      "One-to-one support from a trained bereavement volunteer, at home, by phone or at our centre, for adults "
      "who have lost someone close.", needs="bereavement low-mood", min_age=18, capacity=(4, 20), assured=True,
      age_days=25),
    E("bereave-cafe", "Bereavement Café", "St Luke's Hospice", "brook", "bereavement-support social-clubs",
      "A monthly drop-in café where bereaved people can talk, or just sit with a cuppa among others who know "
      "what it's like.", sessions="1TH 14:00-16:00", needs="bereavement loneliness", access="step-free toilet loop",
      assured=True, age_days=40),
    E("bereave-child", "Rainbow Trust Children's Grief Group", "St Luke's Hospice", "brook", "bereavement-support",
      "Groups for children aged 5 to 16 who have had someone important die.", sessions="2SA 10:00-12:00",
      needs="bereavement", min_age=5, max_age=16, age_days=60),
    E("bereave-suicide", "After Suicide Support Group", "Merebrook Bereavement Care", "old", "bereavement-support",
      "Peer group for people bereaved by suicide.", sessions="1MO 19:00-21:00", needs="bereavement",
      min_age=18, age_days=50),
    # --- exercise for older people, seated, falls -------------------------------------------------
    E("ex-seated-high", "Seated Exercise at Highfield", "Get Up and Go Merebrook", "high",
      "exercise-older-people physical-activity",
      "Gentle chair-based exercise to music for older people and anyone with limited mobility or arthritis: "
      "improves strength, balance and joint movement. Seated volleyball and boccia some weeks.",
      sessions="TU 10:30-11:30", needs="physical-inactivity falls-risk loneliness", min_age=55, cost=2,
      access="step-free toilet loop", capacity=(5, 20), assured=True, age_days=20),
    E("ex-seated-apple", "Chair Fit", "Get Up and Go Merebrook", "apple", "exercise-older-people physical-activity",
      "Chair-based exercise for older adults and people with arthritis or joint pain, followed by tea.",
      sessions="FR 11:00-12:00", needs="physical-inactivity falls-risk", min_age=55, cost=2,
      access="step-free toilet", capacity=(0, 18), assured=True, age_days=30),
    E("ex-seated-ditton", "Sit and Be Fit", "Ditton Cross Leisure Centre", "ditton", "exercise-older-people physical-activity",
      "Seated exercise class in the studio, suitable for wheelchair users.", sessions="WE 11:00-12:00", cost=3,
      min_age=50, access="wheelchair toilet parking", age_days=90),
    E("ex-falls", "Strength and Balance (falls prevention)", "Merebrook Community Health", "brook",
      "exercise-older-people long-term-conditions",
      "A 24-week strength and balance programme (FaME) led by a physiotherapy team for people who have fallen or "
      "are afraid of falling. Transport can be arranged.", sessions="MO 14:00-15:00; TH 14:00-15:00",
      needs="falls-risk physical-inactivity", min_age=65, access="wheelchair step-free toilet parking",
      capacity=(2, 12), assured=True, age_days=30),
    E("ex-tai-chi", "Tai Chi for Health", "Thornmere Community Centre", "thorn", "exercise-older-people sport-and-fitness",
      "Slow, flowing tai chi that helps balance, arthritis and stress. Can be done seated.",
      sessions="TH 10:00-11:00", cost=3, min_age=40, needs="falls-risk low-mood", access="step-free toilet", age_days=50),
    E("ex-aqua", "Arthritis Aqua Sessions", "Saltley Arthritis Self-Help Group", "kings",
      "exercise-older-people long-term-conditions",
      "Warm-water exercise in the hydrotherapy pool for people with arthritis and joint pain, run by members "
      "with a physiotherapist. Hoist available.", sessions="WE 13:00-14:00", cost=4,
      needs="long-term-condition physical-inactivity", min_age=18, access="wheelchair step-free toilet parking",
      capacity=(1, 12), assured=True, age_days=40),
    E("ex-yoga-gentle", "Gentle Yoga", "Riverside Studios", "old", "sport-and-fitness exercise-older-people",
      "Slow yoga for stiff joints and busy minds; chairs available.", sessions="MO 10:00-11:00", cost=6,
      min_age=16, access="stairs", age_days=80),
    E("ex-walking-football", "Walking Football", "Saltley Sports Trust", "farn", "sport-and-fitness physical-activity",
      "Football at walking pace for men and women over 50: friendly, no running, no tackling.",
      sessions="TU 11:00-12:00; FR 18:00-19:00", cost=3, min_age=50, needs="physical-inactivity loneliness",
      access="toilet parking", age_days=30),
    E("ex-bowls", "Upton Moss Bowls Club Open Days", "Upton Moss Bowls Club", "upton", "sport-and-fitness social-clubs",
      "Try crown green bowls with free coaching; woods provided.", sessions="SA 13:00-16:00; WE 13:00-16:00",
      cost=0, min_age=8, age_days=150),
    E("ex-gym-referral", "Exercise on Referral", "Ditton Cross Leisure Centre", "ditton", "sport-and-fitness weight-management",
      "Twelve weeks of supervised gym and swimming at a reduced price for adults with a health condition, "
      "referred by a GP or link worker.", sessions="MO 09:00-20:00; WE 09:00-20:00; FR 09:00-20:00", cost=2.5,
      needs="physical-inactivity weight long-term-condition", min_age=16, access="wheelchair toilet parking",
      assured=True, age_days=20),
    E("ex-parkrun", "Thornmere parkrun", "parkrun Thornmere", "thorn", "sport-and-fitness physical-activity",
      "Free, timed 5 km run, jog or walk every Saturday morning in Thornmere Park. Volunteers welcome too.",
      sessions="SA 09:00-10:00", min_age=4, needs="physical-inactivity", access="rough", age_days=60),
    E("ex-couch5k", "Couch to 5K Group", "Saltley Striders", "apple", "sport-and-fitness physical-activity",
      "Nine-week beginners' running group: from walking to running 5 km, with a friendly group.",
      sessions="TU 18:30-19:30", cost=0, min_age=16, needs="physical-inactivity weight", age_days=40),
    E("ex-zumba", "Zumba Gold", "Kingsway Community Association", "kings", "sport-and-fitness exercise-older-people",
      "Low-impact dance fitness for older beginners.", sessions="TH 10:00-11:00", cost=4, min_age=50,
      access="wheelchair toilet", age_days=60),
    E("ex-swim-women", "Women-only Swim", "Ditton Cross Leisure Centre", "ditton", "sport-and-fitness",
      "Women-only swimming sessions with female lifeguards.", sessions="SU 18:00-19:30", cost=3.5,
      eligibility="Women only.", access="wheelchair toilet parking", age_days=90),
    E("ex-closed-pilates", "Pilates at Brookvale", "Brookvale Pilates", "brook", "sport-and-fitness",
      "Mat pilates for all levels. (Classes paused while the teacher is away.)", sessions="WE 18:00-19:00",
      cost=6, status="inactive", age_days=200),
    # --- long-term conditions ----------------------------------------------------------------
    E("ltc-breathe-easy", "Breathe Easy Merebrook", "Breathe Easy Merebrook", "high", "long-term-conditions social-clubs",
      "Support group for people living with COPD and other lung conditions and their families: talks, gentle "
      "exercise, and company.", sessions="1WE 14:00-16:00", needs="long-term-condition loneliness",
      access="step-free toilet loop", assured=True, age_days=45),
    E("ltc-pulmonary-rehab", "Pulmonary Rehabilitation", "Merebrook Community Health", "brook", "long-term-conditions",
      "Six-week NHS exercise and education programme for people with COPD, referred by their GP or respiratory "
      "nurse.", sessions="TU 13:00-15:00; FR 13:00-15:00", needs="long-term-condition", min_age=18,
      eligibility="COPD or chronic lung disease, referred by a clinician.", capacity=(0, 16), assured=True, age_days=30),
    E("ltc-diabetes", "Healthier You: Diabetes Prevention", "Merebrook Community Health", "online",
      "diabetes-prevention weight-management", "Nine-month NHS programme for people with pre-diabetes: healthy "
      "eating, activity and weight, in groups or online.", needs="pre-diabetes weight", min_age=18,
      eligibility="A recent blood test in the pre-diabetes range.", assured=True, age_days=25),
    E("ltc-weight", "Slim and Social", "Kingsway Community Association", "kings", "weight-management social-clubs",
      "A friendly weight management group: weigh-in, healthy recipes and a walk.", sessions="MO 18:00-19:30",
      cost=4, needs="weight", min_age=18, age_days=60),
    E("ltc-pain", "Living Well with Pain", "Merebrook Community Health", "old", "long-term-conditions",
      "Six-week course for people with long-term pain (back pain, arthritis, fibromyalgia): pacing, relaxation "
      "and keeping active.", sessions="WE 10:00-12:30", needs="long-term-condition low-mood", min_age=18,
      access="wheelchair toilet loop", capacity=(4, 12), assured=True, age_days=35),
    E("ltc-sight", "Sight Loss Social Group", "Merebrook Society for the Blind", "old", "long-term-conditions social-clubs",
      "Monthly social for people with sight loss: talks, equipment demonstrations and lunch. Guides from the bus.",
      sessions="3FR 12:00-14:00", needs="loneliness long-term-condition", access="step-free toilet", age_days=60),
    E("ltc-stroke", "Stroke Survivors' Club", "Saltley Stroke Club", "apple", "long-term-conditions social-clubs",
      "A social club for people who have had a stroke and their carers: speech practice, games and exercise.",
      sessions="TH 13:30-15:30", needs="long-term-condition loneliness", access="wheelchair toilet",
      age_days=80),
    E("ltc-parkinsons", "Parkinson's Café", "Parkinson's Support Saltley", "farn", "long-term-conditions social-clubs",
      "Monthly café for people with Parkinson's and their families.", sessions="2TU 14:00-16:00",
      needs="long-term-condition", access="wheelchair toilet", age_days=100),
    E("ltc-smoking", "Stop Smoking Service", "Merebrook Public Health", "online", "long-term-conditions",
      "Free support to quit smoking: weekly check-ins and free nicotine replacement or vapes.",
      needs="long-term-condition", min_age=12, assured=True, age_days=20),
    E("ltc-alcohol", "Change Grow Live Merebrook", "Change Grow Live", "old", "long-term-conditions mental-health-peer-support",
      "Confidential help to cut down or stop drinking or drugs: one-to-one key work, groups and recovery "
      "community.", sessions="MO 09:00-17:00; TU 09:00-17:00; WE 09:00-19:00; TH 09:00-17:00; FR 09:00-17:00",
      needs="low-mood", min_age=18, assured=True, age_days=25),
    # --- men's sheds -------------------------------------------------------------------------
    E("shed-merebrook", "Merebrook Men's Shed", "Merebrook Men's Shed", "west", "mens-sheds social-connection",
      "A community workshop where men (and women) make, mend and chat over a brew: woodwork, bird boxes, "
      "benches for the park, bike repairs. No skills needed, tools provided.", sessions="TU 10:00-15:00; TH 10:00-15:00",
      needs="loneliness low-mood", min_age=18, cost=1, access="step-free toilet", assured=True, age_days=30),
    E("shed-saltley", "Saltley Shed", "Saltley Shed", "upton", "mens-sheds social-connection",
      "Woodwork, metalwork and restoring old radios and bikes, with a kettle always on.",
      sessions="WE 09:30-13:00; SA 09:30-13:00", needs="loneliness", min_age=18, cost=2, access="rough",
      capacity=(0, 15), age_days=60),
    # --- gardening, outdoors ------------------------------------------------------------------
    E("garden-allotment", "Green Fingers Community Allotment", "Merebrook Wellbeing Enterprises", "thorn",
      "gardening nature-and-outdoors",
      "Grow fruit and veg with others at our shared allotment: no experience needed, raised beds for people who "
      "can't kneel, and a shelter for tea breaks.", sessions="WE 10:00-13:00; SA 10:00-13:00",
      needs="loneliness low-mood physical-inactivity", access="step-free", assured=True, age_days=30),
    E("garden-therapeutic", "Roots Therapeutic Gardening", "Roots Growing Project", "kelsall", "gardening mental-health-peer-support",
      "Therapeutic horticulture for adults with mental health problems, learning disabilities or recovering "
      "from illness. Our minibus picks up from Merebrook and Saltley.", sessions="MO 10:00-15:00; TH 10:00-15:00",
      needs="low-mood loneliness", min_age=18, capacity=(2, 14), assured=True, age_days=40),
    E("garden-volunteer", "Friends of Farnley Park", "Friends of Farnley Park", "farn", "gardening volunteering nature-and-outdoors",
      "Volunteer gardening and litter-picking in the park; tools and gloves provided.", sessions="1SA 10:00-12:00; 3SA 10:00-12:00",
      needs="loneliness physical-inactivity", age_days=90),
    E("garden-sensory", "Sensory Garden Club", "Saltley Care Partnership", "kings", "gardening dementia-support",
      "Potting, planting and tea in our raised sensory garden, designed for people with dementia and wheelchair "
      "users.", sessions="FR 10:30-12:00", needs="memory-problems loneliness", access="wheelchair step-free toilet",
      age_days=50),
    E("garden-birds", "Birdwatching for Beginners", "Merebrook Nature Trust", "helsby", "nature-and-outdoors",
      "Monthly guided birdwatching walk at the marshes; binoculars to borrow.", sessions="2SU 09:00-11:30",
      access="rough", age_days=150),
    E("garden-conservation", "Green Gym", "Merebrook Nature Trust", "dunham", "nature-and-outdoors volunteering physical-activity",
      "Outdoor conservation volunteering: hedge-laying, path repairs, tree planting. Get fit outdoors.",
      sessions="WE 10:00-14:00", needs="physical-inactivity low-mood", min_age=16, access="rough", age_days=60),
    E("garden-angling", "Canal Angling for Wellbeing", "Saltley Angling Club", "west", "nature-and-outdoors",
      "Learn to fish on the canal with calm, patient coaches; kit provided.", sessions="SU 08:00-12:00",
      needs="low-mood", min_age=10, access="rough", age_days=100),
    # --- faith -------------------------------------------------------------------------------
    E("faith-st-lukes", "St Luke's Open Church and Café", "St Luke's Church", "brook", "faith-groups social-clubs",
      "The church is open for quiet reflection, with a café and a warm welcome whether or not you believe.",
      sessions="WE 10:00-14:00; SA 10:00-12:00", needs="loneliness bereavement", access="step-free toilet loop",
      age_days=60),
    E("faith-gurdwara-langar", "Community Langar", "Saltley Gurdwara", "ditton", "faith-groups food-banks",
      "A free vegetarian meal for anyone, every day.", sessions="MO 12:00-14:00; TU 12:00-14:00; WE 12:00-14:00; "
      "TH 12:00-14:00; FR 12:00-14:00; SA 12:00-14:00; SU 12:00-14:00", needs="food-insecurity loneliness",
      languages=("en", "pa"), access="step-free", age_days=70),
    # --- volunteering -------------------------------------------------------------------------
    E("vol-befriender", "Become a Befriender", "Evergreen Age Concern", "high", "volunteering befriending",
      "Volunteer to visit or phone an older person each week. Training and support provided.",
      needs="loneliness", min_age=18, age_days=40),
    E("vol-ambassador", "Community Wellbeing Ambassadors", "Merebrook Wellbeing Enterprises", "old",
      "volunteering social-connection",
      "Volunteer in your own neighbourhood: chat to people at community centres and GP surgeries about the Five "
      "Ways to Wellbeing and what's on locally. Training, a cuppa and a friendly team.", sessions="TH 10:00-12:00",
      needs="loneliness employment", min_age=18, assured=True, age_days=30),
    E("vol-drivers", "Community Car Scheme Drivers", "Saltley Community Transport", "kings", "volunteering",
      "Use your car to drive people to appointments; mileage paid.", min_age=21, age_days=80),
    E("vol-library", "Library Volunteers", "Merebrook Libraries", "high", "volunteering",
      "Help at the library: home library deliveries, reading groups, digital buddies.", min_age=16, age_days=50),
    # --- practical, transport ------------------------------------------------------------------
    E("transport-dial-a-ride", "Dial-a-Ride", "Saltley Community Transport", "online", "practical-help",
      "Door-to-door minibus for people who cannot use buses: shopping, clubs, appointments.", cost=3,
      needs="loneliness", age_days=30, referrals=False),
    E("practical-shopping", "Good Neighbours Shopping Help", "Upton Moss Good Neighbours", "upton",
      "practical-help befriending", "Volunteers collect shopping and prescriptions and pop in for a chat.",
      needs="loneliness", age_days=60),
    E("practical-legal", "Free Legal Clinic", "Merebrook Law Centre", "old", "practical-help",
      "Free legal advice on employment, family and immigration, by appointment.", sessions="2TH 17:00-19:00",
      min_age=18, age_days=80),
    E("practical-domestic-abuse", "Safe Steps Domestic Abuse Service", "Safe Steps", "online", "practical-help",
      "Confidential support for anyone affected by domestic abuse: helpline, outreach and refuge.",
      needs="housing low-mood", min_age=16, assured=True, age_days=15),
    # --- youth --------------------------------------------------------------------------------
    E("youth-club", "Kingsway Youth Club", "Saltley Youth Trust", "kings", "social-clubs sport-and-fitness",
      "Games, sport, cooking and trips for 11 to 18 year olds.", sessions="TU 18:00-20:30; FR 18:00-21:00",
      min_age=11, max_age=18, age_days=30),
    E("youth-lgbt", "Out and About Youth Group", "Merebrook Pride", "old", "social-clubs mental-health-peer-support",
      "A safe social group for LGBTQ+ young people aged 13 to 19.", sessions="WE 17:30-19:30", min_age=13,
      max_age=19, needs="loneliness low-mood", age_days=45),
]  # fmt: skip

ENTRIES: list[Entry] = [*WALKS, *_OTHERS]
