"""The gaps in provision an application may answer, as the public may see them.

Link workers record a gap against a person's case (`connections.ProvisionGap`): its description
and "who" can identify someone, so applicants never see them. They see each recorded *need in a
place* ("Loneliness and isolation, Oswestry") once, however many gaps share it, and an
application that chooses it is linked to every gap with that need and place
(`gaps_for_keys`): the commissioner's "gaps answered" counts those."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from linkwell.connections.models import ProvisionGap
from linkwell.grants.models import Programme

NO_PLACE = "place not recorded"


@dataclass
class GapChoice:
    key: str  # the newest gap's uuid: stable while no newer gap of the same need and place
    label: str
    gap_ids: list[int] = field(default_factory=list)


def _gaps_for_programme(programme: Programme) -> Iterable[ProvisionGap]:
    gaps = ProvisionGap.objects.filter(need__isnull=False).select_related("need")
    area_id = programme.organisation.area_id
    if area_id is not None:
        # The programme's area: gaps recorded by link-worker services there.
        gaps = gaps.filter(link_worker_service__area_id=area_id)
    return gaps.order_by("-created_at", "-pk").only("uuid", "place", "need__name", "created_at")


def gap_choices(programme: Programme) -> list[GapChoice]:
    """One choice per need and place, alphabetical (one query)."""
    groups: dict[tuple[str, str], GapChoice] = {}
    for gap in _gaps_for_programme(programme):
        assert gap.need is not None
        place = " ".join(gap.place.split()).title() if gap.place else ""
        key = (gap.need.name, place.lower())
        if key not in groups:
            label = f"{gap.need.name}, {place or NO_PLACE}"
            groups[key] = GapChoice(key=str(gap.uuid), label=label)
        groups[key].gap_ids.append(gap.pk)
    return sorted(groups.values(), key=lambda c: c.label.lower())


def gaps_for_keys(programme: Programme, keys: Iterable[str]) -> tuple[list[int], list[str]]:
    """The gap ids behind the chosen keys, and the keys that are not choices."""
    by_key = {c.key: c for c in gap_choices(programme)}
    ids: list[int] = []
    unknown: list[str] = []
    for key in keys:
        choice = by_key.get(str(key))
        if choice is None:
            unknown.append(str(key))
        else:
            ids.extend(choice.gap_ids)
    return sorted(set(ids)), unknown


def gap_labels(gaps: Iterable[ProvisionGap]) -> list[str]:
    """The same wording for the gaps linked to an application (need, place), each once."""
    seen: dict[str, None] = {}
    for gap in gaps:
        if gap.need is None:
            continue
        place = " ".join(gap.place.split()).title() if gap.place else NO_PLACE
        seen.setdefault(f"{gap.need.name}, {place}", None)
    return sorted(seen, key=str.lower)
