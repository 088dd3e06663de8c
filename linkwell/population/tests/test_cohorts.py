"""Cohort definitions: validation of the YAML and its expressions, and runs on DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from linkwell.population import cohorts, engines

BASE = {
    "id": "test-cohort",
    "version": 1,
    "title": "Test",
    "population": [{"when": "age >= 18", "reason": "Adult"}],
    "include": {"rules": [{"when": "lives_alone", "reason": "Lives alone"}]},
}


def _problems(data: object) -> str:
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.parse(data, source="test.yaml")
    return str(caught.value)


def test_every_shipped_cohort_is_valid() -> None:
    ids = {cohort.id for cohort in cohorts.shipped()}
    assert ids == {
        "potential-care-needs",
        "frequent-attenders",
        "prediabetes",
        "loneliness-risk",
        "top-1pc-emergency-admission-risk",
    }


def test_an_unknown_column_is_named_with_a_suggestion() -> None:
    data = dict(BASE, exclude=[{"when": "gp_appointments > 3", "reason": "x"}])
    message = _problems(data)
    assert "exclude[0].when: unknown column 'gp_appointments'" in message
    assert "did you mean gp_appointments_12m?" in message


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("__import__('os').system('true')", "unknown function"),
        ("open('x')", "unknown function 'open'"),
        ("age ** 2 > 4", "operator '**' is not allowed"),
        ("age.real > 4", "Attribute expressions are not allowed"),
        ("age is None", "operator 'is' is not allowed"),
        ("age >", "cannot parse"),
        ("age + 1", "expected a true/false condition"),
        ("sex == 1", "cannot compare text with number"),
        ("efi_category in moderate", "`in` needs a list"),
    ],
)
def test_bad_expressions_are_rejected_without_running_them(when: str, expected: str) -> None:
    data = dict(BASE, population=[{"when": when, "reason": "x"}])
    assert expected in _problems(data)


def test_structural_mistakes_are_all_reported() -> None:
    data = {
        "id": "Bad Id",
        "version": 0,
        "title": "",
        "population": [{"when": "age > 1"}],
        "score": [{"weight": "high", "reason": "x"}],
        "top_percent": 200,
        "colour": "blue",
    }
    message = _problems(data)
    for text in [
        "unknown keys: colour",
        "id: 'Bad Id' must be lower-case",
        "version: expected a whole number",
        "title: required text is missing",
        "population[0].reason: required text is missing",
        "score[0].weight: expected a number",
        "score[0]: give exactly one of `when`",
        "top_percent: expected a number above 0",
    ]:
        assert text in message


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nversion: 1\npopulation: [\n  - when: age\n")
    with pytest.raises(cohorts.CohortError, match=r"not valid YAML: line \d+"):
        cohorts.load(path)


def _run(tmp_path: Path, register: Path, cohort: str | Path, **kwargs: object) -> pd.DataFrame:
    out = tmp_path / f"{Path(str(cohort)).stem}.csv"
    engines.run(cohort, register, out=out, **kwargs)  # type: ignore[arg-type]
    return pd.read_csv(out, dtype={"pseudo_id": str})


def test_a_run_writes_the_agreed_columns_ranked_with_reasons(
    tmp_path: Path, small_register: Path
) -> None:
    frame = _run(tmp_path, small_register, "frequent-attenders")
    assert list(frame.columns) == list(engines.OUTPUT_COLUMNS)
    assert len(frame) > 20
    assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
    assert (frame["cohort"] == "frequent-attenders").all() and (frame["cohort_version"] == 2).all()
    ordered = frame.sort_values(["score", "pseudo_id"], ascending=[False, True])
    assert ordered["pseudo_id"].tolist() == frame["pseudo_id"].tolist()
    reasons = json.loads(frame["reasons"][0])
    assert reasons[:2] == [
        "Aged 18 or over",
        "More than 12 GP appointments in the last 12 months",
    ]
    register = pd.read_parquet(small_register / "register.parquet").set_index("pseudo_id")
    people = register.loc[frame["pseudo_id"]]
    assert (people["gp_appointments_12m"] > 12).all()
    assert not people["national_data_opt_out"].any()
    assert not people["known_to_social_prescribing"].any()
    expected = register[
        (register.age >= 18)
        & (register.gp_appointments_12m > 12)
        & ~register.national_data_opt_out
        & ~register.known_to_social_prescribing
    ]
    assert set(frame["pseudo_id"]) == set(expected.index)


def test_exclusion_files_and_limit_remove_people(tmp_path: Path, small_register: Path) -> None:
    everyone = _run(tmp_path, small_register, "loneliness-risk")
    excluded = everyone["pseudo_id"][:3].tolist()
    exclude = tmp_path / "exclude.csv"
    pd.DataFrame({"pseudo_id": excluded, "reason": ["caseload", "declined", "declined"]}).to_csv(
        exclude, index=False
    )
    fewer = _run(tmp_path, small_register, "loneliness-risk", exclude=[exclude], limit=10)
    assert fewer["pseudo_id"].tolist() == everyone["pseudo_id"][3:13].tolist()


def test_an_exclusion_file_with_names_is_refused(tmp_path: Path, small_register: Path) -> None:
    exclude = tmp_path / "exclude.csv"
    exclude.write_text("pseudo_id,name\nabc,Ann\n")
    with pytest.raises(engines.RunError, match=r"refused: identifying columns \(name\)"):
        engines.run("prediabetes", small_register, out=tmp_path / "x.csv", exclude=[exclude])
    assert not (tmp_path / "x.csv").exists()


def test_exclude_rules_min_score_and_parquet_output(tmp_path: Path, small_register: Path) -> None:
    definition = dict(
        BASE,
        include={"match": "all", "rules": [{"when": "age >= 65", "reason": "Older"}]},
        exclude=[{"when": "housebound", "reason": "Housebound: home visits instead"}],
        score=[
            {"when": "lives_alone", "weight": 2, "reason": "Lives alone"},
            {"value": "count(copd, chd, diabetes)", "weight": 1.5, "reason": "Conditions"},
        ],
        min_score=2,
    )
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(definition))
    out = tmp_path / "custom.parquet"
    engines.run(path, small_register, out=out)
    frame = pd.read_parquet(out)
    register = pd.read_parquet(small_register / "register.parquet").set_index("pseudo_id")
    people = register.loc[frame["pseudo_id"]]
    assert len(frame) > 10
    assert (people.age >= 65).all() and not people.housebound.any()
    score = 2 * people.lives_alone + 1.5 * (
        people.copd.astype(int) + people.chd.astype(int) + people.diabetes.astype(int)
    )
    assert (score.to_numpy() == frame["score"].to_numpy()).all()
    assert (frame["score"] >= 2).all()


def test_the_top_percent_is_of_the_population_before_exclusions(
    tmp_path: Path, small_register: Path
) -> None:
    frame = _run(tmp_path, small_register, "top-1pc-emergency-admission-risk")
    register = pd.read_parquet(small_register / "register.parquet")
    adults = register[(register.age >= 18) & ~register.national_data_opt_out]
    assert 0 < len(frame) <= -(-len(adults) // 100)
    assert "In the top 1% of predicted emergency admission risk" in json.loads(frame["reasons"][0])


def _by_hand(register: pd.DataFrame, cohort: str) -> pd.Series:
    """The issue's cohort rules written out in pandas: pseudo_id -> score of everyone in."""
    r = register[~register.national_data_opt_out & ~register.known_to_social_prescribing]
    if cohort == "potential-care-needs":  # Bolton-style: over-65s, health + social factors
        ltcs = r[["diabetes", "copd", "chd", "heart_failure", "dementia", "arthritis_msk"]].sum(
            axis=1
        ) + r[["depression", "smi"]].sum(axis=1)
        score = (
            2 * (ltcs >= 2)
            + 2 * (r.efi_category == "moderate")
            + 3 * (r.efi_category == "severe")
            + 2 * (r.emergency_admissions_12m >= 1)
            + (r.ae_attendances_12m >= 2)
            + (r.repeat_medicines >= 10)
            + 2 * r.lives_alone
            + 2 * r.housebound
            + 2 * r.recent_bereavement
            + r.carer
            + (r.age >= 85)
            + (r.imd_decile <= 2)
        )
        keep = (r.age >= 65) & (score >= 5)
    elif cohort == "prediabetes":  # HbA1c 42-47 (or coded), not diabetic
        hba1c = r.hba1c_mmol_mol
        score = (
            (hba1c.fillna(41) - 41).clip(lower=0)
            + 2 * (r.imd_decile <= 3)
            + r.hypertension.astype(int)
        )
        keep = (
            (r.age >= 18) & (r.prediabetes | hba1c.between(42, 47)) & ~r.diabetes & ~(hba1c >= 48)
        )
    else:  # loneliness-risk
        score = (
            2 * r.lives_alone
            + 2 * r.housebound
            + 2 * r.recent_bereavement
            + r.carer
            + (r.age >= 75)
            + (r.depression | r.anxiety)
            + r.dementia
        )
        keep = (r.age >= 18) & (score >= 4)
    return score[keep].astype(float)


@pytest.mark.parametrize("cohort", ["potential-care-needs", "prediabetes", "loneliness-risk"])
def test_shipped_cohorts_select_whom_their_rules_describe(
    tmp_path: Path, small_register: Path, cohort: str
) -> None:
    frame = _run(tmp_path, small_register, cohort).set_index("pseudo_id")
    register = pd.read_parquet(small_register / "register.parquet").set_index("pseudo_id")
    expected = _by_hand(register, cohort)
    assert len(expected) > 20
    assert set(frame.index) == set(expected.index)
    assert (frame["score"] == expected.loc[frame.index]).all()


def test_synthetic_prediabetes_has_hba1c_42_to_47_and_no_diabetes(small_register: Path) -> None:
    register = pd.read_parquet(small_register / "register.parquet")
    pre = register[register.prediabetes]
    assert len(pre) > 50
    assert pre.hba1c_mmol_mol.between(42, 47).all() and not pre.diabetes.any()
    assert (register[register.diabetes].hba1c_mmol_mol >= 48).all()
