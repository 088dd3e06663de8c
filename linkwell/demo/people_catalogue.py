"""What the demo's fictional people are made of: names, streets, words for notes and plans.

Names are common British given names by the decade people were born in, and surnames common on
the Shropshire and Welsh border, with smaller lists matching the area's other NHS ethnic
categories. Combinations are random, so any resemblance to a real person is chance. Street names
are generic (every town has a Church Street); postcodes come from `catalogue.PLACES`.
"""

from __future__ import annotations

# Given names by (sex, birth cohort). Cohorts: "old" born before 1960, "mid" 1960-1985,
# "young" after 1985.
GIVEN_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("female", "old"): (
        "Margaret",
        "Patricia",
        "Jean",
        "Barbara",
        "Elizabeth",
        "Mary",
        "Joan",
        "Maureen",
        "Sheila",
        "Valerie",
        "Kathleen",
        "Dorothy",
        "Doreen",
        "Irene",
        "Sylvia",
        "Shirley",
        "Hazel",
        "Rosemary",
        "Glenys",
        "Eileen",
        "Marion",
        "Beryl",
        "Gwen",
        "Brenda",
        "Pauline",
        "Christine",
        "Ann",
        "Janet",
        "Olwen",
        "Edna",
        "Audrey",
        "Joyce",
    ),
    ("female", "mid"): (
        "Julie",
        "Karen",
        "Tracey",
        "Deborah",
        "Alison",
        "Sarah",
        "Helen",
        "Nicola",
        "Claire",
        "Joanne",
        "Michelle",
        "Amanda",
        "Lisa",
        "Rachel",
        "Angela",
        "Dawn",
        "Wendy",
        "Catherine",
        "Lorraine",
        "Susan",
        "Linda",
        "Jacqueline",
        "Sian",
        "Gillian",
    ),
    ("female", "young"): (
        "Jessica",
        "Laura",
        "Hannah",
        "Sophie",
        "Chloe",
        "Amy",
        "Lauren",
        "Charlotte",
        "Megan",
        "Bethan",
        "Holly",
        "Ellie",
        "Rhiannon",
        "Emily",
        "Olivia",
        "Jade",
        "Abbie",
        "Emma",
    ),
    ("male", "old"): (
        "John",
        "David",
        "Michael",
        "Peter",
        "Brian",
        "Keith",
        "Alan",
        "Robert",
        "William",
        "Kenneth",
        "Derek",
        "Roger",
        "Geoffrey",
        "Terence",
        "Malcolm",
        "Raymond",
        "Colin",
        "Barry",
        "Graham",
        "Trevor",
        "Dennis",
        "Gwilym",
        "Frank",
        "Ronald",
        "Bernard",
        "Norman",
        "Arthur",
        "Leonard",
        "Clifford",
        "Emrys",
    ),
    ("male", "mid"): (
        "Paul",
        "Mark",
        "Andrew",
        "Stephen",
        "Ian",
        "Richard",
        "Darren",
        "Neil",
        "Simon",
        "Gary",
        "Martin",
        "Jason",
        "Craig",
        "Lee",
        "Wayne",
        "Stuart",
        "Dean",
        "Carl",
        "Gareth",
        "Rhys",
        "Jonathan",
        "Kevin",
    ),
    ("male", "young"): (
        "James",
        "Thomas",
        "Daniel",
        "Ryan",
        "Jack",
        "Luke",
        "Callum",
        "Liam",
        "Joshua",
        "Connor",
        "Kieran",
        "Jordan",
        "Nathan",
        "Dylan",
        "Aled",
        "Harry",
        "Owen",
        "Matthew",
    ),
}

