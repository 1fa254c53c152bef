"""python manage.py create_systemforvaltare USERNAME --first-name F --last-name E --email E
[--password-stdin | --oidc-subject SUBJECT [--oidc-issuer URL]] [--no-input]

Creates the first systemförvaltare of a new installation (socialtjanst.bootstrap). The password is asked for
twice without echo, or read from the first line of standard input with --password-stdin (for scripts and CI);
it is never a command-line argument, which other users of the machine can see in the process list.
"""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from socialtjanst.bootstrap import account_exists, systemforvaltare_create

NO_TERMINAL = "Ingen terminal att fråga efter lösenordet i: ange --password-stdin eller --oidc-subject."
EMPTY_STDIN = "Inget lösenord på standard in."
MISMATCH = "Lösenorden är inte lika."
BOTH = "Ange antingen --password-stdin eller --oidc-subject, inte båda."
PROMPT = "Lösenord: "
PROMPT_AGAIN = "Lösenord igen: "


class Command(BaseCommand):
    help = ("Skapar den första systemförvaltaren, med lösenord eller identitet hos kommunens inloggning. "
            "Det finns inget standardkonto.")

    def add_arguments(self, parser):
        parser.add_argument("username", help="Användarnamn.")
        parser.add_argument("--first-name", required=True, help="Förnamn.")
        parser.add_argument("--last-name", required=True, help="Efternamn.")
        parser.add_argument("--email", required=True, help="E-postadress.")
        parser.add_argument("--password-stdin", action="store_true",
                            help="Läs lösenordet från första raden på standard in (för skript och CI).")
        parser.add_argument("--oidc-subject", help="Kontots identitet hos kommunens inloggning (OIDC), i stället "
                                                   "för lösenord.")
        parser.add_argument("--oidc-issuer", help="Utfärdaren (issuer) för --oidc-subject; standard IFO_OIDC_ISSUER.")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="Fråga aldrig (för CI): kräver --password-stdin eller --oidc-subject.")

    def handle(self, *args, username, first_name, last_name, email, password_stdin, oidc_subject, oidc_issuer,
               interactive, **options):
        if password_stdin and oidc_subject is not None:
            raise CommandError(BOTH)
        password = None
        # An existing account needs no password: the service says whether it already is the systemförvaltare.
        if oidc_subject is None and not account_exists(username):
            password = self._read_password(password_stdin, interactive)
        try:
            result = systemforvaltare_create(
                username=username, first_name=first_name, last_name=last_name, email=email,
                password=password, oidc_subject=oidc_subject, oidc_issuer=oidc_issuer,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(result.message)

    @staticmethod
    def _read_password(from_stdin: bool, interactive: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError(EMPTY_STDIN)
            return password
        if not interactive or not sys.stdin.isatty():
            raise CommandError(NO_TERMINAL)
        password = getpass.getpass(PROMPT)
        if password != getpass.getpass(PROMPT_AGAIN):
            raise CommandError(MISMATCH)
        return password
