"""Give `DisclosureControl` a real (empty) table: it was unmanaged with none, so `dumpdata` and
anything else that reads every model failed on `reports_disclosurecontrol`.

Changing `managed` only alters the migration state (Django never creates the table of a model
that becomes managed), so the table is created here explicitly.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create_table(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.create_model(apps.get_model("reports", "DisclosureControl"))


def drop_table(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.delete_model(apps.get_model("reports", "DisclosureControl"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_patient_story_version"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="disclosurecontrol",
            options={
                "default_permissions": (),
                "permissions": [
                    (
                        "view_unsuppressed",
                        "Can see unsuppressed figures (counts of 1-7 and unrounded numbers); audited",
                    )
                ],
            },
        ),
        migrations.RunPython(create_table, drop_table),
    ]
