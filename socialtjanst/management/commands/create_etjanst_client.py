"""Connects a municipal e-tjänst: a client, its system user and a token shown once."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from socialtjanst.etjanst_tokens import new_token, token_sha256
from socialtjanst.models import EServiceClient, Unit, UnitMembership


def find_unit(value: str) -> Unit:
    """By code first (what an administrator sees), then by id."""
    unit = Unit.objects.filter(code=value).first()
    if unit is None and value.isdigit():
        unit = Unit.objects.filter(pk=int(value)).first()
    if unit is None:
        raise CommandError(f"Det finns ingen enhet med koden eller id:t {value!r}.")
    return unit


@transaction.atomic
def create_client(name: str, unit: Unit) -> tuple[EServiceClient, str]:
    """Returns the client and its token; only the token's SHA-256 is stored."""
    name = name.strip()
    if not name:
        raise CommandError("Ange e-tjänstens namn.")
    if EServiceClient.objects.filter(name=name).exists():
        raise CommandError(f"Det finns redan en e-tjänstklient med namnet {name!r}.")
    username = f"etjanst-{slugify(name)}"[:150]
    if User.objects.filter(username=username).exists():
        raise CommandError(f"Användarnamnet {username!r} är redan upptaget.")
    # No password and no role: the user cannot log in and reaches no case through the web. It is a
    # member of the unit so that its access-log rows are the unit's (enhetschefen reviews them) and
    # are not flagged as outside its own units.
    user = User(username=username, first_name="E-tjänst", last_name=name[:150])
    user.set_unusable_password()
    user.save()
    UnitMembership.objects.create(user=user, unit=unit)
    token = new_token()
    client = EServiceClient.objects.create(name=name, token_sha256=token_sha256(token), unit=unit, user=user)
    return client, token


class Command(BaseCommand):
    help = "Skapar en e-tjänstklient med systemanvändare och skriver ut dess token (en gång)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="E-tjänstens namn, t.ex. 'Orosanmälan via kommunens webbplats'.")
        parser.add_argument("--unit", required=True, help="Mottagningsenhetens kod (eller id).")

    def handle(self, *args, name, unit, **options):
        unit_obj = find_unit(unit)
        if not unit_obj.is_intake:
            self.stderr.write(f"Obs: {unit_obj.name} är inte markerad som mottagningsenhet.")
        client, token = create_client(name, unit_obj)
        self.stdout.write(f"E-tjänstklienten {client.name!r} är skapad (id {client.pk}) för {unit_obj.name}.")
        self.stdout.write(f"Systemanvändare: {client.user.username}")
        self.stdout.write("Token (visas bara nu; spara den i e-tjänstens konfiguration):")
        self.stdout.write(token)
