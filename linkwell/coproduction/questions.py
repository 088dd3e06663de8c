"""The self-reflection questions, one set per version.

A team answers every statement on the same five-point scale (0 "not yet" to 4 "fully and
routinely"). A principle's score is the mean of its statements. A question set never changes once
released: new wording or new statements make a new version, added to `QUESTION_SETS`, and
`CURRENT_VERSION` moves to it. Each assessment keeps the version it was started with
(`Assessment.question_set_version`), so its answers are always read against the statements the
team saw. Statement keys are stable across versions where the statement means the same thing,
which is what lets a new assessment start from a copy of an older one's answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

SCALE_MIN = 0
SCALE_MAX = 4


class Principle(models.TextChoices):
    ASSETS = "assets", "Assets"
    CAPACITY = "capacity", "Capacity"
    MUTUALITY = "mutuality", "Mutuality"
    NETWORKS = "networks", "Networks"
    BLURRING_ROLES = "blurring_roles", "Blurring roles"
    CATALYSTS = "catalysts", "Catalysts"


# What each principle asks of a service, in a line (shown above its statements).
PRINCIPLE_SUMMARIES: dict[str, str] = {
    Principle.ASSETS: (
        "The people we work with are partners with something to give, not problems to be managed."
    ),
    Principle.CAPACITY: (
        "We start from what people can already do and help them use and grow it, for themselves "
        "and their community."
    ),
    Principle.MUTUALITY: (
        "Staff and the people who use the service give and receive, with responsibilities and "
        "expectations on both sides."
    ),
    Principle.NETWORKS: (
        "Peer groups, friends, family and local groups do as much as professionals to share "
        "know-how and support."
    ),
    Principle.BLURRING_ROLES: (
        "The line between those who provide the service and those who use it is loose: people "
        "shape, run and deliver it alongside staff."
    ),
    Principle.CATALYSTS: (
        "The service makes things happen in the community rather than doing everything itself."
    ),
}

SCALE: tuple[tuple[int, str], ...] = (
    (0, "0: Not yet"),
    (1, "1: Talked about, not yet done"),
    (2, "2: Sometimes, in parts of the service"),
    (3, "3: Usually, across most of the service"),
    (4, "4: Fully and routinely"),
)


@dataclass(frozen=True)
class Statement:
    key: str
    principle: str
    text: str
    guidance: str


@dataclass(frozen=True)
class QuestionSet:
    version: int
    released: str  # "YYYY-MM", shown beside the version
    statements: tuple[Statement, ...]

    def for_principle(self, principle: str) -> list[Statement]:
        return [s for s in self.statements if s.principle == principle]

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.statements]

    def statement(self, key: str) -> Statement | None:
        return next((s for s in self.statements if s.key == key), None)


def _s(key: str, text: str, guidance: str) -> Statement:
    return Statement(key=key, principle=key.split(".")[0], text=text, guidance=guidance)


_V1 = QuestionSet(
    version=1,
    released="2026-01",
    statements=(
        _s(
            "assets.experience",
            "What people who use the service know from living with their situation shapes how "
            "we work.",
            "Think of a recent change: did it start from someone's own experience?",
        ),
        _s(
            "assets.first_conversation",
            "Our first conversations ask what matters to a person and what they bring, before "
            "what is wrong.",
            "Look at the questions on your referral and first-contact forms.",
        ),
        _s(
            "assets.design",
            "People who use the service help decide how it is designed and changed.",
            "Count the decisions of the last year people took part in, not only those they heard "
            "about afterwards.",
        ),
        _s(
            "assets.tracked",
            "We keep track of what people contribute, not only of what they receive.",
            "Hours given, groups started, skills shared: is any of it written down?",
        ),
        _s(
            "capacity.contributions",
            "The service could not run as it does without what the people who use it contribute.",
            "What would stop if people stopped giving their time and skills?",
        ),
        _s(
            "capacity.fit",
            "Tasks are shaped to fit the skills and interests of whoever is taking part.",
            "Do people choose how they help, or fill a slot we defined?",
        ),
        _s(
            "capacity.growth",
            "Learning and growing confidence is expected of everyone involved, staff and "
            "participants alike.",
            "Training, shadowing, trying a new role: who is offered it?",
        ),
        _s(
            "capacity.use",
            "We actively help people put their abilities to work in their own lives and their "
            "community.",
            "Look for examples where someone moved from receiving help to giving it.",
        ),
        _s(
            "mutuality.ownership",
            "Staff and people who use the service both feel the service belongs to them.",
            "Ask both groups: whose service is this?",
        ),
        _s(
            "mutuality.responsibility",
            "Both share responsibility for the service working well.",
            "When something goes wrong, who is expected to help put it right?",
        ),
        _s(
            "mutuality.asking",
            "Asking for and offering help is normal and welcomed for staff and participants.",
            "Has a member of staff asked a participant for help recently?",
        ),
        _s(
            "mutuality.expectations",
            "What we expect of each other is talked about openly when someone joins.",
            "Is there a conversation, written or not, about giving as well as receiving?",
        ),
        _s(
            "networks.peer",
            "Peer support that lets people share know-how with each other is core work we invest "
            "in.",
            "Is peer support budgeted and planned, or left to happen by chance?",
        ),
        _s(
            "networks.local",
            "Staff and participants connect with local groups and activities beyond what the "
            "service offers.",
            "Think of the groups people were introduced to last month.",
        ),
        _s(
            "networks.growing",
            "Growing networks outside the service is seen as part of the job.",
            "Would a manager count time spent building community links as real work?",
        ),
        _s(
            "networks.personal",
            "Family, friends and neighbours are welcomed as part of a person's support.",
            "Do plans name the people around someone, with their agreement?",
        ),
        _s(
            "blurring_roles.running",
            "People who use the service take an active part in starting, running, reviewing and "
            "leading activities.",
            "List the activities led or co-led by people with lived experience.",
        ),
        _s(
            "blurring_roles.equal_weight",
            "When people work alongside professionals, their views carry equal weight.",
            "In meetings with both, whose view settles a disagreement?",
        ),
        _s(
            "blurring_roles.roles",
            "There are real roles (peer supporter, co-facilitator, panel member) open to people "
            "who have used the service.",
            "Compare with the figures from Linkwell's records shown on this page.",
        ),
        _s(
            "blurring_roles.rewards",
            "People can choose rewards that matter to them for what they give, not only money.",
            "Training, references, time credits, a say in decisions, a thank-you that fits.",
        ),
        _s(
            "catalysts.purpose",
            "Our work is judged by whether people live a good life, not by how many sessions we "
            "deliver.",
            "Which measures does the team look at first?",
        ),
        _s(
            "catalysts.connecting",
            "Staff roles are mostly about connecting people to others and to resources.",
            "Look at how a link worker or coordinator spent last week.",
        ),
        _s(
            "catalysts.barriers",
            "We remove barriers and build skills and confidence so people can do more for "
            "themselves.",
            "Transport, cost, confidence: what did the team change in the last year?",
        ),
        _s(
            "catalysts.enabling",
            "We help groups and activities start and then step back rather than running them "
            "ourselves.",
            "Count the groups that started with our help and now run without us.",
        ),
    ),
)

QUESTION_SETS: dict[int, QuestionSet] = {_V1.version: _V1}
CURRENT_VERSION = 1


def question_set(version: int) -> QuestionSet:
    """The question set of `version` (KeyError for an unknown version: a data error)."""
    return QUESTION_SETS[version]
