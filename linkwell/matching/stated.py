"""Hard constraints the person stated, read as link workers read them (the council set's grading
guide, `evaluation/council/GRADING.md`, "Hard constraints"), where the listing's data allows:

- **availability**: when the person gives free times and the listing publishes session times,
  at least one session (still running at `at`) must fall inside one of their windows — start and
  end within it; a long open session (a drop-in of 3 hours or more) needs an hour of overlap.
  Sessions without times, and listings without sessions (by appointment, by phone at agreed
  times) are kept: unknown never excludes;
- **language**: a person whose languages do not include English is not offered a service
  delivered only in English (a listing that names no language is taken to be in English), unless
  it offers interpreting, lists one of their languages, or is for learning English;
- **remote only**: a person whose access needs say "online only", "telephone only" or
  "housebound", and who gives no way of travelling, is offered only what comes to them: listings
  with no venue, or whose own words say they work by phone, online or by visiting at home;
- **who takes them**: a person who needs transport is within reach of any venue up to their
  distance when what they said names someone who takes them ("his wife drives him", "Sheila
  takes him everywhere", "her son gives her a lift"), as the grading guide allows; otherwise
  only of venues a short walk away and of services that provide transport;
- **postcode areas**: a listing that names the postcode districts or sectors it serves ("BL1 6,
  BL1 7 and BL1 8 only", "just live in BL2") is not offered to someone whose postcode is in none
  of them;
- **women only** (or men only): a person whose access needs say so is offered a group — a
  listing whose name says it is one (a group, club, circle, class, course, café, choir,
  session, coffee morning) or names something done together (a walk, a dance, a swim, a
  shed, a lunch, a studio, arts on prescription) — only when it is for their sex alone;
  one-to-one help is kept, and a listing whose name says neither keeps its "check" note.

`Matcher` applies them to each pool candidate (`passes`), after the per-service text
constraints of `constraints.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from linkwell.matching import constraints
from linkwell.matching.documents import ServiceDoc, Session
from linkwell.matching.profile import Availability, Profile

DROP_IN_HOURS = 3.0  # a session this long is open: an hour inside the window is enough
DROP_IN_OVERLAP_HOURS = 1.0
REMOTE_NEEDS = ("online only", "telephone only", "phone only", "housebound")
# What a volunteer or worker does at the person's door, as good-neighbour schemes say it: "a bit
# of shopping, changing a light bulb, or just a visit", "we do your shopping".
_AT_THE_DOOR = (
    r"just\s+a\s+visit|a\s+bit\s+of\s+shopping|(?:do|does|collect|pick\s+up)\s+(?:your|some)\s+"
    r"shopping|neighbours\s+helping\s+neighbours"
)
_REMOTE_RE = re.compile(
    r"\b(?:telephone|phone|online|video|zoom|text|webchat|helpline|home\s+visits?|"
    r"visits?\s+(?:you\s+)?(?:at|in)\s+(?:your\s+)?home|in\s+your\s+own\s+home|at\s+home|"
    rf"{_AT_THE_DOOR}|lifts?\s+to\s+(?:the\s+|your\s+)?(?:gp|doctors?|hospital|appointments))\b",
    re.IGNORECASE,
)
# Learning English: "ESOL", "English classes", "practise your English", and English taught as a
# subject: "courses in English, maths, IT", "English and maths", "English courses", "beginner
# English".
_ENGLISH_LEARNING_RE = re.compile(
    r"\b(?:esol|english\s+(?:classes|class|lessons?|language|practice|conversation|for\s+speakers|"
    r"courses?|(?:and|&)\s+maths?|,\s*maths?)"
    r"|learn(?:ing)?\s+english|practise\s+(?:your\s+)?english"
    r"|(?:courses?|classes|lessons)\s+in\s+english(?=\s*(?:,|and|&)\s*maths?\b|\s*,)"
    r"|(?:beginners?|basic|everyday|spoken)\s+english)\b",
    re.IGNORECASE,
)


_PERIODS = (
    (re.compile(r"\b(?:a|per|each|every)\s+year\b|\bannual(?:ly)?\b|\byearly\b", re.I), 52.0),
    (re.compile(r"\b(?:a|per|each|every)\s+month\b|\bmonthly\b", re.I), 4.0),
    (re.compile(r"\b(?:a|per|each|every)\s+term\b|\btermly\b", re.I), 12.0),
)


def per_session_cost(service: ServiceDoc) -> float | None:
    """The charge a session or visit: a yearly membership over a year of weekly sessions, a
    monthly fee over four ("£15 annual membership" is about 30p a week); the amount as written
    otherwise. None when no amount is known."""
    if service.cost_amount is None:
        return None
    for pattern, sessions in _PERIODS:
        if pattern.search(service.cost_text):
            return service.cost_amount / sessions
    return service.cost_amount


def passes(profile: Profile, service: ServiceDoc, at: dt.datetime | None) -> bool:
    return (
        fits_availability(profile.availability, service, at)
        and speaks_their_language(profile.languages, service)
        and reaches_them(profile, service)
        and covers_them(profile, service)
        and among_their_own_sex(profile, service)
    )


def _minutes(value: dt.time | None, default: int) -> int:
    return default if value is None else value.hour * 60 + value.minute


def session_fits(session: Session, window: Availability) -> bool:
    """Whether one session falls inside one free window (same day; times as the module says)."""
    if session.day != window.day:
        return False
    if session.opens is None:
        return True
    start, end = _minutes(window.start, 0), _minutes(window.end, 24 * 60)
    opens = _minutes(session.opens, 0)
    closes = _minutes(session.closes, opens) if session.closes is not None else opens
    if closes <= opens:  # no closing time published: its start must be in the window
        return start <= opens < end
    if (closes - opens) / 60 >= DROP_IN_HOURS:
        return min(closes, end) - max(opens, start) >= DROP_IN_OVERLAP_HOURS * 60
    return start <= opens and closes <= end


def fits_availability(
    windows: Sequence[Availability], service: ServiceDoc, at: dt.datetime | None
) -> bool:
    if not windows or not service.schedules:
        return True
    today = at.date() if at is not None else None
    sessions = [
        s for s in service.schedules if today is None or s.valid_to is None or s.valid_to >= today
    ]
    if not sessions:
        return True  # ended: the schedule score says so; not a stated-time question
    return any(session_fits(s, w) for s in sessions for w in windows)


def learning_english(service: ServiceDoc) -> bool:
    said = " ".join((service.name, service.description, *service.taxonomy_terms))
    return bool(_ENGLISH_LEARNING_RE.search(said))


def speaks_their_language(languages: Sequence[str], service: ServiceDoc) -> bool:
    if not languages or "en" in languages:
        return True
    if service.interpretation or learning_english(service):
        return True
    offered = set(service.languages) or {"en"}
    return bool(offered & set(languages))


def remote_only(profile: Profile) -> bool:
    needs = " ".join(profile.accessibility).lower()
    return profile.travel is None and any(need in needs for need in REMOTE_NEEDS)


def comes_to_them(service: ServiceDoc) -> bool:
    """No venue, or the listing's own words say it works by phone, online or at home."""
    if not service.points:
        return True
    return bool(_REMOTE_RE.search(f"{service.name}. {service.description}"))


