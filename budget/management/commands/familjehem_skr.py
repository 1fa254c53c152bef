"""python manage.py familjehem_skr: moves the existing own familjehem placements onto SKR's rule (issue 20).

Run once by the systemförvaltare after checking the prisbasbelopp and grundarvode in the admin (the shipped
figures are examples marked 'kontrollera'). The rule takes effect from the first open month, the month after
the latest closed one (the current month when none is closed): months before keep the amounts they had, so
no closed month changes. A placement priced by one agreed amount without arvode/omkostnad keeps it."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from placements.services import skr_adopt

from ...closing import next_month_to_close

DONE = "{count} placeringar i eget familjehem följer SKR:s regel från {month}."


def effective_month() -> datetime.date:
    """The first open month; with nothing closed, the current month (passed months keep their amounts)."""
    return next_month_to_close() or timezone.localdate().replace(day=1)


class Command(BaseCommand):
    help = "Låter befintliga placeringar i eget familjehem följa SKR:s regel från första öppna månaden."

    def handle(self, *args, **options):
        month = effective_month()
        count = skr_adopt(from_month=month)
        self.stdout.write(DONE.format(count=count, month=month.strftime("%Y-%m")))
