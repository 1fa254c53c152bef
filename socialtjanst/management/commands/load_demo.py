from django.core.management.base import BaseCommand

from socialtjanst.demo import load_demo
from socialtjanst.demo_caseflow import load_demo_inflow


class Command(BaseCommand):
    help = "Läser in referensdata och den syntetiska demokommunen (idempotent)."

    def handle(self, *args, **options):
        result = load_demo()
        self.stdout.write(
            f"Demokommunen är inläst: {result['persons']} nya personer, {result['cases']} nya ärenden."
        )
        created = load_demo_inflow()
        self.stdout.write(f"Ett års inflöde: {created} nya aktualiseringar.")