# The service itself is given by phone, online or at the person's home: its venue is an office,
# not where the person goes. Narrower than `_REMOTE_RE` (which is about a person who can only be
# reached that way): "phone to book" or "text us" says how to get in touch, not how it is given.
_DELIVERED_REMOTELY_RE = re.compile(
    r"\b(?:tele)?phone[\s-]+(?:befriend\w*|support|advice|counsell?ing|sessions?|calls?|chats?|"
    r"service)\b"
    r"|\b(?:online|video|zoom)[\s-]+(?:befriend\w*|support|advice|counsell?ing|sessions?|"
    r"courses?|groups?|class(?:es)?|meetings?)\b"
    r"|\b(?:by|over\s+the|via)\s+(?:tele)?phone\b(?!\s+(?:to|for)\s+(?:book|details|more))"
    r"|\b(?:on|via|over)\s+(?:zoom|video|teams)\b|\bhelpline\b|\badvice\s+line\b|\bwebchat\b"
    r"|\bhome\s+visits?\b|\bvisits?\s+(?:you\s+)?(?:at|in)\s+(?:your\s+)?(?:own\s+)?home\b"
    r"|\bin\s+your\s+own\s+home\b|\bwe\s+(?:call|ring|phone)\s+you\b"
    rf"|\b(?:{_AT_THE_DOOR})\b",
    re.IGNORECASE,
)


# A local scheme given by phone or at home serves its own district, not the whole directory; a
# national line serves everyone.
REMOTE_REACH_KM = 25.0
_NATIONAL_RE = re.compile(
    r"\b(?:national|nationwide|uk[\s-]wide|across\s+the\s+(?:uk|country)|anywhere\s+in\s+"
    r"(?:the\s+uk|england|wales|scotland|the\s+country))\b",
    re.IGNORECASE,
)


