"""The instrument engine: measures are data (JSON definitions), scored by one set of rules.

A definition (see `instruments/*.json` and README.md) names its items and their response options,
how the score is made (`sum`, `mean`, `lookup` — a sum converted through a table such as the
SWEMWBS Rasch table — or `items`, where each item is reported on its own, as ONS4 is), the valid
score range, the missing-item rule from the instrument's manual, bands, direction, reliable and
minimal important change, alerts (PHQ-9 item 9) and the licence notice.

This module is pure Python (no database): `definition_errors` (validate.py) checks a definition,
`Instrument.from_dict` builds one, `score_answers` / `score_total` score it. Scoring never guesses:
an answer outside an item's options, or more missing items than the manual allows, raises
`AnswerError` naming the item and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Number = int | float

HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
METHODS = ("sum", "mean", "lookup", "items", "value_set")
ITEM_TEXT_SHIPPED = "shipped"
ITEM_TEXT_DEPLOYER = "deployer"


class AnswerError(ValueError):
    """Answers that cannot be scored; `messages` names each problem (item and allowed values)."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round as a person does on paper (0.5 up), not Python's round-half-to-even."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _num(value: Number) -> Number:
    """Whole numbers as int (so JSON prints 12, not 12.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Option:
    value: Number
    label: str


@dataclass(frozen=True)
class Band:
    min: Number
    max: Number
    label: str

    def contains(self, value: Number) -> bool:
        return self.min <= value <= self.max


def band_for(bands: Sequence[Band], value: Number | None) -> str | None:
    if value is None:
        return None
    for band in bands:
        if band.contains(value):
            return band.label
    return None


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    text: str | None  # None: supplied by the deployer (licensed) and not loaded
    options: tuple[Option, ...]
    reported: bool = False
    optional: bool = False
    direction: str | None = None
    bands: tuple[Band, ...] = ()

    @property
    def values(self) -> list[Number]:
        return [option.value for option in self.options]

    @property
    def min(self) -> Number:
        return min(self.values)

    @property
    def max(self) -> Number:
        return max(self.values)

    def label_for(self, value: Number | None) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return ""

    def allowed(self) -> str:
        values = self.values
        whole = all(float(v).is_integer() for v in values)
        if whole and sorted(values) == list(range(int(self.min), int(self.max) + 1)):
            return f"a whole number from {_num(self.min)} to {_num(self.max)}"
        return "one of " + ", ".join(str(_num(v)) for v in values)


@dataclass(frozen=True)
class Alert:
    item: str
    min: Number
    kind: str
    title: str
    message: str
    on_missing: str = ""


@dataclass(frozen=True)
class DynamicItems:
    """Items made at recording time (one per goal of the plan), all with the same options."""

    label: str
    options: tuple[Option, ...]
    min_count: int = 1
    max_count: int = 20

    def item(self, n: int, item_id: str | None = None, text: str | None = None) -> Item:
        return Item(
            id=item_id or f"item_{n}",
            label=f"{self.label} {n}",
            text=text or f"{self.label} {n}",
            options=self.options,
            reported=True,
        )


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    short_title: str
    description: str
    preamble: str
    items: tuple[Item, ...]
    method: str
    range_min: Number | None
    range_max: Number | None
    direction: str
    item_text: str
    licence: str
    sources: tuple[str, ...] = ()
    decimals: int = 0
    lookup: Mapping[int, float] = field(default_factory=dict)
    max_missing: int = 0
    missing_rule: str = ""
    bands: tuple[Band, ...] = ()
    reliable_change: Number | None = None
    minimal_important_change: Number | None = None
    change_source: str = ""
    alerts: tuple[Alert, ...] = ()
    allow_total_entry: bool = True
    dynamic: DynamicItems | None = None
    category: str = "outcome"
    local: bool = False
    # `value_set` method (EQ-5D): the items whose levels make the health state ("11111"), and
    # the deployer's value set {state: index} when loaded (registry.py); None = no index.
    profile_items: tuple[str, ...] = ()
    value_set: Mapping[str, float] | None = None
    value_set_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def has_item_text(self) -> bool:
        return all(item.text for item in self.items)

    @property
    def reports_items(self) -> bool:
        return self.method == "items" or any(item.reported for item in self.items)

    @property
    def has_total(self) -> bool:
        return self.method != "items"

    @property
    def total_label(self) -> str:
        if self.method == "value_set":
            return "index value"
        return "metric score" if self.method == "lookup" else "score"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, local: bool = False) -> Instrument:
        """Build from a definition already checked by validate.definition_errors."""
        sets: dict[str, tuple[Option, ...]] = {
            name: tuple(Option(o["value"], o["label"]) for o in options)
            for name, options in (data.get("response_sets") or {}).items()
        }

        def options_of(spec: Mapping[str, Any]) -> tuple[Option, ...]:
            if "response_set" in spec:
                return sets[spec["response_set"]]
            return tuple(Option(o["value"], o["label"]) for o in spec["options"])

        def bands_of(raw: Any) -> tuple[Band, ...]:
            return tuple(Band(b["min"], b["max"], b["label"]) for b in raw or [])

        items = tuple(
            Item(
                id=spec["id"],
                label=spec.get("label") or spec["id"],
                text=spec.get("text") or None,
                options=options_of(spec),
                reported=bool(spec.get("reported", False)),
                optional=bool(spec.get("optional", False)),
                direction=spec.get("direction"),
                bands=bands_of(spec.get("bands")),
            )
            for spec in data.get("items") or []
        )
        scoring = data["scoring"]
        missing = scoring.get("missing") or {}
        change = data.get("change") or {}
        dyn = data.get("dynamic_items")
        dynamic = None
        if dyn:
            dynamic = DynamicItems(
                label=dyn["label"],
                options=options_of(dyn),
                min_count=int(dyn.get("min_count", 1)),
                max_count=int(dyn.get("max_count", 20)),
            )
        score_range = data.get("range") or {}
        return cls(
            id=data["id"],
            version=str(data["version"]),
            title=data["title"],
            short_title=data.get("short_title") or data["title"],
            description=data.get("description", ""),
            preamble=data.get("preamble", ""),
            items=items,
            method=scoring["method"],
            range_min=score_range.get("min"),
            range_max=score_range.get("max"),
            direction=data.get("direction", HIGHER_IS_BETTER),
            item_text=data.get("item_text", ITEM_TEXT_SHIPPED),
            licence=data["licence"],
            sources=tuple(data.get("sources") or []),
            decimals=int(scoring.get("decimals", 0)),
            lookup={int(k): float(v) for k, v in (scoring.get("lookup") or {}).items()},
            max_missing=int(missing.get("max_missing", 0)),
            missing_rule=missing.get("rule", ""),
            bands=bands_of(data.get("bands")),
            reliable_change=change.get("reliable_change"),
            minimal_important_change=change.get("minimal_important_change"),
            change_source=change.get("source", ""),
            alerts=tuple(
                Alert(
                    item=a["item"],
                    min=a["min"],
                    kind=a.get("kind", "risk"),
                    title=a["title"],
                    message=a["message"],
                    on_missing=a.get("on_missing", ""),
                )
                for a in data.get("alerts") or []
            ),
            allow_total_entry=bool(
                data.get(
                    "allow_total_entry", data["scoring"]["method"] not in ("items", "value_set")
                )
            ),
            dynamic=dynamic,
            category=data.get("category", "outcome"),
            local=local,
            profile_items=tuple((scoring.get("value_set") or {}).get("items") or ()),
        )

    def with_value_set(self, index: Mapping[str, float], name: str) -> Instrument:
        """A copy carrying the deployer's value set (health state -> index value)."""
        from dataclasses import replace

        return replace(self, value_set=dict(index), value_set_name=name)

    def with_item_text(self, texts: Mapping[str, str], preamble: str = "") -> Instrument:
        """A copy carrying deployer-supplied item text (licensed instruments)."""
        from dataclasses import replace

        items = tuple(replace(item, text=texts.get(item.id) or item.text) for item in self.items)
        return replace(self, items=items, preamble=preamble or self.preamble)

    def items_for(self, count: int | None = None, ids: Sequence[str] = ()) -> tuple[Item, ...]:
        """The items to answer: the fixed ones, or `count` dynamic ones (ids from `ids`)."""
        if self.dynamic is None:
            return self.items
        n = count if count is not None else len(ids)
        return tuple(self.dynamic.item(i + 1, ids[i] if i < len(ids) else None) for i in range(n))


