"""python manage.py import_placements FILE [--user USERNAME] (shared/formats.md)."""

from common.import_command import ImportCommand
from placements.importing import PlacementImportError, import_placements


class Command(ImportCommand):
    help = "Importerar placeringar från .xlsx eller .csv enligt shared/formats.md (allt eller inget)."
    user_help = "Användarnamn som importen loggas på i åtkomstloggen."
    error_class = PlacementImportError

    def run_import(self, *, by, content, filename):
        return import_placements(by=by, content=content, filename=filename)
