"""Economic models as versioned data definitions (linkwell/economics/models/*.yaml).

A definition has an `id` (the file name), a `version`, inputs (name, label, unit, default,
optional min/max, cited source, optional `data` key naming a figure Linkwell can supply from its
own records), `checks` (conditions on the inputs with a message), ordered `formulas` in the safe
expression language of `expr.py`, `outputs` (formula names with label and unit), `caveats`,
`published` (the figures the source document prints, for tests and the notes) and an optional
`notes` markdown file next to it that documents any discrepancy in the source.

Definitions are validated when loaded: a formula may only use inputs and earlier formulas, and
every output must be a formula. `load_models()` is cached; the files ship with the package.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from linkwell.economics.expr import Expression, ExpressionError

MODELS_DIR = Path(__file__).resolve().parent / "models"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class DefinitionError(ValueError):
    """A model definition file that is not valid (a developer's or deployer's mistake)."""


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    unit: str
    default: Decimal
    source: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    data: str = ""


@dataclass(frozen=True)
class Formula:
    name: str
    expression: Expression


@dataclass(frozen=True)
class Output:
    name: str
    label: str
    unit: str


@dataclass(frozen=True)
class Check:
    expression: Expression
    message: str


@dataclass(frozen=True)
class Published:
    output: str
    text: str
    printed: Decimal
    precision: Decimal
    inconsistent: bool = False


@dataclass(frozen=True)
class ModelDefinition:
    id: str
    version: int
    title: str
    summary: str
    source_document: str
    inputs: tuple[Input, ...]
    checks: tuple[Check, ...]
    formulas: tuple[Formula, ...]
    outputs: tuple[Output, ...]
    caveats: tuple[str, ...]
    published: tuple[Published, ...]
    notes_file: str = ""

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs if i.name == name), None)

    @property
    def notes(self) -> str:
        """The markdown notes next to the definition (discrepancies, assumptions)."""
        if not self.notes_file:
            return ""
        return (MODELS_DIR / self.notes_file).read_text(encoding="utf-8")


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise DefinitionError(f"{where} must be a number, not {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DefinitionError(f"{where} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise DefinitionError(f"{where} must be a finite number")
    return number


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise DefinitionError(f"{where}: {key} must be a non-empty string")
    return " ".join(value.split())


def parse_definition(data: Any, *, model_id: str) -> ModelDefinition:
    """Validate one definition (already parsed from YAML). Raises DefinitionError."""
    where = f"economic model {model_id}"
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: the file must hold a mapping")
    if data.get("id") != model_id:
        raise DefinitionError(f"{where}: id {data.get('id')!r} must match the file name")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DefinitionError(f"{where}: version must be a positive whole number")
    known: set[str] = set()

    def new_name(name: Any, kind: str) -> str:
        if not isinstance(name, str) or not NAME.match(name):
            raise DefinitionError(f"{where}: {kind} name {name!r} must be snake_case")
        if name in known:
            raise DefinitionError(f"{where}: the name {name!r} is used twice")
        known.add(name)
        return name

    inputs: list[Input] = []
    for raw in data.get("inputs") or []:
        name = new_name(raw.get("name"), "input")
        at = f"{where}, input {name}"
        item = Input(
            name=name,
            label=_text(raw, "label", at),
            unit=_text(raw, "unit", at),
            default=_decimal(raw.get("default"), f"{at}: default"),
            source=_text(raw, "source", at),
            minimum=None if raw.get("min") is None else _decimal(raw["min"], f"{at}: min"),
            maximum=None if raw.get("max") is None else _decimal(raw["max"], f"{at}: max"),
            data=_text(raw, "data", at, required=False),
        )
        if item.minimum is not None and item.default < item.minimum:
            raise DefinitionError(f"{at}: the default is below the minimum")
        if item.maximum is not None and item.default > item.maximum:
            raise DefinitionError(f"{at}: the default is above the maximum")
        inputs.append(item)
    if not inputs:
        raise DefinitionError(f"{where}: a model needs inputs")
    input_names = set(known)

    def expression(text: Any, at: str, allowed: set[str]) -> Expression:
        try:
            expr = Expression(text)
        except ExpressionError as exc:
            raise DefinitionError(f"{at}: {exc}") from None
        unknown = sorted(expr.names - allowed)
        if unknown:
            raise DefinitionError(
                f"{at}: {text!r} uses {', '.join(unknown)}, defined nowhere before it"
            )
        return expr

    checks = tuple(
        Check(
            expression=expression(raw.get("expr"), f"{where}, check", input_names),
            message=_text(raw, "message", f"{where}, check"),
        )
        for raw in data.get("checks") or []
    )
    formulas: list[Formula] = []
    for raw in data.get("formulas") or []:
        name = raw.get("name")
        expr = expression(raw.get("expr"), f"{where}, formula {name}", set(known))
        formulas.append(Formula(name=new_name(name, "formula"), expression=expr))
    formula_names = {f.name for f in formulas}
    outputs: list[Output] = []
    for raw in data.get("outputs") or []:
        name = raw.get("name")
        if name not in formula_names:
            raise DefinitionError(f"{where}: output {name!r} is not a formula")
        at = f"{where}, output {name}"
        outputs.append(
            Output(name=name, label=_text(raw, "label", at), unit=_text(raw, "unit", at))
        )
    if not outputs:
        raise DefinitionError(f"{where}: a model needs outputs")
    published: list[Published] = []
    for raw in data.get("published") or []:
        if raw.get("output") not in formula_names:
            raise DefinitionError(
                f"{where}: published figure for unknown output {raw.get('output')!r}"
            )
        at = f"{where}, published {raw['output']}"
        published.append(
            Published(
                output=raw["output"],
                text=_text(raw, "text", at),
                printed=_decimal(raw.get("printed"), f"{at}: printed"),
                precision=_decimal(raw.get("precision"), f"{at}: precision"),
                inconsistent=bool(raw.get("inconsistent", False)),
            )
        )
    caveats = data.get("caveats") or []
    if not all(isinstance(c, str) and c.strip() for c in caveats):
        raise DefinitionError(f"{where}: caveats must be non-empty strings")
    notes_file = _text(data, "notes", where, required=False)
    if notes_file and not (MODELS_DIR / notes_file).is_file():
        raise DefinitionError(f"{where}: notes file {notes_file} is missing")
    return ModelDefinition(
        id=model_id,
        version=version,
        title=_text(data, "title", where),
        summary=_text(data, "summary", where),
        source_document=_text(data, "source_document", where),
        inputs=tuple(inputs),
        checks=checks,
        formulas=tuple(formulas),
        outputs=tuple(outputs),
        caveats=tuple(" ".join(c.split()) for c in caveats),
        published=tuple(published),
        notes_file=notes_file,
    )


@functools.cache
def load_models() -> dict[str, ModelDefinition]:
    """Every shipped model, by id, in alphabetical order."""
    models: dict[str, ModelDefinition] = {}
    for path in sorted(MODELS_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        models[path.stem] = parse_definition(data, model_id=path.stem)
    return models
