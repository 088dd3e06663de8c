"""The PostgreSQL search document kept upper-cased once, in a generated column (ADR 0006).

Text search tests `upper(document) LIKE upper('%...%')` once per alternative of a clause. A
query widened with related terms ("lonely": twenty alternatives) upper-cased every candidate
document twenty times; at 100,000 services that was most of its ~2 s when the planner read the
whole table. `folded` is `upper(document)`, computed when the document is written (the triggers
of migration 0005 are unchanged: PostgreSQL recomputes a generated column itself), and the
`pg_trgm` index moves from the expression to the column. The test is the same (`folded` is
`upper(document)`), so the same services are found. SQLite (FTS5) has no such cost: nothing
changes there.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """ALTER TABLE directory_service_search
        ADD COLUMN folded text GENERATED ALWAYS AS (upper(document)) STORED""",
    "DROP INDEX IF EXISTS directory_service_search_trgm",
    """CREATE INDEX directory_service_search_folded_trgm
        ON directory_service_search USING gin (folded gin_trgm_ops)""",
]
POSTGRES_REVERSE = [
    """CREATE INDEX IF NOT EXISTS directory_service_search_trgm
        ON directory_service_search USING gin (upper(document) gin_trgm_ops)""",
    "DROP INDEX IF EXISTS directory_service_search_folded_trgm",
    "ALTER TABLE directory_service_search DROP COLUMN IF EXISTS folded",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_service_search_index"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_REVERSE), elidable=False),
    ]
