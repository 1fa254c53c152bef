"""python manage.py indicators_refresh --year Y: fills the year's computed indicator values (idempotent upsert)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socialtjanst import indicators


class Command(BaseCommand):
    help = "Beräknar årets värden för indikatorer med beräknad källa (kan köras om; skriver över samma rad)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="År; utan: innevarande år")

    def handle(self, *args, year, **options):
        year = year or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError("Året ska vara 2000–2100.")
        written = indicators.indicators_refresh(year=year)
        self.stdout.write(f"Uppdaterade {written} indikatorvärden för {year}.")
