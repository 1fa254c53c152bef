"""python manage.py import_budget FILE [--user USERNAME] (shared/formats.md, 'Budget: import_budget')."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from budget.importing import BudgetImportError, import_budget


class Command(BaseCommand):
    help = "Importerar budget från .xlsx eller .csv enligt shared/formats.md (allt eller inget)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="Användarnamn som står som den som ändrade budgetraderna.")

    def handle(self, *args, file, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Filen {file} finns inte.")
        by = None
        if user:
            try:
                by = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Användaren {user} finns inte.") from None
        try:
            summary = import_budget(by=by, content=path.read_bytes(), filename=path.name)
        except BudgetImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Inget importerades: {len(exc.errors)} fel.") from None
        for line in summary.lines:
            self.stdout.write(line)
