"""python manage.py import_budget FILE [--user USERNAME] (shared/formats.md, 'Budget: import_budget')."""

from budget.importing import BudgetImportError, import_budget
from common.import_command import ImportCommand


class Command(ImportCommand):
    help = "Importerar budget från .xlsx eller .csv enligt shared/formats.md (allt eller inget)."
    user_help = "Användarnamn som står som den som ändrade budgetraderna."
    error_class = BudgetImportError

    def run_import(self, *, by, content, filename):
        return import_budget(by=by, content=content, filename=filename)
