from highneeds.imports.children import import_children
from highneeds.imports.cli import ImportCommand


class Command(ImportCommand):
    help = (
        "Create children and young people from a CSV of their records (first_name, last_name, date_of_birth, sex, "
        "responsible_la, upn, needs...). See docs/imports.md."
    )
    importer = import_children
    file_help = "a CSV whose columns are the fields of a child's record"
