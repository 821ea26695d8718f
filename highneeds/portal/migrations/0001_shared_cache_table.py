"""The table of the "shared" database cache (settings.CACHES), where the public form's rate limit counts,
so that a fresh install (and every test database) has it without a separate `createcachetable` step."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    from django.conf import settings

    for spec in settings.CACHES.values():
        if spec["BACKEND"].endswith("DatabaseCache"):
            schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(spec['LOCATION'])}")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create, drop)]