def remote_reach_km(service: ServiceDoc) -> float:
    """How far from its venue a service given by phone, online or at home reaches: anywhere for
    a national one, else `REMOTE_REACH_KM`; 0 for a service people go to."""
    if not delivered_remotely(service):
        return 0.0
    if _NATIONAL_RE.search(f"{service.name}. {service.description}. {service.eligibility}"):
        return float("inf")
    return REMOTE_REACH_KM


def delivered_remotely(service: ServiceDoc) -> bool:
    """Whether the listing's own words say the service is given by phone, online or at home,
    so how far its venue is does not limit who it reaches."""
    return bool(_DELIVERED_REMOTELY_RE.search(f"{service.name}. {service.description}"))


# A person who does not hear well: said in their conditions, needs or access needs.
_HEARING_LOSS_RE = re.compile(
    r"\b(?:hearing\s+(?:loss|impair\w*|problems?|aids?|loop)|hard\s+of\s+hearing|deaf\w*|"
    r"deafened|tinnitus)\b",
    re.IGNORECASE,
)
# The service is given by phone: a call, a phone line, "by phone", "call free on".
_GIVEN_BY_PHONE_RE = re.compile(
    r"\b(?:tele)?phone[\s-]+(?:befriend\w*|support|advice|counsell?ing|sessions?|calls?|chats?|"
    r"service|line)\b"
    r"|\b(?:friendship|befriending|regular|weekly|daily|check[\s-]in)\s+(?:phone\s+)?calls?\b"
    r"|\b(?:by|over\s+the|via)\s+(?:tele)?phone\b(?!\s+(?:to|for)\s+(?:book|details|more))"
    r"|\bhelpline\b|\badvice\s+line\b|\bwe\s+(?:call|ring|phone)\s+you\b"
    r"|\bcall\s+(?:us\s+)?free\s+on\b",
    re.IGNORECASE,
)
# Another way in besides hearing a voice on the phone.
_NOT_ONLY_PHONE_RE = re.compile(
    r"\b(?:face[\s-]to[\s-]face|in\s+person|text(?:s|ing|\s+us|\s+message\w*|phone)?|sms|"
    r"e-?mail\w*|video|online|zoom|web\s?chat|live\s+chat|bsl|sign\s+language|relay|"
    r"minicom|home\s+visits?|visits?\s+you|drop[\s-]?in|at\s+(?:the|our)\s+(?:branch|centre|office|hub)|at\s+home|"
    r"clinics?|groups?|class(?:es)?|courses?|programmes?|refuges?)\b",
    re.IGNORECASE,
)
PHONE_FOR_HEARING = "a way in other than the phone"


def hard_of_hearing(profile: Profile) -> bool:
    """Whether the person's conditions, needs or access needs say they do not hear well
    ("hearing loss", "deaf", "hard of hearing", "needs a hearing loop")."""
    said = " ".join((*profile.conditions, *profile.needs, *profile.accessibility))
    return bool(_HEARING_LOSS_RE.search(said))


def phone_only(service: ServiceDoc) -> bool:
    """Whether the listing's own words say it is given by phone and name no other way to use it
    (face to face, text, email, video, online, sign language, a visit, a drop-in)."""
    said = f"{service.name}. {service.description}. {' '.join(service.accessibility)}"
    return bool(_GIVEN_BY_PHONE_RE.search(said)) and not _NOT_ONLY_PHONE_RE.search(said)


# "his wife drives him", "takes her everywhere", "gives him a lift", "can take them there"; not
# "nobody to take her", "can't drive him any more", "no one gives him a lift".
_TAKEN_RE = re.compile(
    r"\b(?:drives?|driving|drove|takes?|taking|took|brings?|bringing|ferries|ferrying)\s+"
    # "her" only where it is the person taken, not whose ("takes her tablets")
    r"(?:him|them|her(?=\s*(?:[.,;:!?)'\u2019]|$|\s(?:to|everywhere|there|out|places|about|"
    r"around|round|along|in|on|into|shopping|back|home|when|if|and|but|so|by|most|every|each|"
    r"once|twice)\b)))\b(?!\s+(?:to\s+task|seriously|for\s+granted))"
    r"|\b(?:gives?|giving|gave)\s+(?:him|her|them)\s+(?:a\s+)?lifts?\b",
    re.IGNORECASE,
)
_NOT_TAKEN_RE = re.compile(
    r"(?:\bno\s*(?:one|body)|\bnobody|\bnot|n't|\bno\s+longer|\bcannot|\bstopped"
    r"|\b(?:needs?|wants?|would\s+like|looking\s+for|has\s+no)\s+(?:someone|somebody|anyone|"
    r"anybody))(?:\s+\w+){0,3}\s*$",
    re.IGNORECASE,
)


