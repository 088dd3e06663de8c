"""The shared cache's table (linkwell/core/cache.py), created as `linkwell createcachetable`
would, so that `linkwell migrate` on a fresh database is all a deployment needs."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

# linkwell.core.cache.TABLE and LOCATION in config/settings.py CACHES (no app imports here).
TABLE = "linkwell_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
