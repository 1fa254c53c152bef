"""The shape every import command shares (shared/formats.md 'Common rules'): read the file, run the
app's all-or-nothing import, print the summary; on errors write each to standard error and exit non-zero."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class ImportCommand(BaseCommand):
    error_class: type[Exception]  # carries .errors, a list of Swedish messages naming row and column
    user_help = "Användarnamn som importen loggas på."

    def run_import(self, *, by, content: bytes, filename: str):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help=self.user_help)

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
            summary = self.run_import(by=by, content=path.read_bytes(), filename=path.name)
        except self.error_class as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Inget importerades: {len(exc.errors)} fel.") from None
        for line in summary.lines:
            self.stdout.write(line)
