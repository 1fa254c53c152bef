"""python manage.py rollup --year Y [--month M]: sends the roll-up to the worker, waits, prints what it did."""

from django.core.management.base import BaseCommand, CommandError

from budget.tasks import rollup_period


class Command(BaseCommand):
    help = "Räknar om månadsfakta för ett år (eller en månad) i Celery-workern och väntar på resultatet."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int)
        parser.add_argument("--timeout", type=int, default=1800, help="Sekunder att vänta på workern")

    def handle(self, *args, year, month, timeout, **options):
        if month is not None and not 1 <= month <= 12:
            raise CommandError("Månaden ska vara 1–12.")
        # The task ignores results by default; this call needs one to wait for.
        async_result = rollup_period.apply_async(args=[year, month], ignore_result=False)
        self.stdout.write(f"Skickade omräkningen till workern (uppgift {async_result.id}); väntar …")
        try:
            description = async_result.get(timeout=timeout)
        except Exception as exc:
            raise CommandError(f"Omräkningen blev inte klar: {exc}") from exc
        self.stdout.write(description)