@dataclass
class ItemScore:
    id: str
    label: str
    value: Number | None
    answer: str
    band: str | None = None


@dataclass
class ScoreResult:
    instrument: Instrument
    raw: Number | None
    score: Number | None
    band: str | None
    answers: dict[str, Number | None]
    items: list[ItemScore]
    missing: list[str]
    prorated: bool = False
    total_only: bool = False
    alerts: list[Alert] = field(default_factory=list)
    alert_missing: list[Alert] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "instrument": self.instrument.id,
            "version": self.instrument.version,
            "raw": self.raw,
            "score": self.score,
            "band": self.band,
        }
        if self.instrument.reports_items and not self.total_only:
            out["items"] = {
                item.id: {"score": item.value, "band": item.band} for item in self.items
            }
        if self.missing:
            out["missing"] = self.missing
        if self.prorated:
            out["prorated"] = True
        if self.alerts:
            out["alerts"] = [
                {"item": a.item, "kind": a.kind, "title": a.title} for a in self.alerts
            ]
        return out


def parse_answer_list(text: str) -> list[Number | None]:
    """`4,3,,5` -> [4, 3, None, 5]; an empty or `-` entry is a missing item."""
    values: list[Number | None] = []
    for n, part in enumerate(text.split(","), start=1):
        part = part.strip()
        if part in {"", "-"}:
            values.append(None)
            continue
        try:
            number = float(part)
        except ValueError:
            raise AnswerError([f"Answer {n} “{part}” is not a number"]) from None
        if not math.isfinite(number):
            raise AnswerError([f"Answer {n} “{part}” is not a number"])
        values.append(_num(number))
    return values


