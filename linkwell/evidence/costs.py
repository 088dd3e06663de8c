"""Unit costs of health service contacts: the commissioner's table over the shipped defaults."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from linkwell.evidence.models import ActivityKind, UnitCost

DEFAULTS_FILE = Path(__file__).parent / "data" / "unit_costs.json"


@dataclass(frozen=True)
class Cost:
    kind: str
    label: str
    cost: Decimal
    source: str
    is_default: bool
    updated_at: Any = None


@cache
def shipped_defaults() -> dict[str, tuple[Decimal, str]]:
    data = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    return {k: (Decimal(v["cost"]), v["source"]) for k, v in data["costs"].items()}


def defaults_note() -> str:
    return str(json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["note"])


def unit_costs() -> dict[str, Cost]:
    """Every activity kind's cost: the edited row if there is one, else the default (1 query)."""
    edited = {row.kind: row for row in UnitCost.objects.all()}
    out: dict[str, Cost] = {}
    for kind, text in ActivityKind.choices:
        row = edited.get(kind)
        if row is not None:
            out[kind] = Cost(kind, str(text), row.cost, row.source, False, row.updated_at)
        else:
            cost, source = shipped_defaults()[kind]
            out[kind] = Cost(kind, str(text), cost, source, True)
    return out
