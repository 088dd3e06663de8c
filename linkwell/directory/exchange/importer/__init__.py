"""Import ORUK 3.0 / HSDS 3 records into the directory: `directory_import(...)`.

* Records are matched on their HSDS `id` (our `uuid`). Every value is compared before writing:
  re-importing the same file changes nothing (no saves, no audit rows, no version bumps).
* One audit event per created or updated record (service, organization, taxonomy, taxonomy
  term), carrying the changed fields; child rows (schedules, locations, phones...) are listed
  under `children` in their service's / organization's event, never audited one by one.
* Scalars absent from a record are cleared (the feed is the source of truth for its records);
  child arrays absent from a record are left as they are (a `service_list` item has no
  `schedules`, which does not mean "no schedules"); an array present replaces the set.
* Unmodelled HSDS fields go to `extra` verbatim (export re-emits them). Array-valued extras
  absent from a later record are kept, by the same rule as child arrays.
* The same HSDS object may appear in several places of one service (HSDS 3 "full" examples put
  one phone under the service, its contact and its location): it is one row linked to each.
* Default: any rejected record -> nothing is written. `partial=True` keeps the valid records (a
  rejected record's changes are undone in memory, as a savepoint would).
* Two phases, so an import holds no write lock while it reads and checks: the rows the file
  names are loaded in bulk and every record is checked and written *in memory* (`store`); a
  rejected record stops it there (unless `partial`). Then the records are written, by default
  in one transaction of bulk statements with their audit events (all or nothing). On SQLite,
  which has one writer at a time, a file of more than `run.SQLITE_ONE_TRANSACTION_RECORDS`
  records is written in batches (`run.BATCH_RECORDS`, file order) so web requests never wait
  long; a caller may ask for batches too. Each batch is planned again from the rows as they
  stand; a service or organization saved by someone else in between is noticed (its
  `version`) and the batch is planned again. An import stopped between batches keeps the
  batches written; the same file imported again writes only the rest.

Modules, in the order a record goes through them:

- `run`: `directory_import`, the entry point: checks each record (reader, schemas, business
  rules; a quick jsonschema-rs pass first), plans it, then writes the plan (whole, or in batches) or nothing;
  `ImportProgress` for progress displays, `ImportConflict`.
- `store`: `Store`, the rows an import touches held in memory: bulk loading, the journal that
  undoes a rejected record, and a batch's write transaction (`apply`).
- `values`: a JSON value as the model field holds it (or `RecordRejected` with the reason), and
  the comparison that makes a re-import write nothing.
- `writer`: the record writer's core (`_WriterBase`): per-record bookkeeping, the generic
  compare-then-write upsert, syncing a child array, counting and auditing each outcome.
- `taxonomies`, `organizations`, `listings`: the writer for each kind of HSDS record, each
  building on the one before (`_TaxonomyWriter` -> `_OrganizationWriter` -> `_Writer`): terms
  and attributes; organizations, locations, contacts and phones; services and their
  service_at_locations.
- `report`: `ImportReport`, `Rejection`, `RecordRejected`.
"""

from linkwell.directory.exchange.importer.report import ImportReport, RecordRejected, Rejection
from linkwell.directory.exchange.importer.run import (
    BATCH_RECORDS,
    SQLITE_ONE_TRANSACTION_RECORDS,
    ImportConflict,
    ImportProgress,
    directory_import,
    write_batch_size,
)

__all__ = [
    "BATCH_RECORDS",
    "SQLITE_ONE_TRANSACTION_RECORDS",
    "ImportConflict",
    "ImportProgress",
    "ImportReport",
    "RecordRejected",
    "Rejection",
    "directory_import",
    "write_batch_size",
]
