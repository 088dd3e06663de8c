"""Every shipped instrument scored against its published rules (bands, ranges, missing items,
the SWEMWBS conversion table), and the definition validator's messages."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from linkwell.outcomes.engine import (
    AnswerError,
    Instrument,
    change_direction,
    parse_answer_list,
    score_answers,
    score_total,
)
from linkwell.outcomes.registry import SHIPPED_DIR, shipped_definitions
from linkwell.outcomes.validate import definition_errors

# The published SWEMWBS raw -> metric conversion (Stewart-Brown et al. 2009 / Warwick Medical
# School), typed here independently of instruments/swemwbs.json so a typo in either shows.
SWEMWBS_TABLE = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip


def inst(name: str) -> Instrument:
    return Instrument.from_dict(shipped_definitions()[name])


def answers_for_total(total: int, n_items: int, low: int, high: int) -> list[int]:
    """Item answers (each low..high) adding up to `total`."""
    answers = [low] * n_items
    rest = total - low * n_items
    for i in range(n_items):
        step = min(high - low, rest)
        answers[i] += step
        rest -= step
    assert rest == 0 and sum(answers) == total
    return answers


def test_every_shipped_definition_is_valid_and_named_after_its_id() -> None:
    files = sorted(p.stem for p in SHIPPED_DIR.glob("*.json"))
    assert files == sorted(shipped_definitions())
    for path in SHIPPED_DIR.glob("*.json"):
        assert definition_errors(json.loads(path.read_text())) == [], path.name
    expected = {
        "phq9", "gad7", "ons4", "ucla3", "ons-loneliness", "swemwbs", "wemwbs", "mycaw",
        "wellbeing-star", "goal-attainment", "patient-experience", "staff-satisfaction",
    }  # fmt: skip
    assert expected <= set(files)


def test_licensed_measures_ship_no_item_text_and_the_free_ones_do() -> None:
    for name in ("swemwbs", "wemwbs", "mycaw", "wellbeing-star"):
        assert not inst(name).has_item_text, name
        assert "licen" in inst(name).licence.lower()
    for name in ("phq9", "gad7", "ons4", "ucla3", "ons-loneliness"):
        assert inst(name).has_item_text, name


# --- PHQ-9 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"),
     (14, "Moderate"), (15, "Moderately severe"), (19, "Moderately severe"), (20, "Severe"),
     (27, "Severe")],
)  # fmt: skip
def test_phq9_is_the_sum_of_nine_items_with_kroenke_bands(total: int, band: str) -> None:
    result = score_answers(inst("phq9"), answers_for_total(total, 9, 0, 3))
    assert (result.raw, result.score, result.band) == (total, total, band)
    assert not result.prorated


def test_phq9_prorates_one_or_two_missing_items_and_refuses_three() -> None:
    phq9 = inst("phq9")
    one = score_answers(phq9, [1, 2, None, 1, 2, 3, 1, 2, 0])  # 12 over 8 -> 13.5 -> 14
    assert (one.raw, one.band, one.prorated, one.missing) == (14, "Moderate", True, ["phq9_3"])
    two = score_answers(phq9, [1, None, 3, 1, None, 3, 1, 2, 0])  # 11 over 7 -> 14.14 -> 14
    assert (two.raw, two.prorated) == (14, True)
    with pytest.raises(AnswerError, match=r"3 item\(s\) not answered \(item 1, item 2, item 3\)"):
        score_answers(phq9, [None, None, None, 1, 1, 1, 1, 1, 1])


def test_phq9_rejects_an_answer_outside_0_to_3_naming_the_item() -> None:
    with pytest.raises(AnswerError) as info:
        score_answers(inst("phq9"), [0, 0, 0, 0, 0, 0, 4, 0, 0])
    assert info.value.messages == [
        "PHQ-9 item 7 (Concentration): 4 is not allowed; answer a whole number from 0 to 3"
    ]


def test_phq9_item_9_of_one_or_more_raises_the_risk_alert() -> None:
    phq9 = inst("phq9")
    assert score_answers(phq9, [0] * 8 + [0]).alerts == []
    for answer in (1, 2, 3):
        alerts = score_answers(phq9, [0] * 8 + [answer]).alerts
        assert [a.item for a in alerts] == ["phq9_9"]
        assert "999" in alerts[0].message and "Samaritans" in alerts[0].message
    unanswered = score_answers(phq9, [1] * 8 + [None])
    assert unanswered.alerts == [] and [a.item for a in unanswered.alert_missing] == ["phq9_9"]


def test_phq9_reliable_change_and_direction() -> None:
    phq9 = inst("phq9")
    assert phq9.reliable_change == 6
    assert change_direction(phq9, 15, 8) == 1  # lower is better
    assert change_direction(phq9, 8, 15) == -1


# --- GAD-7 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"),
     (14, "Moderate"), (15, "Severe"), (21, "Severe")],
)  # fmt: skip
def test_gad7_bands(total: int, band: str) -> None:
    result = score_answers(inst("gad7"), answers_for_total(total, 7, 0, 3))
    assert (result.score, result.band) == (total, band)


def test_gad7_prorates_one_missing_item_only() -> None:
    gad7 = inst("gad7")
    result = score_answers(gad7, [3, 3, 3, None, 3, 3, 2])  # 17 over 6 -> 19.83 -> 20
    assert (result.raw, result.band, result.prorated) == (20, "Severe", True)
    with pytest.raises(AnswerError, match="2 item"):
        score_answers(gad7, [3, None, 3, None, 3, 3, 2])


# --- ONS4 and loneliness -----------------------------------------------------------------------


def test_ons4_reports_each_item_with_the_ons_thresholds_and_no_total() -> None:
    result = score_answers(inst("ons4"), [4, 5, 9, 6])
    assert (result.raw, result.score, result.band) == (None, None, None)
    bands = {item.id: (item.value, item.band) for item in result.items}
    assert bands == {
        "life_satisfaction": (4, "Low"),
        "worthwhile": (5, "Medium"),
        "happiness": (9, "Very high"),
        "anxiety": (6, "High"),
    }
    edges = score_answers(inst("ons4"), [6, 7, 8, 1])
    assert [i.band for i in edges.items] == ["Medium", "High", "High", "Very low"]
    low_anxiety = score_answers(inst("ons4"), [10, 0, 0, 2])
    assert [i.band for i in low_anxiety.items] == ["Very high", "Low", "Low", "Low"]
    assert score_answers(inst("ons4"), [0, 0, 0, 5]).items[3].band == "Medium"
    assert set(result.as_json()["items"]) == {
        "life_satisfaction", "worthwhile", "happiness", "anxiety",
    }  # fmt: skip


def test_ons4_cannot_be_entered_as_a_total() -> None:
    with pytest.raises(AnswerError, match="item by item"):
        score_total(inst("ons4"), 20)


def test_ucla3_sums_three_items_from_3_to_9_with_none_missing() -> None:
    ucla = inst("ucla3")
    assert score_answers(ucla, [1, 1, 1]).score == 3
    assert score_answers(ucla, [3, 3, 3]).score == 9
    assert score_answers(ucla, [2, 3, 1]).score == 6
    with pytest.raises(AnswerError, match="all three items must be answered"):
        score_answers(ucla, [2, None, 1])
    with pytest.raises(
        AnswerError, match=r"item 1 .*: 0 is not allowed; answer a whole number from 1 to 3"
    ):
        score_answers(ucla, [0, 1, 1])


def test_the_ons_direct_loneliness_question_is_banded_by_its_answer() -> None:
    direct = inst("ons-loneliness")
    assert score_answers(direct, [5]).band == "Often/always"
    assert score_answers(direct, [1]).band == "Never"
    assert direct.direction == "lower_is_better"


# --- Licensed: SWEMWBS, WEMWBS, MYCaW, the star ------------------------------------------------


@pytest.mark.parametrize(("raw", "metric"), sorted(SWEMWBS_TABLE.items()))
def test_swemwbs_converts_every_raw_total_with_the_published_table(raw: int, metric: float) -> None:
    swemwbs = inst("swemwbs")
    result = score_answers(swemwbs, answers_for_total(raw, 7, 1, 5))
    assert (result.raw, result.score) == (raw, metric)
    from_paper = score_total(swemwbs, raw)
    assert (from_paper.raw, from_paper.score, from_paper.total_only) == (raw, metric, True)


def test_swemwbs_allows_no_missing_items_and_no_impossible_total() -> None:
    swemwbs = inst("swemwbs")
    with pytest.raises(AnswerError, match="every statement must be answered"):
        score_answers(swemwbs, [3, 3, 3, None, 3, 3, 3])
    with pytest.raises(
        AnswerError, match="a total of 36 is not possible; enter a whole number from 7 to 35"
    ):
        score_total(swemwbs, 36)
    with pytest.raises(AnswerError, match="not possible"):
        score_total(swemwbs, 20.5)


def test_wemwbs_sums_fourteen_items_from_14_to_70() -> None:
    wemwbs = inst("wemwbs")
    assert score_answers(wemwbs, [1] * 14).score == 14
    assert score_answers(wemwbs, [5] * 14).score == 70
    assert score_answers(wemwbs, answers_for_total(51, 14, 1, 5)).score == 51
    with pytest.raises(AnswerError, match="has 14 items; got 7 answers"):
        score_answers(wemwbs, [3] * 7)


def test_mycaw_profile_is_the_mean_of_the_ratings_given_and_concern_2_is_optional() -> None:
    mycaw = inst("mycaw")
    both = score_answers(mycaw, [5, 4, 3])
    assert both.score == 4
    assert [i.value for i in both.items] == [5, 4, 3]
    one = score_answers(mycaw, [5, None, 2])
    assert one.score == 3.5 and one.missing == ["concern_2"]
    with pytest.raises(AnswerError, match="not answered"):
        score_answers(mycaw, [5, 4, None])


def test_the_star_measure_is_the_mean_of_ten_areas_each_reported() -> None:
    star = inst("wellbeing-star")
    result = score_answers(star, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert result.score == 5.5
    assert len(result.as_json()["items"]) == 10
    assert score_answers(star, [3] * 9 + [4]).score == 3.1


# --- Goals, experience, staff ------------------------------------------------------------------


def test_goal_attainment_rates_however_many_goals_the_plan_has() -> None:
    goals = inst("goal-attainment")
    result = score_answers(goals, {"g-a": 10, "g-b": 4, "g-c": 7}, item_ids=["g-a", "g-b", "g-c"])
    assert result.score == 7 and result.band == "Good progress"
    assert [i.id for i in result.items] == ["g-a", "g-b", "g-c"]
    assert score_answers(goals, [10, 10]).band == "All achieved"
    with pytest.raises(AnswerError, match="from 1 to 20 answers"):
        score_answers(goals, [])
    with pytest.raises(AnswerError, match="0 is not allowed"):
        score_answers(goals, [0, 5])


def test_patient_experience_leaves_one_unanswered_question_out_of_the_mean() -> None:
    experience = inst("patient-experience")
    assert score_answers(experience, [5, 4, None]).score == 4.5
    with pytest.raises(AnswerError):
        score_answers(experience, [5, None, None])


def test_staff_satisfaction_is_banded_at_halton_s_six_out_of_ten() -> None:
    staff = inst("staff-satisfaction")
    assert score_answers(staff, [6]).band == "6 or more"
    assert score_answers(staff, [5]).band == "Below 6"


# --- Parsing and the validator -----------------------------------------------------------------


def test_answer_lists_parse_empty_entries_as_missing_and_reject_words() -> None:
    assert parse_answer_list("4, 3,,5,-") == [4, 3, None, 5, None]
    assert parse_answer_list("2.5") == [2.5]
    with pytest.raises(AnswerError, match="Answer 2 “x” is not a number"):
        parse_answer_list("1,x")


def _valid() -> dict[str, Any]:
    return copy.deepcopy(shipped_definitions()["ucla3"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(id="Bad Id"), "id: use 2-40 lower-case letters"),
        (lambda d: d.update(range={"min": 3, "max": 10}), "range: the items give 3 to 9, not 3 to 10"),
        (lambda d: d["items"][0].update(response_set="nope"), "items[0].response_set: unknown response set 'nope'"),
        (lambda d: d["items"][1].update(id="companionship"), "items[1].id: 'companionship' is used twice"),
        (lambda d: d["items"][0].pop("text"), "items[0].text: give the item's wording"),
        (lambda d: d.update(bands=[{"min": 3, "max": 6, "label": "A"}, {"min": 6, "max": 9, "label": "B"}]), "bands: bands 0 and 1 overlap"),
        (lambda d: d.update(bands=[{"min": 0, "max": 6, "label": "A"}]), "bands[0]: 0 to 6 is outside the score range 3 to 9"),
        (lambda d: d["scoring"].update(method="median"), "scoring.method: use one of sum, mean, lookup, items"),
        (lambda d: d["scoring"]["missing"].update(max_missing=3), "scoring.missing.max_missing: 3 would allow a score with no answers"),
        (lambda d: d.update(alerts=[{"item": "nope", "min": 1, "title": "t", "message": "m"}]), "alerts[0].item: 'nope' is not an item"),
        (lambda d: d.update(item_text="deployer"), "items[0].text: item text of a licensed measure comes from the deployer's file"),
        (lambda d: d.update(colour="blue"), "Unknown field(s): colour"),
        (lambda d: d["response_sets"]["ucla"][1].update(value=1), "response_sets.ucla[1].value: 1 is used twice"),
        (lambda d: d.pop("licence"), "licence: give the licence or copyright notice"),
    ],
)  # fmt: skip
def test_the_validator_names_each_problem(change: Any, message: str) -> None:
    data = _valid()
    change(data)
    errors = definition_errors(data)
    assert any(e.startswith(message) for e in errors), errors


def test_the_validator_checks_a_conversion_table_covers_every_raw_score() -> None:
    data = copy.deepcopy(shipped_definitions()["swemwbs"])
    del data["scoring"]["lookup"]["20"]
    data["scoring"]["lookup"]["36"] = 36.0
    errors = definition_errors(data)
    assert "scoring.lookup: no converted score for raw 20" in errors
    assert "scoring.lookup: raw 36 cannot occur" in errors
    assert definition_errors([1, 2]) == ["The definition must be a JSON object"]
