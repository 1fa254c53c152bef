"""Gives or takes the right to see protected identities, through socialtjanst.grants (four eyes, logged)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from socialtjanst import grants


def _account(username: str, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Det finns inget konto {username!r} ({role}).")
    return user


class Command(BaseCommand):
    help = ("Ger (eller med --revoke tar bort) behörigheten att se skyddade personuppgifter. Den som ger "
            "(--granter) måste ha behörigheten att ge den och får inte administrera konton; ändringen loggas.")

    def add_arguments(self, parser):
        parser.add_argument("--granter", required=True, help="Kontot som ger behörigheten (fyra ögon).")
        parser.add_argument("--user", required=True, help="Kontot som får eller förlorar behörigheten.")
        parser.add_argument("--reason", default="", help="Skäl; krävs när behörigheten ges.")
        parser.add_argument("--revoke", action="store_true", help="Ta bort behörigheten i stället.")

    def handle(self, *args, granter, user, reason, revoke, **options):
        by, account = _account(granter, "--granter"), _account(user, "--user")
        try:
            if revoke:
                grants.protected_identity_revoke(by=by, user=account, reason=reason)
            else:
                grants.protected_identity_grant(by=by, user=account, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        done = "tagits bort från" if revoke else "getts till"
        self.stdout.write(f"Behörigheten {grants.PERMISSION_LABEL!r} har {done} {account.username}.")
