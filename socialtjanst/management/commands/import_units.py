"""python manage.py import_units FILE [--user USERNAME] (docs/units.md)."""

from common.import_command import ImportCommand
from socialtjanst.unit_import import UnitImportError, import_units


class Command(ImportCommand):
    help = "Importerar enheter, konton och enhetsmedlemskap från .xlsx eller .csv (docs/units.md); allt eller inget."
    user_help = "Användarnamn som importen loggas på i åtkomstloggen."
    error_class = UnitImportError

    def run_import(self, *, by, content, filename):
        return import_units(by=by, content=content, filename=filename)
