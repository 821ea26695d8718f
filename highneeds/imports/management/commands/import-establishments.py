from highneeds.imports.cli import ImportCommand
from highneeds.imports.gias import import_gias


class Command(ImportCommand):
    help = (
        "Create or update establishments from a GIAS 'all establishments' CSV (URN, LA (code), EstablishmentName, "
        "TypeOfEstablishment (name)...). An existing URN is updated. See docs/imports.md."
    )
    importer = import_gias
    file_help = "a GIAS-format CSV (UTF-8 or Windows-1252)"