SURNAMES = (
    "Jones",
    "Davies",
    "Evans",
    "Roberts",
    "Williams",
    "Hughes",
    "Edwards",
    "Morris",
    "Lloyd",
    "Price",
    "Griffiths",
    "Owen",
    "Thomas",
    "Morgan",
    "Pritchard",
    "Powell",
    "Parry",
    "Bebb",
    "Rowlands",
    "Jarvis",
    "Smith",
    "Taylor",
    "Brown",
    "Wilson",
    "Wright",
    "Walker",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Turner",
    "Hill",
    "Cooper",
    "Baker",
    "Ward",
    "Harris",
    "Bennett",
    "Chapman",
    "Mason",
    "Corbett",
    "Lewis",
    "Ellis",
    "Vaughan",
    "Humphreys",
    "Gittins",
    "Bowen",
    "Breeze",
    "Tudor",
    "Jenkins",
    "Gough",
    "Tomkins",
    "Perks",
    "Beddoes",
    "Onions",
    "Bromley",
    "Maddox",
    "Whittingham",
    "Ruscoe",
    "Preece",
    "Kynaston",
    "Mansell",
    "Bather",
    "Hotchkiss",
)

# Names for people whose recorded ethnicity suggests them (NHS ethnic category code ->
# (female given, male given, surnames)). Everyone else draws from the lists above.
NAMES_BY_ETHNICITY: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "C": (
        ("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa", "Marta", "Daiva"),
        ("Tomasz", "Piotr", "Krzysztof", "Marek", "Andrzej", "Jonas", "Mihai"),
        ("Nowak", "Mazur", "Kaczmarek", "Pawlak", "Sikora", "Wrobel", "Popescu", "Kazlauskas"),
    ),
    "H": (
        ("Priya", "Anjali", "Sunita", "Kamala", "Meena", "Harjit"),
        ("Rajesh", "Sanjay", "Arjun", "Vikram", "Harpreet", "Dev"),
        ("Patel", "Sharma", "Singh", "Gupta", "Mistry", "Chauhan"),
    ),
    "J": (
        ("Fatima", "Ayesha", "Nazia", "Shazia", "Samina"),
        ("Mohammed", "Imran", "Tariq", "Asif", "Zahid"),
        ("Khan", "Hussain", "Ahmed", "Iqbal", "Akhtar"),
    ),
    "K": (
        ("Nasima", "Rokeya", "Shirin"),
        ("Abdul", "Shahid", "Jamal"),
        ("Miah", "Rahman", "Uddin", "Ali"),
    ),
    "N": (
        ("Chioma", "Ngozi", "Ama", "Grace", "Blessing"),
        ("Oluwaseun", "Kwame", "Emeka", "Samuel", "Kofi"),
        ("Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng"),
    ),
    "M": (
        ("Marcia", "Beverley", "Yvonne", "Janice"),
        ("Winston", "Delroy", "Clive", "Errol"),
        ("Campbell", "Thompson", "Francis", "Clarke", "Reid"),
    ),
    "R": (
        ("Mei", "Xiu Ying", "Li Na", "Hui"),
        ("Wei", "Jun", "Ming", "Kwok"),
        ("Chen", "Wong", "Li", "Zhang", "Lam"),
    ),
}

# (NHS ethnic category code, weight): roughly North Shropshire at the 2021 census, with the
# "not stated" and "not known" a referral often arrives with.
ETHNICITY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("A", 84.0),
    ("B", 1.0),
    ("C", 4.0),
    ("D", 0.6),
    ("E", 0.3),
    ("F", 0.6),
    ("G", 0.4),
    ("H", 0.8),
    ("J", 0.4),
    ("K", 0.3),
    ("L", 0.3),
    ("M", 0.4),
    ("N", 0.5),
    ("P", 0.2),
    ("R", 0.6),
    ("S", 0.4),
    ("Z", 3.0),
    ("99", 2.0),
)

PREFERRED = {
    "Margaret": "Peggy",
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Betty",
    "Kenneth": "Ken",
    "Terence": "Terry",
    "Patricia": "Pat",
    "Raymond": "Ray",
    "Gwilym": "Gwil",
    "Dorothy": "Dot",
    "Jacqueline": "Jackie",
    "Michael": "Mike",
}

