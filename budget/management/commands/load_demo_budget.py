"""python manage.py load_demo_budget: demo budgets sized on the demo placements (idempotent)."""

from django.core.management.base import BaseCommand

from budget.demo import load_demo_budget
from budget.demo_closing import load_demo_closings


class Command(BaseCommand):
    help = ("Läser in demobudget per verksamhet och vårdform för de två senaste åren och innevarande år "
            "och stänger demomånaderna (kör load_demo_placements först). Kan köras flera gånger.")

    def handle(self, *args, **options):
        result = load_demo_budget()
        self.stdout.write(f"Demobudget: {result['created']} nya budgetrader, {result['total']} totalt.")
        closed = load_demo_closings()
        self.stdout.write(f"Demobokslut: {closed} månader stängda nu (januari i fjol till och med förrförra månaden).")
