"""The kinds of local provider in the demo directory and the services each runs (see
`catalogue.py` for the places, the county-wide providers and the accounts side). Names are
patterns: "{town}" is filled in with the place."""

from __future__ import annotations

from linkwell.demo.catalogue import WALK, ProviderKind, ServiceTemplate

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
