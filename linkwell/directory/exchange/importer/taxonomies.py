"""Writing HSDS taxonomies and taxonomy terms, and the attributes that link records to terms."""

from __future__ import annotations

import uuid
from typing import Any

from linkwell.directory.exchange import hsds
from linkwell.directory.exchange.importer.report import RecordRejected
from linkwell.directory.exchange.importer.values import _convert, _referral_mode
from linkwell.directory.exchange.importer.writer import _WriterBase
from linkwell.directory.exchange.sources import TAXONOMY, TAXONOMY_TERM
from linkwell.directory.models import Attribute, Taxonomy, TaxonomyTerm


class _TaxonomyWriter(_WriterBase):
    """Taxonomies, terms and attributes (any record may carry attributes)."""

    def taxonomy(self, data: dict[str, Any], path: str) -> Taxonomy:
        values = self._values(Taxonomy, hsds.TAXONOMY_FIELDS, data, path)
        values["extra"] = self._extra(
            data, [k for k, _ in hsds.TAXONOMY_FIELDS] + ["taxonomy_terms"], None
        )
        obj, outcome, changes = self._upsert(Taxonomy, self._uuid(data), values)
        self._finish(TAXONOMY, obj, outcome, changes, [])
        return obj

    def term(self, data: dict[str, Any], path: str) -> TaxonomyTerm:
        values = self._values(TaxonomyTerm, hsds.TAXONOMY_TERM_FIELDS, data, path)
        consumed = [k for k, _ in hsds.TAXONOMY_TERM_FIELDS] + [
            "parent_id",
            "taxonomy",
            "taxonomy_id",
            "taxonomy_detail",
        ]
        taxonomy: Taxonomy | None = None
        if isinstance(data.get("taxonomy_detail"), dict):
            taxonomy = self.taxonomy(data["taxonomy_detail"], f"{path}taxonomy_detail.")
        elif data.get("taxonomy_id"):
            taxonomy = self.store.get(Taxonomy, data["taxonomy_id"])
        extra = self._extra(data, consumed, None)
        if data.get("taxonomy_id") and taxonomy is None:
            extra["taxonomy_id"] = data["taxonomy_id"]  # a taxonomy we do not hold: keep the link
        parent_uuid = uuid.UUID(str(data["parent_id"])) if data.get("parent_id") else None
        parent = self.store.get(TaxonomyTerm, parent_uuid) if parent_uuid else None
        values.update(
            extra=extra,
            taxonomy=taxonomy,
            taxonomy_name=_convert(
                TaxonomyTerm._meta.get_field("taxonomy_name"),
                data.get("taxonomy"),
                f"{path}taxonomy",
            ),
            parent=parent,
            parent_uuid=parent_uuid,
        )
        obj, outcome, changes = self._upsert(TaxonomyTerm, self._uuid(data), values)
        self._finish(TAXONOMY_TERM, obj, outcome, changes, [])
        return obj

    def attributes(self, entity: str, obj: Any, items: Any, path: str) -> None:
        if not isinstance(items, list):
            return
        keep = set()
        for i, item in enumerate(items):
            where = f"{path}[{i}]."
            if _referral_mode(item) is not None:
                continue  # read into Service.referral_mode by service()
            if isinstance(item.get("taxonomy_term"), dict):
                term = self.term(item["taxonomy_term"], f"{where}taxonomy_term.")
            else:
                term_id = item.get("taxonomy_term_id")
                found = self.store.get(TaxonomyTerm, term_id) if term_id else None
                if found is None:
                    raise RecordRejected(
                        [
                            f"{where}taxonomy_term: missing, or taxonomy_term_id {term_id} is not in the directory or this file"
                        ]
                    )
                term = found
            attr = self._child(
                Attribute,
                item,
                where,
                hsds.ATTRIBUTE_FIELDS,
                {"link_entity": entity, "link_uuid": obj.uuid, "taxonomy_term": term},
                ["taxonomy_term"],
            )
            keep.add(attr.uuid)
        for row in self.store.children(Attribute, "link", (entity, obj.uuid)):
            if row.uuid not in keep:
                self._children.append(f"attribute {row.uuid} removed")
                self.store.delete(row)
