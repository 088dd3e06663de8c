"""Cohort definitions: versioned YAML data files, validated, then compiled once to Ibis.

A definition (see `cohorts/*.yaml` and docs/subsystems/population.md):

    id: frequent-attenders          # lower-case letters, digits and dashes
    version: 1                      # bump on any change to the rules
    title: Frequent attenders
    description: ...
    population:                     # everyone considered meets all of these
      - {when: "age >= 18", reason: "Aged 18 or over"}
    include:                        # optional; `match: any` (default) or `all`
      match: any
      rules:
        - {when: "gp_appointments_12m > 12", reason: "More than 12 GP appointments in a year"}
    exclude:                        # anyone meeting one of these is left out
      - {when: "dementia", reason: "Dementia: offered the memory service pathway instead"}
    score:                          # weighted terms; `when` adds the weight, `value` adds weight x value
      - {value: "gp_appointments_12m", weight: 1, reason: "GP appointments in the last year"}
    min_score: 4                    # optional: included only with at least this score
    top_percent: 1                  # optional: only the top N% of the population by score
    top_reason: In the top 1% ...   # optional: the reason shown for top_percent
    model: emergency_admission      # optional: makes `predicted_risk` available (model.py)
    notes:                          # optional: reasons shown when true; no effect on who is in
      - {when: "heart_failure", reason: "Heart failure"}

Who is in: the population rules, then the include rules (if any), the minimum score (if any) and
the top percent (if any); then everyone excluded is removed: national data opt-outs (never
processed at all), people already known to social prescribing, people in an `--exclude` file,
and the definition's own exclusion rules. Ranked by score (highest first), ties by pseudo_id.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import yaml

from linkwell.population import expr
from linkwell.population.register import COLUMNS

COHORTS_DIR = Path(__file__).resolve().parent / "cohorts"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
KEYS = {
    "id",
    "version",
    "title",
    "description",
    "population",
    "include",
    "exclude",
    "score",
    "min_score",
    "top_percent",
    "top_reason",
    "model",
    "notes",
}
MAX_REASON_RULES = 60  # reasons travel as bits of one 64-bit integer per person


class CohortError(ValueError):
    """A definition that cannot be used; `problems` names each one with its place in the file."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


@dataclass(frozen=True)
class Rule:
    when: str
    reason: str


@dataclass(frozen=True)
class Term:
    reason: str
    weight: float
    when: str | None = None
    value: str | None = None


@dataclass
class Cohort:
    id: str
    version: int
    title: str
    description: str
    population: list[Rule]
    include: list[Rule]
    include_match: str
    exclude: list[Rule]
    score: list[Term]
    notes: list[Rule] = field(default_factory=list)
    min_score: float | None = None
    top_percent: float | None = None
    top_reason: str | None = None
    model: str | None = None
    source: str = ""

    def reason_rules(self) -> list[str]:
        """Reasons carried as bits: include rules, score terms, notes (in this order)."""
        return (
            [rule.reason for rule in self.include]
            + [term.reason for term in self.score]
            + [rule.reason for rule in self.notes]
        )


_DTYPES = {
    "text": "string",
    "category": "string",
    "whole": "int64",
    "flag": "boolean",
    "number": "float64",
}


def register_schema(*, with_model: bool = False) -> ibis.Schema:
    fields = {column.name: _DTYPES[column.kind] for column in COLUMNS}
    if with_model:
        fields["predicted_risk"] = "float64"
    return ibis.schema(fields)


def _text(data: dict[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}{key}: required text is missing")
        return ""
    return value.strip()


def _rules(data: Any, where: str, problems: list[str]) -> list[Rule]:
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(f"{where}: expected a list of rules (each with `when` and `reason`)")
        return []
    rules = []
    for index, item in enumerate(data):
        place = f"{where}[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{place}: expected `when` and `reason`")
            continue
        unknown = sorted(set(item) - {"when", "reason"})
        if unknown:
            problems.append(f"{place}: unknown keys {', '.join(map(str, unknown))}")
        when = _text(item, "when", f"{place}.", problems)
        reason = _text(item, "reason", f"{place}.", problems)
        rules.append(Rule(when=when, reason=reason))
    return rules


