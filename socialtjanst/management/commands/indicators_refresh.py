"""python manage.py indicators_refresh --year Y: fills the year's computed indicator values (idempotent upsert)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN, YEAR_OUT_OF_RANGE
from socialtjanst.followup import indicators


class Command(BaseCommand):
    help = "Beräknar årets värden för indikatorer med beräknad källa (kan köras om; skriver över samma rad)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="År; utan: innevarande år")

    def handle(self, *args, year, **options):
        year = year or timezone.localdate().year
        if not ROLLUP_YEAR_MIN <= year <= ROLLUP_YEAR_MAX:
            raise CommandError(YEAR_OUT_OF_RANGE)
        written = indicators.indicators_refresh(year=year)
        self.stdout.write(f"Uppdaterade {written} indikatorvärden för {year}.")
