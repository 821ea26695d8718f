"""Indexes that case-insensitive prefix search on names can use, written for each database.

Django's `istartswith` becomes `LIKE 'x%'` on SQLite (case-insensitive, so it needs NOCASE indexes)
and `UPPER(col::text) LIKE UPPER('x%')` on PostgreSQL (so it needs pattern-ops indexes on UPPER).
"""

from django.db import migrations

COLUMNS = ("last_name", "first_name", "preferred_name")


def forwards(apps, schema_editor):
    for column in COLUMNS:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'CREATE INDEX people_child_{column}_upper ON people_child '
                                  f'(UPPER("{column}"::text) text_pattern_ops)')
        else:
            schema_editor.execute(f'CREATE INDEX people_child_{column}_nocase ON people_child ("{column}" COLLATE NOCASE)')


def backwards(apps, schema_editor):
    suffix = "upper" if schema_editor.connection.vendor == "postgresql" else "nocase"
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_child_{column}_{suffix}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
