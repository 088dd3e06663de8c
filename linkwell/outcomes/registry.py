"""Where instruments come from: the shipped definitions, administrators' local measures, and the
deployer's licensed item text.

- Shipped: `instruments/*.json`, validated when first loaded (a broken file stops with its
  errors; test_instruments.py loads them all).
- Local: `LocalMeasure` rows, added with `linkwell measures add FILE` or /outcomes/measures/add/
  (services.local_measure_add). A local measure cannot reuse a shipped id.
- Licensed text: for definitions with `"item_text": "deployer"` (SWEMWBS, WEMWBS, MYCaW, the
  star measure) the text is read from `settings.LICENSED_ITEM_TEXT_DIR/<id>.json`
  (env LINKWELL_LICENSED_ITEM_TEXT_DIR): `{"preamble": "...", "items": {"<item id>": "text"}}`.
  Without it the measure can still be scored from a paper form (item answers or the total).
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from linkwell.outcomes.engine import ITEM_TEXT_DEPLOYER, Instrument
from linkwell.outcomes.validate import definition_errors

SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"


class UnknownInstrument(LookupError):
    def __init__(self, instrument_id: str, version: str | None = None) -> None:
        self.instrument_id = instrument_id
        what = f"{instrument_id} version {version}" if version else instrument_id
        super().__init__(f"No measure called “{what}”. `linkwell measures list` shows them.")


class LicensedTextError(ValueError):
    pass


@lru_cache(maxsize=1)
def shipped_definitions() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(SHIPPED_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        errors = definition_errors(data)
        if errors:
            raise ValueError(f"{path.name}: " + "; ".join(errors))
        if path.stem != data["id"]:
            raise ValueError(f"{path.name}: the file name must be the id ({data['id']}.json)")
        out[data["id"]] = data
    return out


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Instrument]:
    return {key: Instrument.from_dict(data) for key, data in shipped_definitions().items()}


def _local_rows() -> list[tuple[str, str, dict[str, Any]]]:
    from linkwell.outcomes.models import LocalMeasure

    return list(
        LocalMeasure.objects.order_by("instrument_id", "created_at").values_list(
            "instrument_id", "instrument_version", "definition"
        )
    )


def licensed_text_dir() -> Path | None:
    raw = getattr(settings, "LICENSED_ITEM_TEXT_DIR", "")
    return Path(raw) if raw else None


def licensed_text_errors(instrument: Instrument, data: Any) -> list[str]:
    """Problems with a deployer's licensed-text file for `instrument` (all at once)."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
        return ['the file must be {"preamble": "...", "items": {"<item id>": "text", ...}}']
    ids = {item.id for item in instrument.items}
    errors = [
        f"“{key}” is not an item of {instrument.id}" for key in data["items"] if key not in ids
    ]
    errors += [
        f"no text for item “{item_id}”" for item_id in sorted(ids) if not data["items"].get(item_id)
    ]
    return errors


@lru_cache(maxsize=64)
def _licensed_text(directory: str, instrument_id: str, mtime: float) -> dict[str, Any] | None:
    path = Path(directory) / f"{instrument_id}.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise LicensedTextError(f"{path}: cannot read the licensed item text ({exc})") from exc


def value_set_errors(instrument: Instrument, data: Any) -> list[str]:
    """Problems with a deployer's value set file for a `value_set` measure (all at once)."""
    if not isinstance(data, dict) or not isinstance(data.get("index"), dict):
        return ['the file must be {"name": "...", "index": {"<health state>": value, ...}}']
    if not str(data.get("name") or "").strip():
        return ["give the value set's name (which country's, which study)"]
    levels = [
        [str(int(v)) for v in next(i for i in instrument.items if i.id == item_id).values]
        for item_id in instrument.profile_items
    ]
    states = {"".join(p) for p in itertools.product(*levels)}
    index = data["index"]
    errors = []
    absent = sorted(states - set(index))
    if absent:
        more = f" and {len(absent) - 5} more" if len(absent) > 5 else ""
        errors.append(f"no index value for {', '.join(absent[:5])}{more}")
    extra = sorted(set(index) - states)
    if extra:
        errors.append(f"{', '.join(extra[:5])} is not a health state of {instrument.id}")
    bad = [k for k, v in index.items() if isinstance(v, bool) or not isinstance(v, int | float)]
    if bad:
        errors.append(f"the index value of {', '.join(sorted(bad)[:5])} is not a number")
    return errors


@lru_cache(maxsize=16)
def _value_set(directory: str, instrument_id: str, mtime: float) -> dict[str, Any]:
    path = Path(directory) / f"{instrument_id}.value_set.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise LicensedTextError(f"{path}: cannot read the value set ({exc})") from exc


def _with_value_set(instrument: Instrument) -> Instrument:
    """Attach the deployer's value set (`<dir>/<id>.value_set.json`) to a `value_set` measure;
    without it the measure records the profile and the other items but no index value."""
    directory = licensed_text_dir()
    if instrument.method != "value_set" or directory is None:
        return instrument
    path = directory / f"{instrument.id}.value_set.json"
    if not path.exists():
        return instrument
    data = _value_set(str(directory), instrument.id, path.stat().st_mtime)
    errors = value_set_errors(instrument, data)
    if errors:
        raise LicensedTextError(f"{path}: " + "; ".join(errors))
    return instrument.with_value_set(data["index"], str(data["name"]))


def _with_licensed_text(instrument: Instrument) -> Instrument:
    instrument = _with_value_set(instrument)
    if instrument.item_text != ITEM_TEXT_DEPLOYER:
        return instrument
    directory = licensed_text_dir()
    if directory is None:
        return instrument
    path = directory / f"{instrument.id}.json"
    if not path.exists():
        return instrument
    data = _licensed_text(str(directory), instrument.id, path.stat().st_mtime)
    errors = licensed_text_errors(instrument, data)
    if errors:
        raise LicensedTextError(f"{path}: " + "; ".join(errors))
    assert data is not None
    return instrument.with_item_text(data["items"], str(data.get("preamble", "")))


def all_instruments(*, include_local: bool = True) -> list[Instrument]:
    """The latest version of every measure, shipped first, then local ones."""
    out = dict(_shipped())
    if include_local:
        for ident, _version, definition in _local_rows():
            if ident not in out or out[ident].local:
                out[ident] = Instrument.from_dict(definition, local=True)
    return [_with_licensed_text(i) for i in out.values()]


def get_instrument(instrument_id: str, version: str | None = None) -> Instrument:
    shipped = _shipped().get(instrument_id)
    if shipped is not None:
        if version is not None and version != shipped.version:
            raise UnknownInstrument(instrument_id, version)
        return _with_licensed_text(shipped)
    rows = [r for r in _local_rows() if r[0] == instrument_id]
    if version is not None:
        rows = [r for r in rows if r[1] == version]
    if not rows:
        raise UnknownInstrument(instrument_id, version)
    return _with_licensed_text(Instrument.from_dict(rows[-1][2], local=True))


def is_shipped(instrument_id: str) -> bool:
    return instrument_id in _shipped()
