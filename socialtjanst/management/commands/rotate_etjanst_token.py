"""Gives an e-tjänst client a new token, shown once; the old one stops working at once."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from socialtjanst.etjanst_tokens import new_token, token_sha256
from socialtjanst.models import EServiceClient


@transaction.atomic
def rotate_token(name: str) -> tuple[EServiceClient, str]:
    client = EServiceClient.objects.select_for_update().filter(name=name.strip()).first()
    if client is None:
        raise CommandError(f"Det finns ingen e-tjänstklient med namnet {name!r}.")
    token = new_token()
    client.token_sha256 = token_sha256(token)
    client.save(update_fields=["token_sha256"])
    return client, token


class Command(BaseCommand):
    help = ("Byter token för en e-tjänstklient och skriver ut den nya (en gång). Den gamla slutar gälla "
            "direkt: lägg in den nya i e-tjänstens konfiguration samtidigt.")

    def add_arguments(self, parser):
        parser.add_argument("name", help="E-tjänstklientens namn.")

    def handle(self, *args, name, **options):
        client, token = rotate_token(name)
        self.stdout.write(f"Ny token för {client.name!r} (id {client.pk}); den gamla gäller inte längre.")
        if not client.active:
            self.stderr.write("Obs: klienten är inaktiverad och kan inte posta förrän den aktiveras igen.")
        self.stdout.write("Token (visas bara nu; spara den i e-tjänstens konfiguration):")
        self.stdout.write(token)
