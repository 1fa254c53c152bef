"""python manage.py export_report NAME --year Y [--month M] --format json|csv|xlsx [--out FILE] (shared/formats.md)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from common import reporting
from common.errors import NotFound


class Command(BaseCommand):
    help = "Exporterar en rapport som JSON, CSV eller Excel."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Rapportens namn, t.ex. placement_days")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, help="Till och med månad (1–12); utan: helår")
        parser.add_argument("--format", choices=reporting.FORMATS, default="json")
        parser.add_argument("--out", help="Fil att skriva till; utan: standard ut")

    def handle(self, *args, name, year, month, format, out, **options):
        try:
            report = reporting.get_report(name)
        except NotFound:
            known = ", ".join(r.name for r in reporting.all_reports())
            raise CommandError(f"Okänd rapport '{name}'. Kända rapporter: {known}") from None
        try:
            result = reporting.run_report(report, user=None, year=year, through_month=month)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        body = reporting.render_bytes(report, result, format, year=year, through_month=month)
        if out:
            with open(out, "wb") as fh:
                fh.write(body)
            self.stderr.write(f"Skrev {len(result.rows)} rader till {out}")
        else:
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
