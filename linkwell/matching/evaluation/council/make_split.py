"""Make the fixed development / held-out split of the council evaluation people (run once).

The split is stratified by each person's main referral reason (``STRATA`` below, decided when the
people were written) so that both halves carry the same mix: within each stratum, in a fixed
order, the members are shuffled with one seeded generator and dealt alternately, each stratum's
first member going to whichever half is smaller so far. The halves therefore differ by at most
one at every step and end equal (72 people, 36 each).

Seed: 20261206. Run ``python linkwell/matching/evaluation/council/make_split.py`` to rewrite
``split.json``; the test checks that the committed file is exactly what this produces, so the
split can't drift silently. Never re-run it with a new seed once results have been reported
against the held-out half.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEOPLE = HERE / "people.jsonl"
SPLIT = HERE / "split.json"
SEED = 20261206

# Main referral reason -> person ids (each person in exactly one stratum).
STRATA: dict[str, tuple[str, ...]] = {
    "isolation": (
        "c11-isolation-marcus",
        "c12-isolation-jean",
        "c26-veteran-bill",
        "c31-isolation-doreen",
        "c32-isolation-phone-harold",
        "c67-men-wont-do-groups-keith",
        "c72-online-only-hannah",
    ),
    "bereavement": (
        "c03-bereaved-eileen",
        "c33-bereaved-husband-alan",
        "c34-bereaved-son-jamal",
        "c66-lgbt-older-graham",
    ),
    "mental health and trauma": (
        "c09-lowmood-kelly",
        "c13-personality-sian",
        "c23-recovery-college-ruth",
        "c25-stress-sleep-amy",
        "c35-anxiety-student-ellie",
        "c36-lowmood-man-steve",
        "c58-young-lgbt-sam",
        "c65-da-survivor-leanne",
    ),
    "long-term condition": (
        "c01-weight-lorraine",
        "c07-diabetes-gloria",
        "c08-copd-pat",
        "c10-arthritis-janet",
        "c19-brain-injury-steve",
        "c20-hiv-emmanuel",
        "c22-diabetes-parveen",
        "c24-ltc-ken",
        "c28-timebank-sandra",
        "c30-neighbourhood-frank",
        "c37-copd-lung-sheila",
        "c38-stroke-abdul",
        "c39-ms-claire",
        "c40-chronic-pain-dave",
        "c41-obesity-teen-kai",
        "c71-arthritis-faith-grace",
    ),
    "dementia and memory": (
        "c42-dementia-early-margaret",
        "c43-dementia-carer-geoff",
        "c44-dementia-later-kathleen",
    ),
    "carer": (
        "c04-carer-michelle",
        "c05-youngcarer-ruby",
        "c45-carer-working-priya",
        "c46-youngcarer-leon",
        "c47-youngadult-carer-olivia",
        "c69-carer-spouse-ms-husband-raj",
    ),
    "money and housing": (
        "c18-homeless-tony",
        "c27-staying-well-norman",
        "c48-debt-first-shaun",
        "c49-pip-marie",
        "c50-food-fuel-karen",
        "c51-damp-housing-bogdan",
        "c52-cold-home-elsie",
        "c53-homeless-risk-tasha",
    ),
    "work and skills": (
        "c15-employment-ade",
        "c21-prison-leaver-jordan",
        "c54-unemployed-paul",
        "c55-digital-irene",
        "c70-young-neet-callum",
    ),
    "new arrival": (
        "c56-newarrival-ahmad",
        "c57-newarrival-halyna",
    ),
    "families and parents": (
        "c17-pregnant-chelsea",
        "c29-parent-family-nadia",
        "c59-newparent-dad-tom",
        "c60-newparent-mum-aisha",
    ),
    "disability and sensory loss": (
        "c06-learningdisability-yasmin",
        "c16-learningdisability-gary",
        "c61-ld-karaoke-danny",
        "c62-sight-loss-geraldine",
        "c63-deaf-bsl-michael",
        "c64-wheelchair-rachel",
    ),
    "alcohol, drugs and gambling": (
        "c02-alcohol-darren",
        "c14-recovery-liam",
        "c68-gambling-rob",
    ),
}


def person_ids() -> list[str]:
    """The ids in people.jsonl, in file order."""
    lines = PEOPLE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["id"] for line in lines if line.strip()]


def make_split(seed: int = SEED) -> dict[str, object]:
    """The split as written to split.json: seed, method, both halves (sorted) and the strata."""
    rng = random.Random(seed)
    halves: dict[str, list[str]] = {"development": [], "held_out": []}
    for stratum in sorted(STRATA):
        members = sorted(STRATA[stratum])
        rng.shuffle(members)
        first = min(halves, key=lambda name: (len(halves[name]), name))
        second = "held_out" if first == "development" else "development"
        for i, person in enumerate(members):
            halves[first if i % 2 == 0 else second].append(person)
    return {
        "seed": seed,
        "method": "stratified by main referral reason; seeded shuffle within each stratum, "
        "dealt alternately starting with the smaller half (make_split.py)",
        "development": sorted(halves["development"]),
        "held_out": sorted(halves["held_out"]),
        "strata": {name: sorted(ids) for name, ids in sorted(STRATA.items())},
    }


def main() -> None:
    in_strata = sorted(p for ids in STRATA.values() for p in ids)
    if in_strata != sorted(person_ids()):
        raise SystemExit("STRATA must list every person in people.jsonl exactly once")
    SPLIT.write_text(
        json.dumps(make_split(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