STREETS = (
    "Church Street",
    "Station Road",
    "Victoria Road",
    "Park Avenue",
    "Willow Street",
    "Castle View",
    "Beatrice Street",
    "Mount Pleasant",
    "Oak Drive",
    "The Crescent",
    "Meadow Close",
    "Brook Lane",
    "Chapel Street",
    "Orchard Way",
    "Hill Crest",
    "Green Lane",
    "Queens Road",
    "Albert Road",
    "Mill Lane",
    "School Lane",
)

# Town -> weight of people living there (the link-worker service is in Oswestry, so most of
# its caseload is nearby). Towns must be keys of `catalogue.PLACES`.
TOWN_WEIGHTS: dict[str, float] = {
    "Oswestry": 34, "Gobowen": 7, "Whittington": 4, "St Martins": 4, "Weston Rhyn": 3,
    "Chirk": 4, "Pant": 2, "Trefonen": 2, "Llanymynech": 2, "Ellesmere": 9, "Baschurch": 3,
    "Ruyton-XI-Towns": 2, "Wem": 6, "Whitchurch": 9, "Prees": 2, "Market Drayton": 7,
}  # fmt: skip

# Town -> key (catalogue.ACCOUNTS_ORGS) of the GP practice most of its people are registered with.
PRACTICE_BY_TOWN: dict[str, tuple[str, ...]] = {
    "Oswestry": ("gp1", "gp2"), "Gobowen": ("gp2",), "Whittington": ("gp1",),
    "St Martins": ("gp2",), "Weston Rhyn": ("gp2",), "Chirk": ("gp2",), "Pant": ("gp1",),
    "Trefonen": ("gp1",), "Llanymynech": ("gp1",), "Ellesmere": ("gp3",), "Baschurch": ("gp3",),
    "Ruyton-XI-Towns": ("gp3",), "Wem": ("gp3",), "Whitchurch": ("gp4",), "Prees": ("gp4",),
    "Market Drayton": ("gp4",),
}  # fmt: skip

ACCESSIBILITY_NEEDS = (
    "Hard of hearing: please face them when speaking and avoid phone calls.",
    "Uses a wheelchair; needs step-free venues.",
    "Partially sighted: letters in large print (16pt or more).",
    "Learning disability: easy-read information, and time to take things in.",
    "Anxious in new places: likes to be met at the door.",
    "Walks with a frame; cannot manage stairs.",
)

# Additional link workers in the demo team (fictional), besides the demo sign-in.
EXTRA_LINK_WORKERS = (("linkworker2", "Sian Pryce"), ("linkworker3", "Tom Ashworth"))

# Referral details by need (taxonomy term code), in a referrer's voice, without pronouns so
# they fit anyone.
NEED_DETAILS: dict[str, tuple[str, ...]] = {
    "loneliness": (
        "Lives alone since losing a partner last year; says days go by without speaking to anyone.",
        "Family moved away; rarely leaves the house and would like company.",
    ),
    "low-mood": (
        "Low mood for some months after a difficult year; not wanting more medication.",
        "Anxious about going out; would like something gentle to build confidence.",
    ),
    "long-term-condition": (
        "COPD, struggling to keep active; interested in a breathe-easy group.",
        "Type 2 diabetes and arthritis; wants help to manage day to day.",
    ),
    "pre-diabetes": ("Raised HbA1c at health check; keen to change diet and be more active.",),
    "physical-inactivity": ("Very inactive since retiring; GP suggested walking or gardening.",),
    "weight": ("Wants to lose weight before knee surgery; would like a group to go with.",),
    "money": (
        "Behind on energy bills and council tax; unsure what benefits apply.",
        "Worried about money since reduced hours at work.",
    ),
    "housing": ("Cold, damp rented home; landlord slow to act.",),
    "employment": ("Out of work after redundancy; would like help with confidence and CV.",),
    "carer-strain": ("Cares full time for a partner with dementia; exhausted, no breaks.",),
    "bereavement": ("Recently bereaved; would like to meet others who understand.",),
    "frequent-attendance": ("Sees the GP most weeks; most needs are not medical.",),
    "falls-risk": ("Two falls this winter; lost confidence going out alone.",),
    "food-insecurity": ("Skipping meals to make money last to the end of the month.",),
    "digital-exclusion": (
        "No internet at home; cannot book appointments or bid for housing online.",
    ),
    "memory-problems": ("Early memory problems; family want activities to keep engaged.",),
}