def parse(data: Any, *, source: str) -> Cohort:
    """Build and validate a Cohort from parsed YAML; raise CohortError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise CohortError(source, ["expected a mapping with id, version, title, population, ..."])
    unknown = sorted(set(map(str, data)) - KEYS)
    if unknown:
        problems.append(f"unknown keys: {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})")
    cohort_id = _text(data, "id", "", problems)
    if cohort_id and not ID_PATTERN.match(cohort_id):
        problems.append(f"id: {cohort_id!r} must be lower-case letters, digits and dashes")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(f"version: expected a whole number of at least 1, got {version!r}")
        version = 0
    title = _text(data, "title", "", problems)
    description = str(data.get("description") or "").strip()
    population = _rules(data.get("population"), "population", problems)
    if not population:
        problems.append("population: at least one rule is required (who is considered)")
    include_data = data.get("include")
    include: list[Rule] = []
    match = "any"
    if include_data is not None:
        if isinstance(include_data, dict):
            unknown = sorted(set(include_data) - {"match", "rules"})
            if unknown:
                problems.append(f"include: unknown keys {', '.join(map(str, unknown))}")
            match = str(include_data.get("match", "any"))
            if match not in ("any", "all"):
                problems.append(f"include.match: expected any or all, got {match!r}")
            include = _rules(include_data.get("rules"), "include.rules", problems)
        else:
            include = _rules(include_data, "include", problems)
    exclude = _rules(data.get("exclude"), "exclude", problems)
    notes = _rules(data.get("notes"), "notes", problems)
    terms: list[Term] = []
    score_data = data.get("score") or []
    if not isinstance(score_data, list):
        problems.append("score: expected a list of terms")
        score_data = []
    for index, item in enumerate(score_data):
        place = f"score[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{place}: expected weight, reason and when or value")
            continue
        unknown = sorted(set(item) - {"when", "value", "weight", "reason"})
        if unknown:
            problems.append(f"{place}: unknown keys {', '.join(map(str, unknown))}")
        weight = item.get("weight", 1)
        if (
            not isinstance(weight, (int, float))
            or isinstance(weight, bool)
            or not math.isfinite(weight)
        ):
            problems.append(f"{place}.weight: expected a number, got {weight!r}")
            weight = 0
        if ("when" in item) == ("value" in item):
            problems.append(
                f"{place}: give exactly one of `when` (a condition) or `value` (a number)"
            )
        reason = _text(item, "reason", f"{place}.", problems)
        terms.append(
            Term(
                reason=reason,
                weight=float(weight),
                when=str(item["when"]) if "when" in item else None,
                value=str(item["value"]) if "value" in item else None,
            )
        )
    if not include and not terms and data.get("top_percent") is None:
        problems.append("give include rules, score terms or top_percent: otherwise everyone is in")
    min_score = data.get("min_score")
    if min_score is not None and (
        not isinstance(min_score, (int, float)) or isinstance(min_score, bool)
    ):
        problems.append(f"min_score: expected a number, got {min_score!r}")
        min_score = None
    top = data.get("top_percent")
    if top is not None and (
        not isinstance(top, (int, float)) or isinstance(top, bool) or not 0 < top <= 100
    ):
        problems.append(f"top_percent: expected a number above 0 and at most 100, got {top!r}")
        top = None
    if (min_score is not None or top is not None) and not terms:
        problems.append("min_score and top_percent need score terms to rank by")
    model = data.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        problems.append(f"model: expected a model name or path, got {model!r}")
        model = None
    top_reason = data.get("top_reason")
    cohort = Cohort(
        id=cohort_id,
        version=int(version),
        title=title,
        description=description,
        population=population,
        include=include,
        include_match=match,
        exclude=exclude,
        score=terms,
        notes=notes,
        min_score=float(min_score) if min_score is not None else None,
        top_percent=float(top) if top is not None else None,
        top_reason=str(top_reason) if top_reason else None,
        model=model.strip() if isinstance(model, str) else None,
        source=source,
    )
    if len(cohort.reason_rules()) > MAX_REASON_RULES:
        problems.append(f"at most {MAX_REASON_RULES} include rules, score terms and notes together")
    if not problems:
        # Compile against the register's documented schema: unknown columns, operators and
        # type mismatches are found now, before any data is read.
        schema_table = ibis.table(
            register_schema(with_model=cohort.model is not None), name="register"
        )
        columns = expr.columns_of(schema_table)
        for place, rule in _all_conditions(cohort):
            try:
                expr.condition(rule, columns)
            except expr.ExpressionError as exc:
                problems.append(f"{place}: {exc}")
        for index, term in enumerate(cohort.score):
            try:
                if term.when is not None:
                    expr.condition(term.when, columns)
                else:
                    expr.number(term.value, columns)
            except expr.ExpressionError as exc:
                problems.append(f"score[{index}].{'when' if term.when else 'value'}: {exc}")
    if problems:
        raise CohortError(source, problems)
    return cohort


def _all_conditions(cohort: Cohort) -> list[tuple[str, str]]:
    found = []
    for section, rules in (
        ("population", cohort.population),
        ("include.rules", cohort.include),
        ("exclude", cohort.exclude),
        ("notes", cohort.notes),
    ):
        found += [(f"{section}[{index}].when", rule.when) for index, rule in enumerate(rules)]
    return found


def load(path: str | Path) -> Cohort:
    """Load a definition from a file, or a shipped one by id (e.g. `frequent-attenders`)."""
    source = Path(path)
    if not source.exists() and (COHORTS_DIR / f"{path}.yaml").exists():
        source = COHORTS_DIR / f"{path}.yaml"
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        shipped = ", ".join(shipped_ids())
        raise CohortError(
            str(path), [f"cannot read it ({exc.strerror}); shipped cohorts: {shipped}"]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CohortError(str(source), [f"not valid YAML: {where}{problem}"]) from None
    return parse(data, source=str(source))


def shipped_ids() -> list[str]:
    return sorted(path.stem for path in COHORTS_DIR.glob("*.yaml"))


def shipped() -> list[Cohort]:
    return [load(COHORTS_DIR / f"{name}.yaml") for name in shipped_ids()]


@dataclass
class Compiled:
    """The cohort as Ibis expressions over one register table (built once, run on any engine).

    `ranked` has pseudo_id, practice, age, imd_decile, score and reason_bits, ordered by rank;
    `counts` is one row: how many were considered (the population, opt-outs aside), matched, and
    excluded by each kind of exclusion. `listed` gives both in one query (`run` reads it):
    everyone matched, in rank order, with flags for kept and for each kind of exclusion and the
    number considered on every row.
    """

    cohort: Cohort
    ranked: ir.Table
    counts: ir.Table
    reasons: list[str]
    listed: ir.Table | None = None
    considered: ir.Table | None = None
    limit: int | None = None

    def reasons_json(self, bits: int) -> str:
        chosen = [rule.reason for rule in self.cohort.population]
        if self.cohort.top_percent is not None:
            chosen.append(
                self.cohort.top_reason
                or f"Among the top {self.cohort.top_percent:g}% of the population by score"
            )
        chosen += [reason for index, reason in enumerate(self.reasons) if bits >> index & 1]
        return json.dumps(chosen, ensure_ascii=False)


def compile_cohort(
    cohort: Cohort,
    table: ir.Table,
    *,
    risk: ir.NumericValue | None = None,
    exclude_ids: ir.Table | None = None,
    limit: int | None = None,
) -> Compiled:
    """Compile to Ibis. `table` is a validated register (register.validate); `risk` the model's
    predicted risk over it (model.risk_expression) when the cohort names a model."""
    if cohort.model is not None:
        if risk is None:
            raise CohortError(cohort.source, [f"model: {cohort.model} was not loaded"])
        table = table.mutate(predicted_risk=risk)
    # National data opt-outs are never processed.
    people = table.filter(~table.national_data_opt_out)
    columns = expr.columns_of(people)

    def cond(text: str) -> ir.BooleanValue:
        return expr.condition(text, columns)

    population = cond(cohort.population[0].when)
    for rule in cohort.population[1:]:
        population = population & cond(rule.when)

    bit_terms: list[ir.Value] = []
    bit = 0
    include_parts = [cond(rule.when) for rule in cohort.include]
    for part in include_parts:
        bit_terms.append(ibis.ifelse(part, ibis.literal(1 << bit, "int64"), 0))
        bit += 1
    score: ir.NumericValue = ibis.literal(0.0)
    for term in cohort.score:
        if term.when is not None:
            hit = cond(term.when)
            contribution: ir.NumericValue = ibis.ifelse(hit, term.weight, 0.0)
        else:
            contribution = expr.number(term.value, columns) * term.weight
        score = score + contribution
        bit_terms.append(ibis.ifelse(contribution > 0, ibis.literal(1 << bit, "int64"), 0))
        bit += 1
    for rule in cohort.notes:
        bit_terms.append(ibis.ifelse(cond(rule.when), ibis.literal(1 << bit, "int64"), 0))
        bit += 1
    reason_bits: ir.IntegerValue = ibis.literal(0, "int64")
    for term_bits in bit_terms:
        reason_bits = reason_bits + term_bits

    included = ibis.literal(True)
    if include_parts:
        included = include_parts[0]
        for part in include_parts[1:]:
            included = (included | part) if cohort.include_match == "any" else (included & part)
    # Rounded in the engine so both engines rank on the same values (ties by pseudo_id).
    score = score.round(6)
    if cohort.min_score is not None:
        included = included & (score >= cohort.min_score)
    excluded_rule = ibis.literal(False)
    for rule in cohort.exclude:
        excluded_rule = excluded_rule | cond(rule.when)
    on_file = (
        people.pseudo_id.isin(exclude_ids.pseudo_id)
        if exclude_ids is not None
        else ibis.literal(False)
    )
    scored = people.filter(population).select(
        "pseudo_id",
        "practice",
        "age",
        "imd_decile",
        score=score,
        reason_bits=reason_bits,
        included=included,
        excluded_rule=excluded_rule,
        known=people.known_to_social_prescribing,
        on_file=on_file,
    )
    candidates = scored.filter(scored.included)
    order = [ibis.desc("score"), ibis.asc("pseudo_id")]
    if cohort.top_percent is not None:
        # The top N% of the whole considered population (opt-outs aside), before exclusions:
        # "in the top 1% of risk" means the same whoever is already known to the service.
        size = scored.count()
        keep = (size.cast("float64") * (cohort.top_percent / 100.0)).ceil().cast("int64")
        numbered = candidates.mutate(_position=ibis.row_number().over(order_by=order))
        candidates = numbered.filter(numbered._position < keep).drop("_position")
    considered = scored.aggregate(considered=scored.count())
    matched = candidates.aggregate(
        matched=candidates.count(),
        excluded_rule=candidates.excluded_rule.sum().cast("int64"),
        excluded_known=(candidates.known & ~candidates.excluded_rule).sum().cast("int64"),
        excluded_file=(candidates.on_file & ~candidates.known & ~candidates.excluded_rule)
        .sum()
        .cast("int64"),
    )
    # One row, one query (each query is a job on Spark).
    counts = matched.cross_join(considered)
    keep = ~candidates.excluded_rule & ~candidates.known & ~candidates.on_file
    kept = candidates.filter(keep)
    ranked = kept.select(
        "pseudo_id", "practice", "age", "imd_decile", "score", "reason_bits"
    ).order_by(order)
    if limit is not None:
        ranked = ranked.limit(limit)
    # Everyone matched, ranked, with what the counts need, in one query: the exclusion flags as
    # the counts above see them (a blank is neither excluded nor kept, as in SQL), and the
    # number considered alongside (a subquery; `considered` again when nobody matched).
    listed = candidates.select(
        "pseudo_id",
        "practice",
        "age",
        "imd_decile",
        "score",
        "reason_bits",
        _keep=keep.fill_null(False),
        _rule=candidates.excluded_rule.fill_null(False),
        _known=(candidates.known & ~candidates.excluded_rule).fill_null(False),
        _file=(candidates.on_file & ~candidates.known & ~candidates.excluded_rule).fill_null(False),
        _considered=considered.considered.as_scalar(),
    ).order_by(order)
    return Compiled(
        cohort=cohort,
        ranked=ranked,
        counts=counts,
        reasons=cohort.reason_rules(),
        listed=listed,
        considered=considered,
        limit=limit,
    )
