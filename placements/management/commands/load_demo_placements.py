"""python manage.py load_demo_placements: demo placements for the persons of load_demo (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from common.kept import paused
from placements.demo import load_demo_placements
from placements.demo_followup import load_demo_followup


class Command(BaseCommand):
    help = "Läser in demoplaceringar för Demokommunens personer (kör load_demo först). Kan köras flera gånger."

    @paused()  # the kept report tables remade once, after all of it (common.kept)
    def handle(self, *args, **options):
        try:
            result = load_demo_placements()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Demoplaceringar: {result['placements']} nya, {result['total']} totalt; "
                          f"{result['agreements']} ramavtal med prislistor.")
        followup = load_demo_followup()
        self.stdout.write(f"Följa vården: {followup['placements']} placerade barn, {followup['reviews']} "
                          f"överväganden/omprövningar, {followup['contacts']} kontakter, {followup['plans']} planer, "
                          f"{followup['notifications']} besvarade underrättelser.")