# What matters, in the person's words (by need).
WHAT_MATTERS: dict[str, tuple[str, ...]] = {
    "loneliness": (
        "I want to get out of the house and have someone to talk to.",
        "I'd like to make a friend or two round here. It's too quiet since Bill went.",
    ),
    "low-mood": (
        "Feeling like myself again. I used to enjoy things.",
        "Being able to go into town without my heart racing.",
    ),
    "long-term-condition": ("Walking to the shop and back without stopping.",),
    "pre-diabetes": ("Not ending up on tablets like my mum did.",),
    "physical-inactivity": ("Getting fitter so I can play with the grandchildren.",),
    "weight": ("Losing a stone before my operation.",),
    "money": ("Not dreading the post. Getting on top of the bills.",),
    "housing": ("A warm, dry home.",),
    "employment": ("Getting back into work, or doing something useful with my days.",),
    "carer-strain": ("A few hours a week for me, knowing he's safe.",),
    "bereavement": ("Talking to people who understand what it's like.",),
    "frequent-attendance": ("Having somewhere to go in the week.",),
    "falls-risk": ("Going out on my own again without being frightened of falling.",),
    "food-insecurity": ("Proper meals every day.",),
    "digital-exclusion": ("Being able to use a tablet to see my family.",),
    "memory-problems": ("Keeping busy and keeping my mind going.",),
}

# Goals in the person's words, and the actions that go with them (text, owner).
GOALS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "loneliness": (
        "Go to a group once a week and get to know people",
        (("Try the Tuesday coffee morning", "the person"), ("Find a lift to the group", "link worker")),
    ),
    "low-mood": (
        "Do one thing I enjoy every day",
        (("Write down three things each evening", "the person"),),
    ),
    "long-term-condition": (
        "Walk to the end of the road and back without stopping",
        (("Join the slow strollers walk", "the person"), ("Ask the practice nurse about pulmonary rehab", "the person")),
    ),
    "pre-diabetes": (
        "Cook healthier meals at home",
        (("Book onto cook and eat on a budget", "link worker"),),
    ),
    "physical-inactivity": (
        "Be active for 30 minutes three times a week",
        (("Try the health walk", "the person"),),
    ),
    "weight": ("Lose a stone by the summer", (("Join a weight management group", "the person"),)),
    "money": (
        "Sort out my bills and get the benefits I'm owed",
        (("Referral to Citizens Advice", "link worker"), ("Find the last three bills", "the person")),
    ),
    "housing": (
        "Have a warm home this winter",
        (("Ask the council's private housing team to inspect", "link worker"),),
    ),
    "employment": (
        "Get a part-time job or volunteering role",
        (("Meet the employment adviser", "the person"), ("Update CV", "the person")),
    ),
    "carer-strain": (
        "Have a regular break from caring",
        (("Carers' assessment request to adult social care", "link worker"),),
    ),
    "bereavement": ("Talk to others who have lost someone", (("Try the bereavement café", "the person"),)),
    "frequent-attendance": ("Have something to look forward to each week", (("Visit the men's shed", "the person"),)),
    "falls-risk": (
        "Feel steady on my feet again",
        (("Strength and balance class", "the person"), ("Falls assessment with the practice", "link worker")),
    ),
    "food-insecurity": ("Eat a hot meal every day", (("Food bank voucher", "link worker"),)),
    "digital-exclusion": ("Video call my daughter", (("Digital skills drop-in at the library", "the person"),)),
    "memory-problems": ("Keep doing the things I love", (("Try the memory café", "family"),)),
}  # fmt: skip

