"""What an import reports: counts per kind and outcome, rejected records and where they are,
warnings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from linkwell.directory.exchange.sources import ORGANIZATION, SERVICE, TAXONOMY, TAXONOMY_TERM

KIND_LABEL = {
    SERVICE: "services",
    ORGANIZATION: "organizations",
    TAXONOMY: "taxonomies",
    TAXONOMY_TERM: "taxonomy terms",
}


class RecordRejected(Exception):
    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class Rejection:
    number: int
    position: str
    record_id: str
    messages: list[str]

    def lines(self) -> list[str]:
        where = (
            self.position
            if self.position.startswith("line ")
            else f"record {self.number} ({self.position})"
        )
        if self.record_id:
            where += f" id={self.record_id}"
        return [f"{where}: {m}" for m in self.messages]


@dataclass
class ImportReport:
    records: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = True

    def count(self, kind: str, outcome: str) -> None:
        per_kind = self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})
        per_kind[outcome] += 1

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def summary(self) -> str:
        parts = [
            f"{KIND_LABEL[k]}: {c['created']} created, {c['updated']} updated, "
            f"{c['unchanged']} unchanged"
            for k, c in self.counts.items()
        ]
        return "; ".join(parts) or "nothing to import"