def _normalise(
    instrument: Instrument,
    answers: Sequence[Number | None] | Mapping[str, Number | None],
    item_ids: Sequence[str] = (),
) -> tuple[tuple[Item, ...], dict[str, Number | None]]:
    if isinstance(answers, Mapping):
        if instrument.dynamic is not None:
            ids = list(item_ids) or list(answers)
            items = instrument.items_for(ids=ids)
        else:
            items = instrument.items
            unknown = sorted(set(answers) - {item.id for item in items})
            if unknown:
                raise AnswerError([f"{instrument.short_title} has no item “{u}”" for u in unknown])
        return items, {item.id: answers.get(item.id) for item in items}
    values = list(answers)
    if instrument.dynamic is not None:
        dyn = instrument.dynamic
        if not dyn.min_count <= len(values) <= dyn.max_count:
            raise AnswerError(
                [
                    f"{instrument.short_title} needs from {dyn.min_count} to {dyn.max_count} "
                    f"answers (one per {dyn.label.lower()}); got {len(values)}"
                ]
            )
        items = instrument.items_for(count=len(values), ids=item_ids)
    else:
        items = instrument.items
        if len(values) != len(items):
            raise AnswerError(
                [
                    f"{instrument.short_title} has {len(items)} items; got {len(values)} answers "
                    "(leave a missing item empty, e.g. 1,,3)"
                ]
            )
    return items, {item.id: value for item, value in zip(items, values, strict=True)}


