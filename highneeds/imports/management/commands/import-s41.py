from highneeds.imports.cli import ImportCommand
from highneeds.imports.s41 import import_s41


class Command(ImportCommand):
    help = (
        "Flag section 41 approval (with its date) from the DfE list of approved independent special schools and "
        "special post-16 institutions, creating those not yet held. See docs/imports.md."
    )
    importer = import_s41
    file_help = "the section 41 list as CSV: local authority, institution name, type, date approved"