STRENGTHS: dict[str, tuple[str, ...]] = {
    "personal": (
        "Plays the ukulele",
        "Was a joiner for forty years",
        "Loves gardening",
        "Good cook",
        "Great sense of humour",
        "Knits for the grandchildren",
        "Keen reader of history",
        "Used to sing in a choir",
        "Good with computers",
        "Kept bees",
    ),
    "social": (
        "Daughter visits on Sundays",
        "Good neighbour who checks in",
        "Friend from the chapel",
        "Son phones most evenings",
        "Close to a sister in Chirk",
    ),
    "community": (
        "Member of the bowls club",
        "Goes to the chapel",
        "Volunteers at the charity shop",
        "Used to go to the Royal British Legion",
        "Knows people at the allotments",
    ),
    "neighbourhood": (
        "Lives near the park",
        "Bus stop outside the house",
        "Library ten minutes' walk away",
        "Likes the canal towpath",
        "Local café where staff know them",
    ),
}

FIVE_WAYS_TEXT: dict[str, tuple[str, ...]] = {
    "connect": ("Phones a friend most days", "Would like to meet new people"),
    "be_active": ("Walks the dog", "Used to swim; would like to again"),
    "take_notice": ("Enjoys watching the birds in the garden", "Likes the seasons on the canal"),
    "keep_learning": ("Wants to learn to use a tablet", "Interested in local history"),
    "give": ("Helps a neighbour with shopping", "Would like to volunteer"),
}

LIFE_AREA_NOTES: dict[str, str] = {
    "housing": "Home is cold in winter.",
    "money": "Bills are a worry.",
    "relationships": "Misses the people from work.",
    "physical_health": "Knees and breathing limit walking.",
    "mental_wellbeing": "Some low days.",
    "work_learning": "Would like something useful to do.",
    "loneliness": "Few visitors.",
    "caring": "Caring for a partner.",
    "practical_needs": "Cannot drive any more.",
}

NOTES = (
    "Phoned to introduce the service; agreed a time to meet.",
    "Left a voicemail; will try again on Thursday.",
    "Spoke to daughter (with consent) about transport to the group.",
    "Went along to the first session together; stayed for a cup of tea.",
    "Checked in by phone: enjoying the walks, has been twice.",
    "Sent the plan in large print as agreed.",
    "Letter sent after two missed calls.",
    "Asked about a bus pass; gave the council's number.",
)

SENSITIVE_NOTES = (
    "Disclosed historic domestic abuse; does not want this shared with the GP. Offered support.",
    "Mentioned a relative taking money from their account; discussed with the safeguarding lead.",
    "Talked about feeling hopeless at times; no plans to act. Gave crisis line numbers and told GP with consent.",
    "Drinking more since the bereavement; open to talking to the alcohol service later.",
)  # fmt: skip

SAFEGUARDING = (
    "Possible financial abuse by a family member: cash withdrawals the person cannot explain.",
    "Home visit found no heating or food in the house; person appears to be self-neglecting.",
    "Carer strain: partner with dementia left alone overnight; risk of harm.",
    "Person disclosed threats from a neighbour; frightened to leave the house.",
)

SAFEGUARDING_OUTCOMES = (
    "Referred to adult social care; section 42 enquiry opened.",
    "Discussed with the GP; welfare check completed and heating restored.",
    "Respite arranged through the council's carers' support team.",
)

GAPS = (
    ("loneliness", "No evening social group for men under 60", "men aged 40 to 60 working days"),
    ("falls-risk", "No strength and balance class within a bus ride", "older people without a car"),
    ("carer-strain", "No sitting service so carers can attend groups", "carers of people with dementia"),
    ("digital-exclusion", "No digital skills help in the villages", "older people in villages"),
    ("bereavement", "Bereavement support waiting list over 12 weeks", "recently bereaved adults"),
    ("employment", "No Welsh-language employment support", "Welsh speakers"),
)  # fmt: skip

CONNECTION_NOTES = (
    "Came along and joined in straight away.",
    "Attended twice, then stopped coming; we rang and left a message.",
    "Settled in well; has made friends in the group.",
    "Place offered from next month.",
)

# Where the link workers see people (the demo service is in Oswestry).
VENUES = (
    "Oswestry Library, meeting room 2",
    "The person's home",
    "Castle Fields Surgery, room 4",
    "Ellesmere Meres Surgery",
    "Whitchurch Civic Centre",
    "Phone",
)
