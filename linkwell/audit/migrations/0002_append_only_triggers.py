"""Database-level guarantee that audit rows are never updated or deleted (SQLite, PostgreSQL)."""

from django.db import migrations

from linkwell.audit.migrations_sql import install_triggers, remove_triggers


def forwards(apps, schema_editor):
    install_triggers(schema_editor.connection.vendor, schema_editor.execute)


def backwards(apps, schema_editor):
    remove_triggers(schema_editor.connection.vendor, schema_editor.execute)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_auditevent_append_only();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
