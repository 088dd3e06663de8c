"""The database refuses to edit the ledger (SQLite, PostgreSQL): a ledger line is never
updated; an exchange keeps its accounts, hours, category, date and what it reverses, and its
decision moves only from pending. DELETE is left to the model and queryset guards (the test
suite's flush and `linkwell demo --reset` empty these tables). The SQL is frozen here."""

from django.db import migrations

SQLITE_INSTALL = [
    """
    CREATE TRIGGER IF NOT EXISTS timebank_ledgerline_no_update BEFORE UPDATE ON timebank_ledgerline
    BEGIN SELECT RAISE(ABORT, 'time bank ledger lines are append-only'); END;
    """,
    """
    CREATE TRIGGER IF NOT EXISTS timebank_exchange_no_edit BEFORE UPDATE ON timebank_exchange
    WHEN OLD.hours IS NOT NEW.hours
      OR OLD.from_account_id IS NOT NEW.from_account_id
      OR OLD.to_account_id IS NOT NEW.to_account_id
      OR OLD.category IS NOT NEW.category
      OR OLD.happened_on IS NOT NEW.happened_on
      OR OLD.reverses_id IS NOT NEW.reverses_id
      OR (OLD.status != 'pending' AND NEW.status IS NOT OLD.status)
    BEGIN SELECT RAISE(ABORT, 'time bank exchanges cannot be edited'); END;
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS timebank_ledgerline_no_update;",
    "DROP TRIGGER IF EXISTS timebank_exchange_no_edit;",
]
POSTGRES_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION timebank_ledgerline_no_update() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'time bank ledger lines are append-only'; END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER timebank_ledgerline_no_update BEFORE UPDATE ON timebank_ledgerline
    FOR EACH ROW EXECUTE FUNCTION timebank_ledgerline_no_update();
    """,
    """
    CREATE OR REPLACE FUNCTION timebank_exchange_no_edit() RETURNS trigger AS $$
    BEGIN
      IF OLD.hours IS DISTINCT FROM NEW.hours
         OR OLD.from_account_id IS DISTINCT FROM NEW.from_account_id
         OR OLD.to_account_id IS DISTINCT FROM NEW.to_account_id
         OR OLD.category IS DISTINCT FROM NEW.category
         OR OLD.happened_on IS DISTINCT FROM NEW.happened_on
         OR OLD.reverses_id IS DISTINCT FROM NEW.reverses_id
         OR (OLD.status <> 'pending' AND NEW.status IS DISTINCT FROM OLD.status) THEN
        RAISE EXCEPTION 'time bank exchanges cannot be edited';
      END IF;
      RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER timebank_exchange_no_edit BEFORE UPDATE ON timebank_exchange
    FOR EACH ROW EXECUTE FUNCTION timebank_exchange_no_edit();
    """,
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS timebank_ledgerline_no_update ON timebank_ledgerline;",
    "DROP TRIGGER IF EXISTS timebank_exchange_no_edit ON timebank_exchange;",
    "DROP FUNCTION IF EXISTS timebank_ledgerline_no_update();",
    "DROP FUNCTION IF EXISTS timebank_exchange_no_edit();",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRES_REMOVE}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("timebank", "0001_ledger")]
    operations = [migrations.RunPython(forwards, backwards)]
