"""python manage.py load_demo_budget: demo budgets sized on the demo placements (idempotent)."""

from django.core.management.base import BaseCommand

from budget.demo import load_demo_budget


class Command(BaseCommand):
    help = ("Läser in demobudget per verksamhet för de två senaste åren och innevarande år "
            "(kör load_demo_placements först). Kan köras flera gånger.")

    def handle(self, *args, **options):
        result = load_demo_budget()
        self.stdout.write(f"Demobudget: {result['created']} nya budgetrader, {result['total']} totalt.")
