"""The labelled set's rankings and figures are pinned: a change meant to make ranking faster must
not change what is suggested. A change meant to improve ranking updates the pinned lists and the
figures in the same commit, saying why.

Since the ranking weights are fitted on the independent council set (docs/decisions/
0008-fitted-ranking.md), this first set is a third view, no longer a tuning target: its nDCG@5
went from 0.714 (hand weights and rules read from this set) to 0.676. The general readings of
tests/test_readings.py moved three lists: p01 (his wife, who cares for him, does not make him a
carer: two listings graded 0 swap), p02 (a listing for people bereaved by suicide now says so
and drops a place below a warm space), p28 ("breathlessness" no longer reads as long covid, so
what explains each lung listing changes and the diversity step orders them differently:
pulmonary rehabilitation, graded 1, from 5th to 10th), 0.676 -> 0.675. "Fit" alone no longer
reads as exercise ("fitness" keeps its own stem: text.OWN_STEMS), which moved p33's lower places:
"Newly retired and fit" had pointed to the exercise group, so a stroke club and a walk (both
graded 0) left his 5th and 6th places to dial-a-ride and a zumba class (graded 0 too); the
figures are unchanged.

The semantic share went from 0.4 to 0.7 of each facet's relevance and the weights were refitted
at the L2 cross-validation chose with it (0.003), on the council development people (ADR 0008):
the sentence encoder's view of a listing now counts for more than its words, and the refitted
weights order every pool differently, so 32 of the 34 lists moved (26 within the top five):
12 people's nDCG@5 rose (p23 0.19 -> 0.40, p24 0.35 -> 0.58, p32 0.34 -> 0.47), 9 fell (p02
0.79 -> 0.60, p06 0.55 -> 0.39); 0.675 -> 0.685, precision@5 0.471 -> 0.500, recall@10
0.682 -> 0.716. The diversity discount and the guide's factors are counted in the weights'
spread since, so the larger weights do not let near-duplicates fill the lists.

A worry about a named thing is about that thing, not low mood: p03's "I worry about falling" now
points to falls only, so a wellbeing listing (graded 1) drops from 4th to 6th below a befriending
service (graded 1) and a volunteering role (graded 0): her nDCG@5 0.306 -> 0.284, the set's
0.6852 -> 0.6845 (0.685 at three places; precision and recall unchanged). Practical skills
offered ("fixing things", "mend things") point to volunteering as well as to a men's shed: p12's
list reorders below his shed, a health walk (graded 1) reaching 5th in place of a women's group
(graded 0): his nDCG@5 0.624 -> 0.659, the set's 0.6845 -> 0.6856.

"Repair" in a listing is a service that repairs homes, not the practical hobby a person names:
p12's woodwork no longer finds the handyperson service (graded 0), which leaves his 7th
place. "Money is tight" is money trouble: p34's list takes an energy advice listing (graded 0)
at 10th. Both nDCG@5 unchanged, the set's figures too.
A service given by phone, online or at home is no longer out of reach because its venue is far
(ADR 0008; this set's graders ruled such listings out by distance, so they are ungraded here):
p10 (a widower who named bereavement) takes phone and home bereavement support at 3rd in place of
the bowls club's open days (graded 3, now 6th), 0.633 -> 0.407; p31 (a lonely man who walks only)
takes a home-visiting befriending service at 5th in place of the Green Gym (graded 2, now 6th),
0.930 -> 0.818; p16's and p25's lower places reorder (both need transport: a phone or home
service beyond the kilometre they reach without it is scored as one with no venue). The set's
nDCG@5 0.686 -> 0.676, precision@5 0.500 -> 0.488, recall@10 0.716 -> 0.712.
A group named for men ("Merebrook Men's Shed") is now read as one, so for someone whose gender
the profile does not give, or a woman, it says so and ranks a little lower: in p27's and p29's
lists it moves down a place or two below the fifth. Figures unchanged.
"I don't see anyone most days" is loneliness: p08's list takes a dial-a-ride listing at 10th in
place of a women-only swim, and a widows' social moves above a diabetes prevention course (all
four graded 0): her nDCG@5 and the set's figures unchanged.
Listings for an audience the person is not known to be in ("for people affected by a suicide",
"for LGBT+ people", a course named after arthritis, a nurse service filed under dementia) are
discounted on the fitted score by a factor cross-validation chose (0.25, ADR 0008), and more
audiences are read; a listing's trained volunteers are who runs it, not training or trains; a
person's recovery from drink or drugs is not a recovery college: 29 of the 34 lists moved (18
within the top five): 11 people's nDCG@5 rose (p14 0.47 -> 0.78, p16 0.46 -> 0.58, p21 0.62 ->
0.70, p33 0.34 -> 0.39), p17's fell (0.62 -> 0.59: a women-only swim, graded 1, left her top
five, her gender not being stated); 0.686 -> 0.704, precision@5 0.500 -> 0.506, recall@10
0.716 -> 0.729, measured before the changes above it (a phone or home service's reach, groups
named for men or women, everyday words for loneliness). Together, and with a gender the profile
does not give no longer lowering a listing for women or men (it is an even chance; on the
steeper audience step p12's men's shed had fallen out of his list, 0.66 -> 0.15), against the
lists before any of these: 29 moved; p10 0.41 -> 0.59, p14 0.47 -> 0.78, p16 0.46 -> 0.58, p21
0.62 -> 0.70, p31 0.82 -> 0.93 rose, p22 0.45 -> 0.41 fell; nDCG@5 0.676 -> 0.699, precision@5
0.488 -> 0.506, recall@10 0.712 -> 0.734.
Work named beside study or training, or looked for ("training or work", "find work"), asks for
employment help: p13 (who wants to "find work") takes a job-support listing at 6th, and p17
("finding work") a digital skills course at 9th in place of a crisis café at 10th (all graded 0);
their nDCG@5 and the set's figures unchanged.
"Learning disability" is one term, on both sides, not a "disability" nor "learning": p06 (whose
condition it is) takes the volunteer centre (graded 3) at 5th above a knitting group and a
reading group (both graded 0), 0.389 -> 0.587; nDCG@5 0.699 -> 0.705, precision@5 0.506 ->
0.512, recall@10 unchanged.

Everyday words read as the need they name (related terms: "owe", "some company", "a break from
caring", "lost his wife", "betting" and more, found on the council development people written
again in other words): p28's "I'd like some company too" is loneliness, so a telephone
friendship service (graded 0) moves to 2nd above stop smoking and lung-health singing (both 3),
0.95 -> 0.86; p26 "owe two months' rent", so the food bank (2) rises to 1st above housing
advice (3), 0.72 -> 0.65; p14's "a break from caring" reaches a parent carers' forum (0), now
5th above a reading group (1), 0.78 -> 0.75; p11's lower places reorder. nDCG@5 0.705 ->
0.699; precision@5 and recall@10 unchanged.
A listing named or described for carers ("Young Carers' Club", "Merebrook Carers' Centre") is
for carers: for someone who says nothing of caring it asks them to check and ranks lower. p24
(a boy who is not a carer) loses the young carers' club (graded 0) from his 3rd place, so a
mentoring scheme (3) rises to 3rd and a youth club (3) to 6th: 0.601 -> 0.629; p34's lower places
reorder. nDCG@5 0.699 -> 0.700; precision@5 and recall@10 unchanged.
A crisis service (a crisis café, Samaritans) is for someone who says they are in crisis: p23
(low, not in crisis) loses an evening crisis café (graded 0) from 5th place, and a health walk
(1) and a parkrun (2) move up into her 6th and 9th places. Figures unchanged.
The weights were refitted on all 108 council development people (the development part and
the two groups written later; ADR 0008) instead of the first 36: every pool is ordered
differently, and 32 of the 34 lists moved. 17 people's nDCG@5 rose (p06 0.59 -> 0.80, p12
0.66 -> 0.78, p05 0.67 -> 0.78, p04 0.91 -> 1.00), 7 fell (p19 0.81 -> 0.66, p16 0.58 ->
0.46, p17 0.62 -> 0.55); nDCG@5 0.700 -> 0.718, precision@5 0.512 -> 0.529, recall@10
0.734 -> 0.748.
Then refitted on all 144 development people (a third group, an everyday caseload, added) with
the everyday words its misses gave (the stairs, paying for care, a wife gone into a home): 30
lists moved; 8 people's nDCG@5 rose (p17 0.55 -> 0.79, p23 0.35 -> 0.40, p22 0.45 -> 0.49),
5 fell (p06 0.80 -> 0.61); nDCG@5 0.718 -> 0.725, precision@5 0.529 -> 0.535, recall@10
unchanged.
The worked examples (`examples.py`: closeness to what suited council development people whose
needs read alike, a fitted feature; no person of this set is an example and its directory is
another) moved 31 lists: 11 people's nDCG@5 rose (p19 0.66 -> 0.86, p24 0.63 -> 0.78, p26
0.71 -> 0.86, p05 0.78 -> 0.86, p17 0.79 -> 0.86), 8 fell (p30 0.91 -> 0.84, p18 0.83 ->
0.79, p21 0.76 -> 0.72, p33 0.38 -> 0.34); nDCG@5 0.725 -> 0.740, recall@10 0.748 -> 0.758,
precision@5 unchanged."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from linkwell.matching.embedding import get_encoder
from linkwell.matching.engine import Matcher
from linkwell.matching.evaluation import load_evaluation_set
from linkwell.matching.evaluation.metrics import ndcg_at_k, precision_at_k, recall_at_k

PINNED = Path(__file__).resolve().parent / "data" / "labelled_top10.json"
# nDCG@5, precision@5, recall@10 of the full engine on the labelled set (BENCHMARKS.md).
FIGURES = {"ndcg5": 0.740, "p5": 0.535, "r10": 0.758}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(get_encoder() is None, reason="needs the sentence-embedding model"),
]


@pytest.fixture(scope="module")
def rankings() -> dict[str, list[str]]:
    evaluation = load_evaluation_set()
    matcher = Matcher(evaluation.services)
    return {
        p.id: [s.service_id for s in matcher.rank(p, top=10, at=evaluation.at)]
        for p in evaluation.people
    }


def test_every_labelled_person_gets_the_pinned_top_ten(rankings):
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    assert set(rankings) == set(pinned)
    changed = {pid: (pinned[pid], got) for pid, got in rankings.items() if got != pinned[pid]}
    assert changed == {}


def test_the_labelled_figures_hold(rankings):
    evaluation = load_evaluation_set()
    judged = evaluation.judgments
    figures = {
        "ndcg5": statistics.fmean(ndcg_at_k(r, judged[p], 5) for p, r in rankings.items()),
        "p5": statistics.fmean(precision_at_k(r, judged[p], 5) for p, r in rankings.items()),
        "r10": statistics.fmean(recall_at_k(r, judged[p], 10) for p, r in rankings.items()),
    }
    assert {k: round(v, 3) for k, v in figures.items()} == FIGURES