def someone_takes_them(profile: Profile) -> bool:
    """Whether what the person said names someone who takes them places (`_TAKEN_RE`), not
    said as a lack ("nobody to take her") or a wish ("needs someone to drive him")."""
    for value in (profile.what_matters, *profile.needs, *profile.accessibility):
        for match in _TAKEN_RE.finditer(value):
            if not _NOT_TAKEN_RE.search(value[: match.start()]):
                return True
    return False


_AT_HOME_NEEDS = frozenset({"housebound", "home visit", "home visits", "visits at home"})


def met_at_home(access: constraints.AccessCheck, service: ServiceDoc) -> constraints.AccessCheck:
    """`access` with "housebound" and "home visit" counted as met by a listing that comes to
    the person (`comes_to_them`: by phone, online, or at their door), whatever its access notes
    say: a good-neighbours scheme that does a bit of shopping needs no step-free entrance."""
    home = [n for n in access.unknown if constraints.access_key(n) in _AT_HOME_NEEDS]
    if not home or not comes_to_them(service):
        return access
    return constraints.AccessCheck(
        met=(*access.met, *home),
        refused=access.refused,
        unknown=tuple(n for n in access.unknown if n not in home),
    )


def reaches_them(profile: Profile, service: ServiceDoc) -> bool:
    return not remote_only(profile) or comes_to_them(service)


# Postcode districts ("BL2") and sectors ("BL1 6") a listing names as where it serves: in its
# service areas, or in a sentence of its description or eligibility that says who it covers
# ("Covering BL1 6, BL1 7 and BL1 8 postcodes only", "just live in BL2"). A full postcode is an
# address, not an area.
_POSTCODE_AREA_RE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)(?:\s+(\d)([A-Z]{2})?)?\b")
_COVERS_RE = re.compile(
    r"\b(?:only|covering|covers|cover|live\s+in|living\s+in|lives\s+in|residents\s+of|"
    r"postcodes?)\b",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|\n")


def postcode_areas(service: ServiceDoc) -> frozenset[str]:
    """The postcode districts and sectors the listing says it serves ("BL2", "BL1 6"); empty
    when it names none, which is most listings."""
    said = [
        *service.areas,
        *(
            sentence
            for value in (service.description, service.eligibility)
            for sentence in _SENTENCE_END_RE.split(value)
            if _COVERS_RE.search(sentence)
        ),
    ]
    out: set[str] = set()
    for value in said:
        for district, sector, unit in _POSTCODE_AREA_RE.findall(value):
            if not unit:
                out.add(f"{district} {sector}" if sector else district)
    return frozenset(out)


def covers_them(profile: Profile, service: ServiceDoc) -> bool:
    """False when the listing serves only some postcode districts or sectors and the person's
    postcode is in none of them; True when either side does not say."""
    areas = postcode_areas(service)
    if not areas or not profile.postcode:
        return True
    compact = "".join(profile.postcode.split()).upper()  # "bl1 7aj", "BL17AJ" -> "BL17AJ"
    outward = compact[:-3]
    return outward in areas or f"{outward} {compact[-3:-2]}" in areas


_GROUP_NAME_RE = re.compile(
    r"\b(?:groups?|clubs?|circles?|class(?:es)?|courses?|caf[e\u00e9]s?|choirs?|socials?|"
    r"meet-?ups?|sessions?|coffee\s+mornings?|"
    # activities done together, named as what is done: a walk, a dance, a swim, a shed
    r"walks?|walking|dance|dancing|exercise|swim(?:ming)?|aquafit|zumba|yoga|tai\s+chi|pilates|"
    r"fitness|netball|football|knit|natter|sewing|lunch(?:es)?|sheds?|studio|singing|bingo|"
    r"fellowship|college|on\s+prescription)\b",
    re.IGNORECASE,
)


def single_sex_only(profile: Profile) -> str | None:
    """ "female" or "male" when the person's access needs say "women only" or "men only"."""
    return next(
        (sex for need in profile.accessibility if (sex := constraints.single_sex_need(need))),
        None,
    )


def among_their_own_sex(profile: Profile, service: ServiceDoc) -> bool:
    """False for a group (its name says so) that is not for the person's sex alone when their
    access needs say "women only" or "men only"; one-to-one help is not a group."""
    wanted = single_sex_only(profile)
    if wanted is None or not _GROUP_NAME_RE.search(service.name):
        return True
    return wanted in (
        constraints.restricted_gender(service.eligibility),
        *(a.kind for a in constraints.audiences(service)),
    )
