"""Running an economic model: resolve inputs (default < Linkwell data < what the user set),
check them, evaluate the formulas in order, return the outputs.

Bad input never raises anything but `ModelInputError` (all problems at once, by input name) or
`UnknownModelError`, so the CLI and the page can show specific messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from linkwell.economics.definitions import ModelDefinition, load_models
from linkwell.economics.expr import ExpressionError


class UnknownModelError(LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        known = ", ".join(load_models())
        super().__init__(f"There is no economic model called {name!r}. Models: {known}.")


@dataclass
class ModelInputError(ValueError):
    """`errors`: input name (or "" for the model as a whole) -> message."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" if k else v for k, v in self.errors.items())


class InputSource:
    DEFAULT = "default"
    DATA = "linkwell"
    SET = "set"


@dataclass(frozen=True)
class ModelRun:
    model: ModelDefinition
    inputs: dict[str, Decimal]
    input_sources: dict[str, str]
    outputs: dict[str, Decimal]
    values: dict[str, Decimal]  # inputs and every intermediate formula


def get_model(name: str) -> ModelDefinition:
    try:
        return load_models()[name]
    except KeyError:
        raise UnknownModelError(name) from None


def parse_number(text: str) -> Decimal:
    """A plain decimal number ("1254", "0.15", "-3", "1e3"); raises ValueError otherwise."""
    cleaned = text.strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return value


def run_model(
    model: ModelDefinition,
    *,
    values: Mapping[str, str | Decimal] | None = None,
    data: Mapping[str, Decimal | None] | None = None,
) -> ModelRun:
    """Evaluate `model`. `values`: what the user set (strings are parsed); `data`: figures from
    Linkwell's records keyed by an input's `data` key (None: not available)."""
    errors: dict[str, str] = {}
    resolved: dict[str, Decimal] = {}
    sources: dict[str, str] = {}
    given = dict(values or {})
    for name in given:
        if model.input(name) is None:
            known = ", ".join(i.name for i in model.inputs)
            errors[name] = f"{model.id} has no input called {name!r}. Its inputs: {known}."
    for item in model.inputs:
        value = item.default
        source = InputSource.DEFAULT
        if item.data and data is not None and data.get(item.data) is not None:
            value = Decimal(data[item.data])  # type: ignore[arg-type]
            source = InputSource.DATA
        if item.name in given:
            raw = given[item.name]
            try:
                value = raw if isinstance(raw, Decimal) else parse_number(raw)
            except ValueError as exc:
                errors[item.name] = f"{item.label} ({item.name}): {exc}."
                continue
            source = InputSource.SET
            if item.minimum is not None and value < item.minimum:
                errors[item.name] = (
                    f"{item.label} ({item.name}) must be at least {_fmt(item.minimum)}."
                )
                continue
            if item.maximum is not None and value > item.maximum:
                errors[item.name] = (
                    f"{item.label} ({item.name}) must be at most {_fmt(item.maximum)}."
                )
                continue
        resolved[item.name] = value
        sources[item.name] = source
    if errors:
        raise ModelInputError(errors)
    for check in model.checks:
        try:
            ok = check.expression.evaluate(resolved) != 0
        except ExpressionError as exc:
            raise ModelInputError({"": str(exc)}) from None
        if not ok:
            errors[""] = check.message
    if errors:
        raise ModelInputError(errors)
    everything = dict(resolved)
    for formula in model.formulas:
        try:
            everything[formula.name] = formula.expression.evaluate(everything)
        except ExpressionError as exc:
            raise ModelInputError({"": f"{formula.name} cannot be worked out: {exc}"}) from None
    outputs = {o.name: everything[o.name] for o in model.outputs}
    return ModelRun(model, resolved, sources, outputs, everything)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def plain_number(value: Decimal) -> int | float:
    """For JSON: whole numbers as int, others as float (568000, 492.5, 2.035)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def run_as_json(run: ModelRun) -> dict[str, object]:
    """`{"model", "inputs", "outputs"}` as `linkwell economics run --format json` prints it."""
    return {
        "model": run.model.id,
        "inputs": {k: plain_number(v) for k, v in run.inputs.items()},
        "outputs": {k: plain_number(v) for k, v in run.outputs.items()},
    }
