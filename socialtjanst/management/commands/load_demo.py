from django.core.management.base import BaseCommand
from django.db import connection

from common.kept import paused
from socialtjanst.demo import load_demo
from socialtjanst.demo_caseflow import load_demo_inflow
from socialtjanst.demo_followup import load_demo_followup, token_file_for
from socialtjanst.demo_staff import caseload_spread


class Command(BaseCommand):
    help = "Läser in referensdata och den syntetiska demokommunen (idempotent)."

    @paused()  # the kept report tables remade once, after all of it (common.kept)
    def handle(self, *args, **options):
        result = load_demo()
        self.stdout.write(
            f"Demokommunen är inläst: {result['persons']} nya personer, {result['cases']} nya ärenden."
        )
        created = load_demo_inflow()
        self.stdout.write(f"Ett års inflöde, barn och vuxna: {created} nya aktualiseringar.")
        moved = caseload_spread()
        self.stdout.write(f"Ärendefördelning: {moved} ärenden fick handläggare (30–60 pågående per handläggare).")
        token_file = token_file_for(connection.settings_dict["NAME"])
        followup = load_demo_followup(token_file=token_file)
        self.stdout.write(f"Uppföljning: {followup['indicators']} nya indikatorvärden, "
                          f"{followup['control_rounds']} nya kontrollomgångar, "
                          f"{followup['etjanst_intakes']} anmälningar kopplade till e-tjänsten.")
        if followup["etjanst_token"]:
            self.stdout.write(f"E-tjänstklientens token är ny och sparad i {token_file} (bara för utveckling).")
