"""The substring index for directory text search (ADR 0006, `linkwell/directory/search_index.py`).

One search document per service: its name, description and provider name, apostrophes (U+0027,
U+2019) removed, one per line. The database keeps it itself, with triggers, so every write path
(forms, the importer's bulk inserts and updates, harvests, admin, renaming a provider) updates
it in the same statement as the row:

- SQLite: an FTS5 table with the trigram tokenizer (`directory_service_search`, rowid = service
  id), which answers case-insensitive substring queries from its index;
- PostgreSQL: a table `directory_service_search(service_id, document)` with a `pg_trgm` GIN index
  on `upper(document)`, which answers `upper(document) LIKE upper('%...%')` from its index.

The SQL is written out here (not imported from the app) so the migration stays as it was run.
"""

from django.db import migrations

_SQLITE_DOCUMENT = (
    "replace(replace({name}, '''', ''), '\u2019', '') || char(10) || "
    "replace(replace({description}, '''', ''), '\u2019', '') || char(10) || "
    "replace(replace(coalesce({organization}, ''), '''', ''), '\u2019', '')"
)
_NEW_ORGANIZATION = (
    "(SELECT o.name FROM directory_directoryorganization o WHERE o.id = new.organization_id)"
)
_SQLITE_CHANGED = (
    "old.name IS NOT new.name OR old.description IS NOT new.description "
    "OR old.organization_id IS NOT new.organization_id"
)

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE directory_service_search USING fts5(document, tokenize='trigram')",
    f"""CREATE TRIGGER directory_service_search_insert AFTER INSERT ON directory_service BEGIN
        DELETE FROM directory_service_search WHERE rowid = new.id;
        INSERT INTO directory_service_search (rowid, document) VALUES (new.id, {
        _SQLITE_DOCUMENT.format(
            name="new.name", description="new.description", organization=_NEW_ORGANIZATION
        )
    });
    END""",
    f"""CREATE TRIGGER directory_service_search_update AFTER UPDATE OF name, description,
        organization_id ON directory_service WHEN {_SQLITE_CHANGED} BEGIN
        DELETE FROM directory_service_search WHERE rowid = old.id;
        INSERT INTO directory_service_search (rowid, document) VALUES (new.id, {
        _SQLITE_DOCUMENT.format(
            name="new.name", description="new.description", organization=_NEW_ORGANIZATION
        )
    });
    END""",
    """CREATE TRIGGER directory_service_search_delete AFTER DELETE ON directory_service BEGIN
        DELETE FROM directory_service_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER directory_organization_search_update AFTER UPDATE OF name
        ON directory_directoryorganization WHEN old.name IS NOT new.name BEGIN
        DELETE FROM directory_service_search
            WHERE rowid IN (SELECT id FROM directory_service WHERE organization_id = new.id);
        INSERT INTO directory_service_search (rowid, document)
            SELECT s.id, {
        _SQLITE_DOCUMENT.format(name="s.name", description="s.description", organization="new.name")
    }
            FROM directory_service s WHERE s.organization_id = new.id;
    END""",
    f"""INSERT INTO directory_service_search (rowid, document)
        SELECT s.id, {
        _SQLITE_DOCUMENT.format(name="s.name", description="s.description", organization="o.name")
    }
        FROM directory_service s
        LEFT JOIN directory_directoryorganization o ON o.id = s.organization_id""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS directory_organization_search_update",
    "DROP TRIGGER IF EXISTS directory_service_search_delete",
    "DROP TRIGGER IF EXISTS directory_service_search_update",
    "DROP TRIGGER IF EXISTS directory_service_search_insert",
    "DROP TABLE IF EXISTS directory_service_search",
]

POSTGRES_FORWARD = [
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE directory_service_search (
        service_id bigint PRIMARY KEY,
        document text NOT NULL
    )""",
    """CREATE FUNCTION directory_search_document(name text, description text, organization text)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT replace(replace(name, '''', ''), '\u2019', '') || E'\\n' ||
               replace(replace(description, '''', ''), '\u2019', '') || E'\\n' ||
               replace(replace(coalesce(organization, ''), '''', ''), '\u2019', '')
    $$""",
    """CREATE FUNCTION directory_service_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM directory_service_search WHERE service_id = OLD.id;
            RETURN NULL;
        END IF;
        INSERT INTO directory_service_search (service_id, document)
        VALUES (NEW.id, directory_search_document(NEW.name, NEW.description,
            (SELECT o.name FROM directory_directoryorganization o
             WHERE o.id = NEW.organization_id)))
        ON CONFLICT (service_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER directory_service_search_write
        AFTER INSERT OR DELETE ON directory_service
        FOR EACH ROW EXECUTE FUNCTION directory_service_search_sync()""",
    """CREATE TRIGGER directory_service_search_update
        AFTER UPDATE OF name, description, organization_id ON directory_service
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name
            OR OLD.description IS DISTINCT FROM NEW.description
            OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
        EXECUTE FUNCTION directory_service_search_sync()""",
    """CREATE FUNCTION directory_organization_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE directory_service_search d
        SET document = directory_search_document(s.name, s.description, NEW.name)
        FROM directory_service s
        WHERE s.organization_id = NEW.id AND d.service_id = s.id;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER directory_organization_search_update
        AFTER UPDATE OF name ON directory_directoryorganization
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
        EXECUTE FUNCTION directory_organization_search_sync()""",
    """INSERT INTO directory_service_search (service_id, document)
        SELECT s.id, directory_search_document(s.name, s.description, o.name)
        FROM directory_service s
        LEFT JOIN directory_directoryorganization o ON o.id = s.organization_id""",
    """CREATE INDEX directory_service_search_trgm
        ON directory_service_search USING gin (upper(document) gin_trgm_ops)""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS directory_organization_search_update "
    "ON directory_directoryorganization",
    "DROP FUNCTION IF EXISTS directory_organization_search_sync()",
    "DROP TRIGGER IF EXISTS directory_service_search_update ON directory_service",
    "DROP TRIGGER IF EXISTS directory_service_search_write ON directory_service",
    "DROP FUNCTION IF EXISTS directory_service_search_sync()",
    "DROP FUNCTION IF EXISTS directory_search_document(text, text, text)",
    "DROP TABLE IF EXISTS directory_service_search",
    # pg_trgm stays: other schemas may use it.
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_service_eligibility_rule"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
            elidable=False,
        ),
    ]
