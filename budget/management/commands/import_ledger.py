"""python manage.py import_ledger FILE [--user USERNAME] (docs/ledger.md): SIE 4 (.se/.si/.sie) or CSV/XLSX."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from budget.ledger.importing import SIE_SUFFIXES, LedgerImportError, import_ledger
from common.import_command import ImportCommand


class Command(ImportCommand):
    help = "Importerar huvudbokens utfall från SIE 4, .csv eller .xlsx enligt docs/ledger.md (allt eller inget)."
    user_help = "Användarnamn som importen loggas på."
    error_class = LedgerImportError

    def run_import(self, *, by, content, filename):
        return import_ledger(by=by, content=content, filename=filename)

    def handle(self, *args, file, user=None, **options):
        path = Path(file)
        if not path.name.lower().endswith(SIE_SUFFIXES) or not path.is_file():
            return super().handle(*args, file=file, user=user, **options)
        # A SIE file is streamed from disk line by line, never read whole (the base class reads the bytes).
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"Användaren {user} finns inte.")
        try:
            with path.open("rb") as stream:
                summary = import_ledger(by=by, stream=stream, filename=path.name)
        except LedgerImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Inget importerades: {len(exc.errors)} fel.") from None
        for line in summary.lines:
            self.stdout.write(line)
