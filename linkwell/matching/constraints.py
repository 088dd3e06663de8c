"""Hard constraints: what takes a service out of a person's suggestions altogether.

`Matcher.rank` applies the cheap ones to every service at once (status, already tried, age, reach,
cost: see `engine.py`) and these per-service text checks to the survivors:

- gender restriction stated in the eligibility text ("women only", "for men") vs `Profile.gender`;
- a condition the eligibility text requires ("only for people with dementia", "must have a
  diagnosis of COPD") that nothing the person said mentions (carers pass when the text welcomes
  "their carers");
- access: a need the person states that the listing says is *not* met ("no wheelchair access",
  "stairs only") excludes; a need the listing does not mention is kept, ranked a little lower and
  flagged ("check access ...");
- language: when the person states languages and the service lists its own, they must share one
  (interpreting on offer counts as shared).
Soft: `audiences` reads who a listing says it is for ("for women", "for people with COPD", "for
parents of babies and toddlers", "for veterans and service leavers"); the engine ranks it lower, with a reason, when nothing the
person said places them in that audience.
Unknown never excludes: a listing that says nothing about ages, costs or access is not penalised
as if it had refused.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from linkwell.matching.documents import ServiceDoc
from linkwell.text import analysis as text

# Access needs as people say them -> phrases a listing uses when it meets them.
ACCESS_TERMS: dict[str, tuple[str, ...]] = {
    "wheelchair": ("wheelchair", "step free", "step-free", "level access", "ramp", "lift",
                   "disabled access", "accessible entrance", "ground floor"),
    "step free": ("step free", "step-free", "level access", "ramp", "lift", "wheelchair",
                  "ground floor", "no steps"),
    "hearing loop": ("hearing loop", "induction loop", "loop system", "t-coil"),
    "accessible toilet": ("accessible toilet", "disabled toilet", "accessible loo", "changing places"),
    "parking": ("parking", "car park", "blue badge"),
    "bsl": ("bsl", "british sign language", "sign language"),
    "large print": ("large print", "easy read"),
    "guide dog": ("guide dog", "assistance dog", "assistance dogs"),
    "quiet space": ("quiet space", "quiet room", "sensory"),
    "seating": ("seating", "chairs", "seated", "chair based", "chair-based"),
}  # fmt: skip
_ACCESS_ALIASES = {
    "step-free": "step free", "wheelchair access": "wheelchair", "wheelchair user": "wheelchair",
    "induction loop": "hearing loop", "loop": "hearing loop", "disabled toilet": "accessible toilet",
    "sign language": "bsl", "british sign language": "bsl", "level access": "step free",
    "no stairs": "step free", "lift": "step free", "blue badge parking": "parking",
}  # fmt: skip
_NEGATION_RE = re.compile(
    r"\b(no|not|isn'?t|aren'?t|without|unable|cannot|can'?t|unfortunately|sorry|only by stairs|"
    r"stairs only|up (a flight of|two flights of)? ?stairs)\b",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[.;!?\n]+")

_WOMEN_RE = re.compile(
    r"\b(women|ladies|female|females|woman)\s+only\b|\bonly\s+for\s+(women|ladies)\b|^\s*(for\s+)?(women|ladies)\b",
    re.IGNORECASE,
)
_MEN_RE = re.compile(
    r"\b(men|male|males|man|gentlemen)\s+only\b|\bonly\s+for\s+(men|gentlemen)\b|^\s*(for\s+)?(men|gentlemen)\b",
    re.IGNORECASE,
)
_OVER_RE = re.compile(
    r"\b(?:over|aged over)\s+(\d{2})s?\b|\b(\d{2})\s*\+|\b(?:aged\s+)?(\d{2})\s+(?:and|or)\s+(?:over|above|older)\b",
    re.IGNORECASE,
)
_UNDER_RE = re.compile(
    r"\bunder\s+(\d{1,2})s?\b|\b(?:aged\s+)?(\d{1,2})\s+(?:and|or)\s+under\b", re.IGNORECASE
)


_CONDITION_RE = re.compile(
    r"(?:(?:only (?:for|open to)|(?:^|[.;]\s*)(?:open )?for) (?:people|those|adults|anyone|patients)"
    r"(?: who are)? (?:with|who have|living with|diagnosed with)"
    r"|must (?:have|be living with)(?: a (?:confirmed )?diagnosis of)?"
    r"|(?:requires?|needs?) a (?:confirmed |formal )?diagnosis of)\s+(?:a |an )?([a-z'\- ]{3,60})",
    re.IGNORECASE,
)
_GENERIC_CONDITION_STEMS = frozenset(
    text.stem(w)
    for w in ("problem", "problems", "diagnosis", "condition", "conditions", "confirmed")
)
_CARERS_RE = re.compile(r"\b(?:and|or) (?:their |family )?carers?\b", re.IGNORECASE)


# "People under the care of secondary mental health services", "must be open to the community
# mental health team": for people with a severe mental illness in specialist care, which someone
# shows by naming that care or a diagnosis it treats.
_SECONDARY_CARE_RE = re.compile(
    r"\b(?:under\s+the\s+care\s+of|known\s+to|open\s+to|in\s+the\s+care\s+of|referred\s+by|"
    r"supported\s+by)\s+(?:the\s+|a\s+|their\s+)?(?:secondary\s+(?:care\s+)?mental\s+health|"
    r"community\s+mental\s+health\s+teams?|cmhts?|early\s+intervention)",
    re.IGNORECASE,
)
SECONDARY_CARE_STEMS = frozenset(
    {
        *(
            text.stem(w)
            for w in ("cmht", "psychiatrist", "psychiatric", "secondary", "psychosis",
                      "psychotic", "schizophrenia", "bipolar", "smi")
        ),
        *(" ".join(text.stems(p)) for p in ("care coordinator", "health team",
                                              "severe mental", "personality disorder")),
    }
)  # fmt: skip


def required_condition(eligibility: str) -> tuple[frozenset[str], bool] | None:
    """Stems of a condition the eligibility text makes a requirement ("only for people with
    dementia", "must have a diagnosis of COPD", "under the care of secondary mental health
    services"), and whether their carers are welcome too. None when the text sets no such
    requirement."""
    if _SECONDARY_CARE_RE.search(eligibility):
        return SECONDARY_CARE_STEMS, False
    match = _CONDITION_RE.search(eligibility)
    if not match:
        return None
    phrase = re.split(r"\b(?:and|who|which|in|from|at)\b|[,;.]", match.group(1))[0]
    # "dementia or memory problems": either; "a dementia diagnosis": dementia.
    stems = frozenset(text.stems(phrase)) - _GENERIC_CONDITION_STEMS
    if not stems:
        return None
    # "Must have a landline or mobile", "must have a bus pass": a thing to have, not a
    # condition — "must have" counts only with a diagnosis or a known condition named.
    said = match.group(0).lower()
    if said.startswith("must have") and "diagnosis" not in said and not stems & CONDITION_STEMS:
        return None
    return stems, bool(_CARERS_RE.search(eligibility))


def meets_condition(requirement: tuple[frozenset[str], bool], said: frozenset[str]) -> bool:
    """`said`: stems of everything the person said (conditions, needs, interests, what matters)."""
    stems, carers_welcome = requirement
    return bool(stems & said) or (carers_welcome and bool({"carer", "care", "caring"} & said))


def gender_of(value: str | None) -> str | None:
    """ "female" / "male" from the ways people write it; None when unknown or other."""
    word = (value or "").strip().lower()
    if word in {"f", "female", "woman", "women", "w", "girl", "lady"}:
        return "female"
    if word in {"m", "male", "man", "men", "boy", "gentleman"}:
        return "male"
    return None


def restricted_gender(eligibility: str) -> str | None:
    """The gender an eligibility text restricts the service to, if it says so plainly."""
    women, men = bool(_WOMEN_RE.search(eligibility)), bool(_MEN_RE.search(eligibility))
    if women and not men:
        return "female"
    if men and not women:
        return "male"
    return None


# "Families with a child under 5", "parents of children aged 11 and under": the age is the
# child's, not the person's.
_CHILD_AGE_RE = re.compile(
    r"\b(?:child|children|kids?|babies|baby|son|sons|daughters?|grandchild(?:ren)?|toddlers?)"
    r"(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)


def _about_a_child(eligibility: str, start: int) -> bool:
    return bool(_CHILD_AGE_RE.search(eligibility[:start]))


# A listing "for adults" ("for adults with chronic pain", "for older adults", "adults only"),
# and not for adults with children or young people alongside.
ADULT_AGE = 18
_FOR_ADULTS_RE = re.compile(
    r"\b(?:for|open\s+to)\s+(?:[a-z-]+\s+){0,2}?adults\b(?!\s*(?:,|and|or|&)\s*(?:their\s+)?"
    r"(?:children|child|kids|young|teen|famil|parents))|\badults\s+only\b",
    re.IGNORECASE,
)


def for_adults(text_: str) -> bool:
    """Whether a listing's words say it is for adults ("a course for adults with diabetes",
    "adults only"), not for adults with children or young people too."""
    return bool(_FOR_ADULTS_RE.search(text_))


def ages_from_text(eligibility: str) -> tuple[int | None, int | None]:
    """(minimum, maximum) age from "over 50s", "60+", "65 and over", "under 18s" — not from an
    age that belongs to a child ("families with a child under 5")."""
    low = high = None
    over = _OVER_RE.search(eligibility)
    if over and not _about_a_child(eligibility, over.start()):
        low = int(next(g for g in over.groups() if g))
    under = _UNDER_RE.search(eligibility)
    if under and _about_a_child(eligibility, under.start()):
        under = None
    if under:
        high = int(next(g for g in under.groups() if g)) - (1 if under.group(1) else 0)
    return low, high


def access_key(need: str) -> str:
    folded = " ".join(text.words(need))
    return _ACCESS_ALIASES.get(folded, folded)


@dataclass(frozen=True)
class AccessCheck:
    met: tuple[str, ...]  # needs the listing says it meets
    refused: tuple[str, ...]  # needs the listing says it does not meet (excludes)
    unknown: tuple[str, ...]  # needs it does not mention


_SINGLE_SEX_RE = re.compile(r"\b(women|ladies|female|men|male)[\s-]+only\b", re.IGNORECASE)


def single_sex_need(need: str) -> str | None:
    """ "female" or "male" when an access need says "women only" or "men only"."""
    match = _SINGLE_SEX_RE.search(need)
    if match is None:
        return None
    return "female" if match.group(1).lower() in ("women", "ladies", "female") else "male"


def for_one_sex(service: ServiceDoc) -> str | None:
    """The sex a listing is for alone, from its eligibility or the audience its own words name
    ("Women's Walking Netball", "for men over 55")."""
    gender = restricted_gender(service.eligibility)
    if gender is not None:
        return gender
    kinds = {a.kind for a in audiences(service)} & {"female", "male"}
    return next(iter(kinds)) if len(kinds) == 1 else None


def check_access(needs: Sequence[str], service: ServiceDoc) -> AccessCheck:
    """Which of the person's access needs the listing says it meets, says it does not meet, or
    does not mention. A "women only" (or "men only") need is met by a listing for that sex
    alone, whatever words its access notes use."""
    if not needs:
        return AccessCheck((), (), ())
    sentences = [
        s for t in (*service.accessibility, *service.extra_text) for s in _SENTENCE_RE.split(t)
    ]
    folded = [(" ".join(text.words(s)), bool(_NEGATION_RE.search(s))) for s in sentences]
    met, refused, unknown = [], [], []
    for need in needs:
        sex = single_sex_need(need)
        if sex is not None and for_one_sex(service) == sex:
            met.append(need)
            continue
        key = access_key(need)
        phrases = ACCESS_TERMS.get(key, (key,))
        mentions = [neg for sentence, neg in folded if any(_has(sentence, p) for p in phrases)]
        if mentions and all(mentions):
            refused.append(need)
        elif mentions:
            met.append(need)
        elif not service.points:
            met.append(need)  # no venue: online, phone or at home
        else:
            unknown.append(need)
    return AccessCheck(tuple(met), tuple(refused), tuple(unknown))


def _has(sentence: str, phrase: str) -> bool:
    words = " ".join(text.words(phrase))
    return f" {words} " in f" {sentence} "


def shares_language(languages: Sequence[str], service: ServiceDoc) -> bool:
    """True unless both sides list languages and none is shared (interpreting counts)."""
    if not languages or not service.languages or service.interpretation:
        return True
    return bool(set(languages) & set(service.languages))


# --- audiences: who a listing says it is for (a soft constraint) ------------------------------
#
# Eligibility text that restricts ("Women only", "only for people with dementia") is a hard
# constraint above. A listing's own words often say who it is for without making it a rule:
# "a singing group for people with COPD, asthma and other lung conditions", "a walk for parents
# and carers of babies and toddlers", "relaxed rides for women". When nothing the person said
# shows they belong to that audience, the service is ranked lower (`engine.AUDIENCE_FACTOR`)
# and the reason says who it is for, so the link worker can check; when the person's stated
# gender is the other one, much lower (`engine.AUDIENCE_MISMATCH_FACTOR`).

# Named conditions a listing's audience can be; generic words ("a health condition", "mental
# health problems") name no particular group, so they set no audience.
CONDITION_STEMS = frozenset(
    text.stem(w)
    for w in (
        "dementia", "alzheimer's", "memory", "copd", "asthma", "lung", "lungs", "emphysema",
        "bronchitis", "breathlessness", "arthritis", "parkinson's", "parkinsons", "stroke",
        "diabetes", "pre-diabetes", "prediabetes", "sight", "blind", "deaf", "hearing", "cancer",
        "epilepsy", "autism", "fibromyalgia", "pain", "ms", "sclerosis", "heart",
        "hypertension", "blood",  # "high blood pressure"
        # what happened to them or what they struggle with: "for anyone affected by a suicide",
        # "for people affected by gambling"
        "suicide", "gambling", "hoarding", "clutter", "hiv",
        # "for people who hear voices or have unusual experiences"
        "voices", "psychosis", "schizophrenia", "unusual",
    )
)  # fmt: skip
# A listing named after one of these is for people living with it: "Arthritis Self-Management
# Course", "Epilepsy Action Coffee and Chat", "Dance for Parkinson's", "Memory Café" (the words
# as written: "Sporting Memories" is about sport; "hearing" and "heart" name other things in a
# name: "Hearing Voices", "the heart of the village"). Each with its words for the reason.
NAMED_CONDITIONS = {
    "dementia": "dementia", "alzheimer": "Alzheimer's", "memory": "memory problems",
    "copd": "COPD", "asthma": "asthma", "lung": "a lung condition", "emphysema": "emphysema",
    "arthritis": "arthritis", "parkinson": "Parkinson's", "parkinsons": "Parkinson's",
    "stroke": "a stroke", "diabetes": "diabetes", "sight": "sight loss", "blind": "sight loss",
    "deaf": "hearing loss", "cancer": "cancer", "epilepsy": "epilepsy", "autism": "autism",
    "fibromyalgia": "fibromyalgia", "pain": "pain", "ms": "MS", "sclerosis": "MS",
    "hiv": "HIV",
}  # fmt: skip
_PAIN = text.stem("pain")
# Conditions that bring long-term pain place the person among people with pain.
_PAINFUL = frozenset(text.stem(w) for w in ("arthritis", "fibromyalgia"))
# Words for one kind of condition: someone who says one of them is among people with any
# ("asthma" among people with lung conditions, "Alzheimer's" among people with dementia,
# "registered blind" among people with sight loss). Breathlessness, which many conditions
# bring, places nobody among people with lung conditions.
CONDITION_FAMILIES = tuple(
    frozenset(" ".join(text.stems(w)) for w in family)  # several words: one term, as said
    for family in (
        ("lung", "lungs", "copd", "asthma", "emphysema", "bronchitis", "bronchiectasis"),
        ("dementia", "alzheimer's", "memory"),
        ("sight", "blind", "partially sighted", "visually impaired", "glaucoma",
         "macular"),
        ("deaf", "hearing"),
        ("ms", "sclerosis"),
        ("voices", "psychosis", "schizophrenia", "unusual experiences"),
        ("blood", "hypertension"),
        ("gambling", "gambler", "betting", "bookies", "bookmakers", "fruit machines",
         "slot machines", "scratch cards", "online casino"),
        ("hiv", "hiv positive", "hiv-positive"),
    )
)  # fmt: skip

# A condition's words for the reason, by stem ("memories" -> "memory problems").
_SHOWN = {
    **{text.stem(w): shown for w, shown in NAMED_CONDITIONS.items()},
    text.stem("hearing"): "hearing loss",
}
# A condition word ending another ("osteoarthritis", "prediabetes") names that condition too.
_CONDITION_WORDS = tuple(w for w in NAMED_CONDITIONS if len(w) >= 5)
# Communities a listing can be for, and words any one of which, said by the person, shows they
# belong: "for veterans and service leavers", "for trans and non-binary adults".
_COMMUNITY_WORDS = {
    "veterans": ("veteran", "veterans", "ex-forces", "ex-service", "armed forces", "army", "navy",
                 "raf", "military", "soldier", "service leaver", "service leavers"),
    "trans": ("trans", "transgender", "non-binary", "nonbinary", "gender identity", "transitioning"),
    "lgbt": ("lgbt", "lgbtq", "lgbtqi", "lgbtqia", "gay", "lesbian", "bisexual", "queer", "trans",
             "transgender", "non-binary", "nonbinary"),
    # A person whose husband or wife died is widowed whether or not they say the word
    # (`_SPOUSE_DIED_RE` adds it to what they said).
    "widowed": ("widow", "widowed", "widower", "widows", "widowers"),
}  # fmt: skip
# A word of several ("armed forces", "non-binary") is one term, its stems joined, and counts
# only said whole (`person_stems` adds what the person said as pairs too): "forces" or "non"
# alone places nobody.
COMMUNITY_STEMS = {
    name: frozenset(" ".join(text.stems(w)) for w in said)
    for name, said in _COMMUNITY_WORDS.items()
}
_COMMUNITY_AUDIENCE_RE = re.compile(
    r"\bfor\s+(?:(?P<veterans>(?:armed\s+forces\s+)?veterans|ex-forces|ex-service\s+\w+|"
    r"service\s+leavers)|(?P<trans>trans(?:gender)?(?:\s+and\s+non-binary)?\s+"
    r"(?:people|adults|men|women))"
    # "for LGBT+ people experiencing abuse", "for LGBTQ+ adults", "for lesbian, gay and bisexual
    # people"
    r"|(?P<lgbt>(?:lgbt\w*|lesbian,?\s+gay(?:,?\s+(?:and\s+)?bi(?:sexual)?)?(?:,?\s+(?:and\s+)?"
    r"trans(?:gender)?)?|gay\s+and\s+bi(?:sexual)?\s+men)\+?(?:\s+(?:people|adults|young\s+"
    r"people|men|women|community))?)"
    # "for people widowed at 50 or under", "for widows and widowers"
    r"|(?P<widowed>(?:(?:people|those|anyone|men|women)\s+(?:who\s+(?:have\s+been|are)\s+)?)?"
    r"widow(?:ed|s|ers)?(?:\s+and\s+widowers)?))"
    r"(?:\b|(?<=\+))(?:\s+and\s+(?:their families|service leavers))?",
    re.IGNORECASE,
)
# "His wife died in January", "my husband passed away", "lost my wife": widowed.
_SPOUSE_DIED_RE = re.compile(
    r"\b(?:wife|husband|spouse)\b[^.;!?]{0,40}?\b(?:died|passed\s+away|passed\s+on|passed|"
    r"death)\b|\blost\s+(?:my|his|her|their)\s+(?:wife|husband|spouse)\b",
    re.IGNORECASE,
)
WIDOWED_STEM = text.stem("widowed")
# Words for children, by the age a listing names: "babies and toddlers" needs a baby or toddler
# (or a pregnancy) in what the person said; "children" any child.
_BABY_WORDS = ("baby", "babies", "toddler", "toddlers", "newborn", "pregnant", "pregnancy",
               "pushchair", "buggy", "pram", "under fives", "under-fives", "postnatal", "infant",
               "infants", "breastfeeding", "breastfeed")  # fmt: skip
_CHILD_WORDS = (*_BABY_WORDS, "child", "children", "kid", "kids", "son", "sons", "daughter",
                "daughters", "teenager", "teenagers", "school")  # fmt: skip
BABY_STEMS = frozenset(s for w in _BABY_WORDS for s in text.stems(w))
CHILD_STEMS = frozenset(s for w in _CHILD_WORDS for s in text.stems(w))

_FOR_RE = re.compile(r"\bfor\s+(.*)", re.IGNORECASE)
_GENDER_AUDIENCE_RE = re.compile(
    r"\bfor\s+(?:(?:older|younger|local|single)\s+)?(women|ladies|men|gentlemen)\b"
    r"(?!\s*(?:and|or|&|/)\s*(?:women|ladies|men|gentlemen)\b)",
    re.IGNORECASE,
)
_CONDITION_AUDIENCE_RE = re.compile(
    r"\bfor\s+(?:people|adults|those|anyone|patients|children|men|women)\s+"
    r"(?:who are\s+)?(?:living with|with|who have|diagnosed with|affected by|"
    r"who struggle with|bereaved by|who hear)\s+"
    r"([^.;:]{2,160})",
    re.IGNORECASE,
)
# "For family members and friends caring for someone living with dementia", "for carers of
# people with Parkinson's": for those who care for someone with that condition (a carer who says
# the condition belongs, as to "people with dementia and their carers").
_CARERS_CONDITION_RE = re.compile(
    r"\b(?:caring\s+for|care\s+for|look(?:ing)?\s+after|carers\s+of|carers\s+for)\s+"
    r"(?:someone|a\s+person|people|anyone|a\s+loved\s+one|a\s+relative|a\s+family\s+member|"
    r"family\s+members|relatives|loved\s+ones)\s+(?:who\s+(?:is|are)\s+)?"
    r"(?:living\s+with|with|who\s+has|who\s+have|affected\s+by)\s+([^.;:]{2,160})",
    re.IGNORECASE,
)
# Where the condition named ends: "cancer, including benefits advice" names only cancer, and a
# dash ends it too ("a suicide - practical help with inquests").
_CONDITION_END_RE = re.compile(
    r"\b(?:who|which|referred|led|run|facilitated|and their|and the people|together|in|at|"
    r"including|bmi)\b|\s[-\u2013\u2014]\s",
    re.IGNORECASE,
)
_DANGLING_RE = re.compile(r"(?:[\s,]+(?:and|or|with|a|an|the))+\s*$", re.IGNORECASE)
_PARENTS_AUDIENCE_RE = re.compile(
    r"\bfor\s+(?:new\s+)?(?:parents|mums|mothers|dads|fathers|mums and dads)"
    # "for parents and carers of ...", "for dads, granddads and male carers with ..."
    r"(?:,?\s+(?:(?:and|or)\s+)?(?:(?:male|female)\s+)?(?:carers|grandparents|granddads|grandads|"
    r"grandmas|nans))*(?:\s+(?:of|with)\s+([^.;:()]{2,80}))?",
    re.IGNORECASE,
)
# "children under 5", "under-fives", "aged 0-4": children young enough for a baby and toddler
# group.
_UNDER_SCHOOL_AGE_RE = re.compile(r"\bunder\s+(?:[1-5]|fives?)\b|\baged?\s+0\s*[-\u2013]\s*[1-5]\b")


# "For older people", "for older people and people with limited mobility": an age band. The
# listings of such services that state ages start at 60, so from 60 the person belongs; so does
# anyone of any age in the group named beside it ("limited mobility").
OLDER_FROM = 60
_OLDER_AUDIENCE_RE = re.compile(
    r"\bfor\s+(?:the\s+)?(?:older|elderly)(?:\s+(?:people|adults|residents|neighbours|men|women|"
    r"citizens))?(?:\s+(?:and|or)\s+(?:those|people|anyone)?\s*(?:with|who\s+have)?\s*"
    r"(?P<also>[^.;:,()]{2,60}))?",
    re.IGNORECASE,
)
_OLDER_END_RE = re.compile(r"\b(?:who|which|in|at|including|piloted|led|run)\b", re.IGNORECASE)
# A listing for carers names them as who it is for: "Calderside Carers Centre", "Young Adult
# Carers", "Parent Carers Forum", "support for unpaid carers" (not "people with dementia and their
# carers", which is for the people with dementia too). Someone belongs who says anything about
# caring or care ("I look after my mum", "carer", "her care package"): a carer often says it
# sideways, so only someone who says nothing of the sort is asked to check.
_CARERS_NAME_RE = re.compile(r"\bcarers?'?(?!\s+wanted)\b", re.IGNORECASE)
_FOR_CARERS_RE = re.compile(
    r"\b(?:for|supports?|supporting)\s+(?:(?:unpaid|family|young|adult|parent|kinship|older)"
    r"\s+){0,2}carers\b",
    re.IGNORECASE,
)
_LOOKS_AFTER_RE = re.compile(r"\blook(?:s|ing|ed)?\s+after\b", re.IGNORECASE)
CARER_STEMS = frozenset(text.stem(w) for w in ("carer", "care", "caring"))
CRISIS_STEM = "in-crisis"  # not a word anyone says: `person_stems` adds it


# A service for people in crisis or thinking of suicide ("The Sanctuary Crisis Café", "Samaritans",
# "a crisis line"), not money in a crisis ("crisis grants"): for someone who says they are in one
# (a phrase of the related-terms "suicide" group: "dark thoughts", "took an overdose", "crisis"),
# and a check for anyone who is low but says nothing of the sort.
_CRISIS_SERVICE_RE = re.compile(
    r"\bsamaritans\b|\b116\s*123\b|\bsuicid\w*|\bself[\s-]harm\w*"
    r"|\bcrisis\b(?!\s+(?:grants?|loans?|funds?|payments?|support\s+(?:grants?|funds?)))",
    re.IGNORECASE,
)


_MENTAL_RE = re.compile(r"\bmental\b|\bsamaritans\b|\bsuicid\w*|\bdistress\w*", re.IGNORECASE)
_BEREAVED_RE = re.compile(
    r"\bbereave\w*|\b(?:after|affected\s+by)\s+(?:a\s+)?suicide\b|\binquests?\b", re.IGNORECASE
)


def crisis_service(service: ServiceDoc) -> bool:
    """A service for people in a mental health crisis (its words say crisis, suicide or
    Samaritans, and mental health or distress somewhere in its text or categories); not food
    "for people in crisis", nor support for people bereaved by a suicide."""
    said = f"{service.name}. {service.description}"
    return (
        bool(_CRISIS_SERVICE_RE.search(said))
        and bool(_MENTAL_RE.search(f"{said}. {' '.join(service.taxonomy_terms)}"))
        and not _BEREAVED_RE.search(said)
    )


@functools.cache
def _group_phrases(name: str) -> frozenset[text.Phrase]:
    return frozenset(p for g in text.related_groups() if g.name == name for p in g.phrases)


@dataclass(frozen=True)
class Audience:
    """Who a listing says it is for. `kind` is "female", "male", "condition", "children",
    "community" (veterans, trans people: its `label` says "for ..."), "carers", "crisis" or "older"
    (people of OLDER_FROM or over, or in the group its `stems` name);
    `label` is the listing's words for the reason ("people with COPD, asthma and other lung
    conditions"); `stems` are words any one of which, said by the person, shows they belong (a
    carer who says "my mother has dementia" belongs to "people with dementia and their carers"
    and, for ranking, to "people with dementia" too: the service is about what they live with)."""

    kind: str
    label: str
    stems: frozenset[str] = frozenset()


# A group named for men or women ("Men's Talking Group", "Womens Aid", "Ladies' Lunch Club"), in
# the listing's or its organisation's name, unless the listing welcomes everyone.
# So is one named for fathers or mothers ("Dads' Saturday Club", "Mums' Coffee Morning").
_NAMED_GENDER_RE = re.compile(
    r"\b(?:(women)['\u2019]?s|(men)['\u2019]?s|(ladies)['\u2019]?|(dads|fathers|grandads|granddads)"
    r"['\u2019]?|(mums|mothers|grandmas|nans)['\u2019]?)\s+\w",
    re.IGNORECASE,
)
_WELCOMES_ALL_RE = re.compile(
    r"\b(?:open\s+to\s+(?:all|everyone|anyone)|everyone\s+(?:is\s+)?welcome|all\s+(?:are\s+)?welcome|"
    r"(?:women|men|ladies)\s+(?:are\s+)?(?:also\s+)?welcome|men\s+and\s+women|women\s+and\s+men|"
    r"all\s+genders)\b",
    re.IGNORECASE,
)


def named_gender(service: ServiceDoc) -> str | None:
    """The gender a group's own name is for ("Men's Talking Group": "male"), unless its text
    welcomes everyone; None when its names say neither or both."""
    kinds = {
        "male" if found.group(2) or found.group(4) else "female"
        for name in (service.name, service.organization)
        for found in _NAMED_GENDER_RE.finditer(name)
    }
    if len(kinds) != 1:
        return None
    if _WELCOMES_ALL_RE.search(f"{service.description} {service.eligibility}"):
        return None
    return kinds.pop()


def audiences(service: ServiceDoc) -> tuple[Audience, ...]:
    """The audiences a listing's name, description and eligibility text name, at most one of
    each kind (the first)."""
    found: dict[str, Audience] = {}
    sentences = [
        s.strip()
        for t in (service.name, service.description, service.eligibility)
        for s in _SENTENCE_RE.split(t)
        if s.strip()
    ]
    gender = restricted_gender(service.eligibility)
    if gender is not None:
        found[gender] = Audience(gender, "women only" if gender == "female" else "men only")
    else:
        gender = named_gender(service)
        if gender is not None:
            found[gender] = Audience(
                gender, "a women's group" if gender == "female" else "a men's group"
            )
    for sentence in sentences:
        match = _GENDER_AUDIENCE_RE.search(sentence)
        if match and "female" not in found and "male" not in found:
            kind = "female" if match.group(1).lower() in ("women", "ladies") else "male"
            found[kind] = Audience(kind, "for women" if kind == "female" else "for men")
        carers = None
        match = _CONDITION_AUDIENCE_RE.search(sentence)
        if match is None:
            match = carers = _CARERS_CONDITION_RE.search(sentence)
        if match and "condition" not in found:
            raw = _CONDITION_END_RE.split(match.group(1))[0].rstrip(" ,")
            raw = _DANGLING_RE.sub("", raw)  # "... high blood pressure and a" (BMI over 30)
            alternatives = [a for a in re.split(r"[,()]|\band\b|\bor\b", raw) if text.stems(a)]
            named = frozenset(text.stems(raw)) & CONDITION_STEMS
            # Every group named must be a condition: "people with dementia and wheelchair
            # users" is not only for people with dementia.
            if named and all(set(text.stems(a)) & CONDITION_STEMS for a in alternatives):
                label = sentence[match.start() + len("for ") : match.start(1) + len(raw)]
                if carers is not None:  # "those caring for someone living with dementia"
                    label = "those " + sentence[match.start() : match.start(1) + len(raw)]
                found["condition"] = Audience("condition", label.rstrip(" ("), named)
        match = _COMMUNITY_AUDIENCE_RE.search(sentence)
        if match and "community" not in found:
            name = next(n for n in COMMUNITY_STEMS if match.group(n))
            found["community"] = Audience("community", match.group(0), COMMUNITY_STEMS[name])
        match = _OLDER_AUDIENCE_RE.search(sentence)
        if match and "older" not in found:
            also = _OLDER_END_RE.split(match.group("also") or "")[0].strip()
            label = (
                match.group(0)[: match.start("also") - match.start()] if also else match.group(0)
            )
            label = re.sub(r"\s+", " ", f"{label} {also}").strip()
            # The group beside it, said whole ("limited mobility", not "limited").
            beside = " ".join(text.stems(also))
            found["older"] = Audience("older", label, frozenset({beside} if beside else ()))
        match = _PARENTS_AUDIENCE_RE.search(sentence)
        if match and "children" not in found:
            children = match.group(1) or ""
            young = bool(set(text.stems(children)) & BABY_STEMS) or bool(
                _UNDER_SCHOOL_AGE_RE.search(children)
            )
            label = match.group(0)[len("for ") :]
            if children:
                label = (
                    label[: len(label) - len(children)]
                    + re.split(r",|\bthen\b", children)[0].strip()
                )
            found["children"] = Audience(
                "children", label.strip(" ,"), BABY_STEMS if young else CHILD_STEMS
            )
    # A club for people with a condition that supports their carers too is for both; a forum
    # for parents of disabled children is for parents (its "children" audience).
    for_condition = "condition" in found and not found["condition"].label.startswith("those ")
    if (
        not for_condition
        and "children" not in found
        and (
            _CARERS_NAME_RE.search(service.name) or any(_FOR_CARERS_RE.search(s) for s in sentences)
        )
    ):
        found["carers"] = Audience("carers", "for carers", CARER_STEMS)
    if crisis_service(service):
        found["crisis"] = Audience(
            "crisis", "for people in crisis or with thoughts of suicide", frozenset({CRISIS_STEM})
        )
    if "children" not in found:
        # Filed under babies ("Pregnancy, babies and early years") and about them in its own
        # words ("an infant feeding lead", "postnatal depression"): for parents of babies.
        filed = {s for term in service.taxonomy_terms for s in text.stems(term)} & BABY_STEMS
        if filed and set(text.stems(f"{service.name}. {service.description}")) & BABY_STEMS:
            found["children"] = Audience("children", "parents of babies and toddlers", BABY_STEMS)
    if "condition" not in found:
        # Filed under a condition ("Dementia and memory", "Sight and hearing loss") and naming
        # it in its own words: "Specialist dementia nurses supporting families".
        filed = {s for term in service.taxonomy_terms for s in text.stems(term)} & CONDITION_STEMS
        own = set(text.stems(f"{service.name}. {service.description}")) & filed
        if own:
            words = text.words(f"{service.name}. {service.description}")
            shown = [_SHOWN.get(text.stem(w), w) for w in words if text.stem(w) in own]
            found["condition"] = Audience(
                "condition", "people with " + " or ".join(dict.fromkeys(shown)), frozenset(own)
            )
    if "condition" not in found:
        in_name = [w for w in text.words(service.name) if w in NAMED_CONDITIONS]
        if in_name:
            label = "people with " + " or ".join(
                dict.fromkeys(NAMED_CONDITIONS[w] for w in in_name)
            )
            # Any condition its description names is theirs too: "Living Well with Pain ... for
            # adults with chronic pain, including fibromyalgia"; but not pain, which many
            # conditions bring ("manage pain, fatigue and low mood with arthritis").
            described = frozenset(text.stems(service.description)) & CONDITION_STEMS - {_PAIN}
            found["condition"] = Audience(
                "condition", label, frozenset(text.stem(w) for w in in_name) | described
            )
    return tuple(found.values())


def person_stems(profile_texts: Sequence[str]) -> frozenset[str]:
    """Stems of what the person said, with their relatives taken out: "my mum has dementia" says
    the person has a mum, not that they are one. Someone whose husband or wife died ("his wife
    died in January") is widowed, said or not."""
    said: set[str] = set()
    for value in profile_texts:
        seq = text.stems(text.without_relatives(value))
        said.update(seq)
        said.update(f"{a} {b}" for a, b in itertools.pairwise(seq))
        said.update(
            text.stem(c)
            for w in text.words(value)
            for c in _CONDITION_WORDS
            if w != c and w.endswith(c)
        )
    for family in CONDITION_FAMILIES:
        if said & family:
            said |= family
    if said & _PAINFUL:
        said.add(_PAIN)
    if any(_SPOUSE_DIED_RE.search(value) for value in profile_texts):
        said.add(WIDOWED_STEM)
    # Saying a phrase of the related-terms carer group ("can't leave him") places the person
    # among carers; one of the suicide group ("took an overdose"), among people in crisis.
    phrases = {p for value in profile_texts for p in text.phrases_said(value)}
    if phrases & _group_phrases("carer") or any(
        _LOOKS_AFTER_RE.search(text.without_relatives(value)) for value in profile_texts
    ):
        said.add(text.stem("carer"))
    if phrases & _group_phrases("suicide"):
        said.add(CRISIS_STEM)
    return frozenset(said)


def belongs(
    audience: Audience, gender: str | None, said: frozenset[str], age: int | None = None
) -> bool | None:
    """True when what the person told us places them in the audience, False when it places them
    outside it (their stated gender is the other), None when we cannot tell. An age band says
    nothing to someone whose age is not known (True)."""
    if audience.kind in ("female", "male"):
        return None if gender is None else gender == audience.kind
    if audience.kind == "older" and (age is None or age >= OLDER_FROM):
        return True
    return True if audience.stems & said else None


# "I care for my mother, who has dementia": the person is a carer, and dementia is what the one
# they look after lives with, not their own condition.
_CARING_RE = re.compile(
    r"\b(?:care|cares|caring|look|looks|looking|carer)\s+(?:for|after|of|to)\s+(?:my|our)\s+"
    r"((?:[a-z]+\s+)?[a-z]+?)\s*,?\s+(?:who\s+(?:has got|has|have|is living with|lives with|is)"
    r"|with|living with)\s+([^.;:!?]+)",
    re.IGNORECASE,
)
_CARING_END_RE = re.compile(
    r",|\b(?:and|but|so|who|which|while|since|because|as|now|at|in)\b", re.IGNORECASE
)


def cared_for_conditions(texts: Sequence[str]) -> tuple[str, ...]:
    """What the people the person cares for live with, from "I care for my mother, who has
    dementia" or "looking after my son with autism" ("dementia", "autism"); in order, once."""
    found: dict[str, None] = {}
    for value in texts:
        for match in _CARING_RE.finditer(text.fold(value)):
            condition = _CARING_END_RE.split(match.group(2))[0].strip(" ,")
            condition = re.sub(r"^(?:a|an|the|got)\s+", "", condition)
            if text.stems(condition) and len(condition.split()) <= 4:
                found[condition] = None
    return tuple(found)