def score_answers(
    instrument: Instrument,
    answers: Sequence[Number | None] | Mapping[str, Number | None],
    *,
    item_ids: Sequence[str] = (),
) -> ScoreResult:
    """Score item answers (a list in item order, or {item id: value}); None = not answered."""
    items, values = _normalise(instrument, answers, item_ids)
    errors: list[str] = []
    for n, item in enumerate(items, start=1):
        value = values[item.id]
        if value is not None and value not in item.values:
            name = item.label if item.label != item.id else f"Item {n}"
            errors.append(
                f"{instrument.short_title} item {n} ({name}): {_num(value)} is not allowed; "
                f"answer {item.allowed()}"
            )
    if errors:
        raise AnswerError(errors)
    missing = [item.id for item in items if values[item.id] is None]
    required_missing = [item.id for item in items if values[item.id] is None and not item.optional]
    answered = [values[item.id] for item in items if values[item.id] is not None]
    if instrument.method != "items" and (
        len(required_missing) > instrument.max_missing or not answered
    ):
        rule = instrument.missing_rule or (
            "every item must be answered"
            if instrument.max_missing == 0
            else f"at most {instrument.max_missing} may be missing"
        )
        raise AnswerError(
            [
                f"{instrument.short_title}: {len(required_missing)} item(s) not answered "
                f"({', '.join(_position(items, m) for m in required_missing)}); {rule}"
            ]
        )
    item_scores = [
        ItemScore(
            id=item.id,
            label=item.label,
            value=values[item.id],
            answer=item.label_for(values[item.id]),
            band=band_for(item.bands, values[item.id]),
        )
        for item in items
    ]
    raw: Number | None = None
    score: Number | None = None
    prorated = False
    nums = [float(v) for v in answered if v is not None]
    if instrument.method in {"sum", "lookup"}:
        total = sum(nums)
        scored_count = len([i for i in items if not i.optional])
        if required_missing:
            # Prorate: the mean of the answered items times the number of items, rounded to a
            # whole number (the manual's rule, cited in the definition's missing.rule).
            total = round_half_up(total * scored_count / len(nums))
            prorated = True
        raw = _num(total)
        if instrument.method == "lookup":
            score = instrument.lookup[int(raw)]
            score = _num(round_half_up(score, instrument.decimals))
        else:
            score = raw
    elif instrument.method == "value_set":
        # The health state, e.g. "11213": each profile item's level in order. No index without
        # the deployer's value set (the profile and other items are still recorded).
        state = "".join(str(int(values[i] or 0)) for i in instrument.profile_items)
        if instrument.value_set is not None:
            score = _num(round_half_up(float(instrument.value_set[state]), instrument.decimals))
    elif instrument.method == "mean":
        mean = sum(nums) / len(nums)
        raw = _num(round_half_up(sum(nums), 6))
        score = _num(round_half_up(mean, instrument.decimals))
    alerts, alert_missing = _alerts(instrument, values)
    return ScoreResult(
        instrument=instrument,
        raw=raw,
        score=score,
        band=band_for(instrument.bands, score),
        answers=values,
        items=item_scores,
        missing=missing,
        prorated=prorated,
        alerts=alerts,
        alert_missing=alert_missing,
    )


def _position(items: Sequence[Item], item_id: str) -> str:
    for n, item in enumerate(items, start=1):
        if item.id == item_id:
            return f"item {n}"
    return item_id


def _alerts(
    instrument: Instrument, values: Mapping[str, Number | None]
) -> tuple[list[Alert], list[Alert]]:
    raised: list[Alert] = []
    unanswered: list[Alert] = []
    for alert in instrument.alerts:
        value = values.get(alert.item)
        if value is None:
            if alert.on_missing and alert.item in values:
                unanswered.append(alert)
        elif value >= alert.min:
            raised.append(alert)
    return raised, unanswered


def score_total(instrument: Instrument, total: Number) -> ScoreResult:
    """Score a total copied from a paper form (no item answers): checks it is in range."""
    if not instrument.allow_total_entry or instrument.method in ("items", "value_set"):
        raise AnswerError(
            [f"{instrument.short_title} is reported item by item; enter each item's answer"]
        )
    if instrument.method in {"sum", "lookup"}:
        low, high = raw_range(instrument)
        if not float(total).is_integer() or not low <= total <= high:
            raise AnswerError(
                [
                    f"{instrument.short_title}: a total of {_num(total)} is not possible; "
                    f"enter a whole number from {_num(low)} to {_num(high)}"
                ]
            )
        raw: Number = _num(total)
        score: Number = raw
        if instrument.method == "lookup":
            score = _num(round_half_up(instrument.lookup[int(raw)], instrument.decimals))
    else:
        low = instrument.range_min if instrument.range_min is not None else -math.inf
        high = instrument.range_max if instrument.range_max is not None else math.inf
        if not low <= total <= high:
            raise AnswerError(
                [
                    f"{instrument.short_title}: a score of {_num(total)} is not possible; "
                    f"enter a number from {_num(low)} to {_num(high)}"
                ]
            )
        raw = _num(total)
        score = _num(round_half_up(float(total), instrument.decimals))
    return ScoreResult(
        instrument=instrument,
        raw=raw,
        score=score,
        band=band_for(instrument.bands, score),
        answers={},
        items=[],
        missing=[],
        total_only=True,
    )


def raw_range(instrument: Instrument) -> tuple[Number, Number]:
    """The lowest and highest raw sum the items allow (optional items may be left out)."""
    items = [i for i in instrument.items if not i.optional]
    return _num(sum(i.min for i in items)), _num(sum(i.max for i in items))


def change_direction(instrument: Instrument, before: Number, after: Number) -> int:
    """+1 improved, -1 worse, 0 same, taking the instrument's direction into account."""
    delta = after - before
    if instrument.direction == LOWER_IS_BETTER:
        delta = -delta
    return (delta > 0) - (delta < 0)
