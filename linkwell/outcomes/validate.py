"""Checks a measure definition before it is used, with a specific message per problem.

`definition_errors(data)` returns every problem at once, each starting with where it is
(`items[3].options[1].value: ...`), so an administrator adding a local measure
(`linkwell measures add FILE` or the page at /outcomes/measures/add/) can fix them in one go.
A definition with no errors can be built with `Instrument.from_dict` and scored.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from linkwell.outcomes.engine import (
    HIGHER_IS_BETTER,
    ITEM_TEXT_DEPLOYER,
    ITEM_TEXT_SHIPPED,
    LOWER_IS_BETTER,
    METHODS,
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
ITEM_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DIRECTIONS = (HIGHER_IS_BETTER, LOWER_IS_BETTER)
CATEGORIES = ("outcome", "goal_attainment", "experience", "staff_satisfaction", "assessment")
KNOWN_KEYS = {
    "id",
    "version",
    "title",
    "short_title",
    "description",
    "preamble",
    "category",
    "item_text",
    "licence",
    "sources",
    "response_sets",
    "items",
    "dynamic_items",
    "scoring",
    "range",
    "direction",
    "bands",
    "change",
    "alerts",
    "allow_total_entry",
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _options_errors(where: str, options: Any) -> list[str]:
    if not isinstance(options, list) or not options:
        return [f'{where}: give a non-empty list of options, each {{"value": n, "label": text}}']
    errors = []
    seen: set[float] = set()
    for n, option in enumerate(options):
        at = f"{where}[{n}]"
        if not isinstance(option, Mapping):
            errors.append(f"{at}: each option must be an object with value and label")
            continue
        value: Any = option.get("value")
        if not _is_number(value):
            errors.append(f"{at}.value: must be a number, not {value!r}")
        elif value in seen:
            errors.append(f"{at}.value: {value} is used twice")
        else:
            seen.add(value)
        if not isinstance(option.get("label"), str) or not option["label"].strip():
            errors.append(f"{at}.label: give the option's wording")
    return errors


def _bands_errors(where: str, bands: Any, low: float | None, high: float | None) -> list[str]:
    if bands is None:
        return []
    if not isinstance(bands, list):
        return [f'{where}: must be a list of {{"min", "max", "label"}}']
    errors = []
    spans: list[tuple[float, float, int]] = []
    for n, band in enumerate(bands):
        at = f"{where}[{n}]"
        if not isinstance(band, Mapping):
            errors.append(f"{at}: must be an object with min, max and label")
            continue
        bmin: Any = band.get("min")
        bmax: Any = band.get("max")
        if not _is_number(bmin) or not _is_number(bmax):
            errors.append(f"{at}: min and max must be numbers")
            continue
        if bmin > bmax:
            errors.append(f"{at}: min {bmin} is above max {bmax}")
        if low is not None and high is not None and (bmin < low or bmax > high):
            errors.append(f"{at}: {bmin} to {bmax} is outside the score range {low} to {high}")
        if not isinstance(band.get("label"), str) or not band["label"].strip():
            errors.append(f"{at}.label: give the band's name")
        spans.append((bmin, bmax, n))
    spans.sort()
    for (_, amax, a), (bmin, _, b) in itertools.pairwise(spans):
        if bmin <= amax:
            errors.append(f"{where}: bands {a} and {b} overlap")
    return errors


def definition_errors(data: Any) -> list[str]:
    if not isinstance(data, Mapping):
        return ["The definition must be a JSON object"]
    errors: list[str] = []
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        errors.append(f"Unknown field(s): {', '.join(unknown)}")
    ident = data.get("id")
    if not isinstance(ident, str) or not ID_PATTERN.match(ident):
        errors.append(
            "id: use 2-40 lower-case letters, digits and hyphens, starting with a letter "
            f"(got {ident!r})"
        )
    if not isinstance(data.get("version"), str) or not data["version"].strip():
        errors.append('version: give a version as text, e.g. "1"')
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        errors.append("title: give the measure's name")
    if not isinstance(data.get("licence"), str) or not data["licence"].strip():
        errors.append('licence: give the licence or copyright notice ("Local measure" if yours)')
    item_text = data.get("item_text", ITEM_TEXT_SHIPPED)
    if item_text not in (ITEM_TEXT_SHIPPED, ITEM_TEXT_DEPLOYER):
        errors.append(f'item_text: use "{ITEM_TEXT_SHIPPED}" or "{ITEM_TEXT_DEPLOYER}"')
    if data.get("category", "outcome") not in CATEGORIES:
        errors.append(f"category: use one of {', '.join(CATEGORIES)}")
    direction = data.get("direction", HIGHER_IS_BETTER)
    if direction not in DIRECTIONS:
        errors.append(f"direction: use {HIGHER_IS_BETTER} or {LOWER_IS_BETTER}")

    sets = data.get("response_sets") or {}
    if not isinstance(sets, Mapping):
        errors.append("response_sets: must be an object of named option lists")
        sets = {}
    for name, options in sets.items():
        errors.extend(_options_errors(f"response_sets.{name}", options))

    def item_options(where: str, spec: Mapping[str, Any]) -> list[float] | None:
        if "response_set" in spec:
            name = spec["response_set"]
            if name not in sets:
                errors.append(f"{where}.response_set: unknown response set {name!r}")
                return None
            options = sets[name]
        elif "options" in spec:
            option_errors = _options_errors(f"{where}.options", spec["options"])
            errors.extend(option_errors)
            if option_errors:
                return None
            options = spec["options"]
        else:
            errors.append(f"{where}: give options or a response_set")
            return None
        if not isinstance(options, list):
            return None
        return [
            o["value"] for o in options if isinstance(o, Mapping) and _is_number(o.get("value"))
        ]

    items = data.get("items")
    dynamic = data.get("dynamic_items")
    item_values: dict[str, list[float]] = {}
    optional: set[str] = set()
    if dynamic is not None:
        if not isinstance(dynamic, Mapping) or not isinstance(dynamic.get("label"), str):
            errors.append("dynamic_items: give a label and options (or a response_set)")
        else:
            item_options("dynamic_items", dynamic)
        if items:
            errors.append("items: a measure has either fixed items or dynamic_items, not both")
    elif not isinstance(items, list) or not items:
        errors.append("items: give at least one item")
    else:
        for n, spec in enumerate(items):
            where = f"items[{n}]"
            if not isinstance(spec, Mapping):
                errors.append(f"{where}: each item must be an object")
                continue
            item_id = spec.get("id")
            if not isinstance(item_id, str) or not ITEM_ID_PATTERN.match(item_id):
                errors.append(f"{where}.id: use lower-case letters, digits and _ (got {item_id!r})")
                continue
            if item_id in item_values:
                errors.append(f"{where}.id: {item_id!r} is used twice")
                continue
            text = spec.get("text")
            if item_text == ITEM_TEXT_SHIPPED and (not isinstance(text, str) or not text.strip()):
                errors.append(
                    f"{where}.text: give the item's wording, or set item_text to "
                    f'"{ITEM_TEXT_DEPLOYER}" if a licence keeps it out of the code'
                )
            if item_text == ITEM_TEXT_DEPLOYER and text:
                errors.append(
                    f"{where}.text: item text of a licensed measure comes from the deployer's "
                    "file, not the definition"
                )
            values = item_options(where, spec)
            item_values[item_id] = values or []
            if spec.get("optional"):
                optional.add(item_id)
            if spec.get("direction") not in (None, *DIRECTIONS):
                errors.append(f"{where}.direction: use {HIGHER_IS_BETTER} or {LOWER_IS_BETTER}")
            if values:
                errors.extend(
                    _bands_errors(f"{where}.bands", spec.get("bands"), min(values), max(values))
                )

    scoring = data.get("scoring")
    if not isinstance(scoring, Mapping):
        errors.append(f"scoring: give an object with method ({', '.join(METHODS)})")
        return errors
    method = scoring.get("method")
    if method not in METHODS:
        errors.append(f"scoring.method: use one of {', '.join(METHODS)} (got {method!r})")
        return errors
    decimals = scoring.get("decimals", 0)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 4:
        errors.append("scoring.decimals: a whole number from 0 to 4")
    missing = scoring.get("missing") or {}
    max_missing = missing.get("max_missing", 0) if isinstance(missing, Mapping) else None
    required = [i for i in item_values if i not in optional]
    if not isinstance(max_missing, int) or isinstance(max_missing, bool) or max_missing < 0:
        errors.append("scoring.missing.max_missing: a whole number, 0 or more")
    elif dynamic is None and required and max_missing >= len(required):
        errors.append(
            f"scoring.missing.max_missing: {max_missing} would allow a score with no answers; "
            f"use fewer than {len(required)}"
        )
    elif max_missing and not (isinstance(missing, Mapping) and missing.get("rule")):
        errors.append(
            "scoring.missing.rule: say where the missing-item rule comes from (the manual)"
        )

    # The score range must be what the items can actually produce: a typo in an option value or
    # the range is caught here, not in a commissioner's report.
    score_range = data.get("range")
    computed: tuple[float, float] | None = None
    if dynamic is None and item_values and all(item_values[i] for i in item_values):
        mins = [min(item_values[i]) for i in required]
        maxs = [max(item_values[i]) for i in required]
        if method in {"sum", "lookup"}:
            computed = (sum(mins), sum(maxs))
        elif method == "mean":
            all_values = [v for values in item_values.values() for v in values]
            computed = (min(all_values), max(all_values))
    if method == "value_set":
        spec = scoring.get("value_set")
        profile = spec.get("items") if isinstance(spec, Mapping) else None
        if not isinstance(profile, list) or not profile:
            errors.append('scoring.value_set: give {"items": [the items making the health state]}')
        else:
            for item_id in profile:
                values = item_values.get(item_id)
                if values is None:
                    errors.append(f"scoring.value_set.items: {item_id!r} is not an item")
                elif sorted(values) != list(range(1, len(values) + 1)) or len(values) > 9:
                    errors.append(
                        f"scoring.value_set.items: {item_id!r} must have levels 1, 2, ... (up to 9)"
                    )
                elif item_id in optional:
                    errors.append(f"scoring.value_set.items: {item_id!r} cannot be optional")
        if max_missing:
            errors.append("scoring.missing.max_missing: a health state needs every level (use 0)")
        if score_range is not None and not (
            isinstance(score_range, Mapping)
            and all(_is_number(score_range.get(k)) for k in ("min", "max"))
        ):
            errors.append('range: give {"min": n, "max": n} or leave it out')
        if data.get("bands"):
            errors.append("bands: index values come from the deployer's value set; no bands")
    elif method == "items":
        if score_range is not None:
            errors.append("range: an item-by-item measure has no total; give bands per item")
        if data.get("bands"):
            errors.append("bands: an item-by-item measure has no total; give bands per item")
    else:
        if not isinstance(score_range, Mapping) or not all(
            _is_number(score_range.get(k)) for k in ("min", "max")
        ):
            errors.append('range: give the score\'s {"min": n, "max": n}')
            score_range = None
        elif (
            computed
            and method != "lookup"
            and (score_range["min"] != computed[0] or score_range["max"] != computed[1])
        ):
            errors.append(
                f"range: the items give {computed[0]:g} to {computed[1]:g}, "
                f"not {score_range['min']:g} to {score_range['max']:g}"
            )
    if method == "lookup":
        table = scoring.get("lookup")
        if not isinstance(table, Mapping) or not table:
            errors.append('scoring.lookup: give the conversion table {"raw": score, ...}')
        elif computed:
            wanted = {str(n) for n in range(int(computed[0]), int(computed[1]) + 1)}
            absent = sorted(wanted - set(table), key=int)
            extra = sorted(set(table) - wanted)
            if absent:
                errors.append(f"scoring.lookup: no converted score for raw {', '.join(absent)}")
            if extra:
                errors.append(f"scoring.lookup: raw {', '.join(extra)} cannot occur")
            bad = [k for k, v in table.items() if not _is_number(v)]
            if bad:
                errors.append(f"scoring.lookup: the value for raw {', '.join(bad)} is not a number")
            elif score_range and not absent:
                values = [table[k] for k in wanted]
                if min(values) != score_range["min"] or max(values) != score_range["max"]:
                    errors.append(
                        f"range: the table gives {min(values):g} to {max(values):g}, not "
                        f"{score_range['min']:g} to {score_range['max']:g}"
                    )
    if method not in ("items", "value_set") and isinstance(score_range, Mapping):
        errors.extend(
            _bands_errors(
                "bands", data.get("bands"), score_range.get("min"), score_range.get("max")
            )
        )

    change = data.get("change") or {}
    if not isinstance(change, Mapping):
        errors.append("change: an object with reliable_change / minimal_important_change")
    else:
        for key in ("reliable_change", "minimal_important_change"):
            value = change.get(key)
            if value is not None and (not _is_number(value) or value <= 0):
                errors.append(f"change.{key}: a positive number (or leave it out)")

    for n, alert in enumerate(data.get("alerts") or []):
        where = f"alerts[{n}]"
        if not isinstance(alert, Mapping):
            errors.append(f"{where}: must be an object")
            continue
        if alert.get("item") not in item_values:
            errors.append(f"{where}.item: {alert.get('item')!r} is not an item of this measure")
        if not _is_number(alert.get("min")):
            errors.append(f"{where}.min: the lowest answer that raises the alert (a number)")
        for key in ("title", "message"):
            if not isinstance(alert.get(key), str) or not alert[key].strip():
                errors.append(f"{where}.{key}: give the text shown to the link worker")
    return errors
