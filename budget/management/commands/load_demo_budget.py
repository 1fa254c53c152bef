"""python manage.py load_demo_budget: demo budgets sized on the demo placements (idempotent)."""

from django.core.management.base import BaseCommand

from budget.demo import load_demo_budget
from budget.demo_closing import load_demo_closings
from budget.ledger.demo import load_demo_ledger


class Command(BaseCommand):
    help = ("Läser in demobudget per verksamhet och vårdform för de två senaste åren och innevarande år "
            "och stänger demomånaderna (kör load_demo_placements först). Kan köras flera gånger.")

    def handle(self, *args, **options):
        result = load_demo_budget()
        self.stdout.write(f"Demobudget: {result['created']} nya budgetrader, {result['total']} totalt.")
        # Before the closings: a closed month keeps its ledger outcome and refuses a file for it.
        ledger_months = load_demo_ledger()
        self.stdout.write(f"Demohuvudbok: {ledger_months} månader importerade.")
        closed = load_demo_closings()
        self.stdout.write(f"Demobokslut: {closed} månader stängda nu (januari i fjol till och med förrförra månaden).")
