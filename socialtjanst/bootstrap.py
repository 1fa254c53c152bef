"""The first systemförvaltare of a new installation (`manage.py create_systemforvaltare`).

There is no default account: whoever installs the system creates the first systemförvaltare by name, with a
password that passes the same validators as every other password (settings.AUTH_PASSWORD_VALIDATORS), or with
the account's identity at the municipality's IdP (socialtjanst.oidc_identity), never both. The account gets
the Systemförvaltare role (migration 0011) and the admin; units and the other accounts follow from the admin
or `manage.py import_units`. The account and its role are written to the access log in the same transaction.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from . import grants
from .oidc_identity import external_identity_link
from .roles import Role

EXISTS_OTHER_ROLE = "Det finns redan ett konto {username} som inte är systemförvaltare. Inget ändrades."
EXISTS_SAME = "Systemförvaltaren {username} finns redan. Inget ändrades."
CREATED = "Systemförvaltaren {username} är skapad."
PASSWORD_OR_SUBJECT = "Ange antingen ett lösenord eller en identitet hos kommunens inloggning (--oidc-subject)."  # noqa: S105 - a message
NAME_REQUIRED = "Ange för- och efternamn."
EMAIL_REQUIRED = "Ange en e-postadress."
ROLE_MISSING = "Rollen Systemförvaltare saknas: kör `manage.py migrate` först."
ROLE_CHANGE = "roll tilldelad"
ACCOUNT_CREATED = "konto skapat"


@dataclass(frozen=True)
class BootstrapResult:
    user: User
    created: bool

    @property
    def message(self) -> str:
        return (CREATED if self.created else EXISTS_SAME).format(username=self.user.username)


def account_exists(username: str) -> bool:
    return User.objects.filter(username=username).exists()


@transaction.atomic
def systemforvaltare_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str | None = None,
    oidc_subject: str | None = None,
    oidc_issuer: str | None = None,
) -> BootstrapResult:
    """Creates the account with the Systemförvaltare role; raises ValidationError (Swedish) and writes nothing
    when a value is refused. An existing systemförvaltare of that name is left as it is (a rerun is harmless);
    an existing account of any other kind is refused, so the command never gives an account rights."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        if existing.groups.filter(name=Role.SYSTEMFORVALTARE).exists():
            return BootstrapResult(user=existing, created=False)
        raise ValidationError(EXISTS_OTHER_ROLE.format(username=username))
    if (password is None) == (oidc_subject is None):
        raise ValidationError(PASSWORD_OR_SUBJECT)
    if not first_name.strip() or not last_name.strip():
        raise ValidationError(NAME_REQUIRED)
    if not email.strip():
        raise ValidationError(EMAIL_REQUIRED)
    group = Group.objects.filter(name=Role.SYSTEMFORVALTARE).first()
    if group is None:
        raise ValidationError(ROLE_MISSING)
    user = User(username=username, first_name=first_name.strip(), last_name=last_name.strip(),
                email=User.objects.normalize_email(email.strip()), is_staff=True, is_active=True)
    user.full_clean(exclude=["password"])  # user name characters and length, e-mail shape: Django's own rules
    if password is not None:
        validate_password(password, user=user)
        user.set_password(password)
    else:
        user.set_unusable_password()  # the IdP is the only way in
    user.save()
    user.groups.add(group)
    by = AnonymousUser()  # nobody is logged in yet; the access log row has no actor and names the command
    grants.audit_grant(by=by, user=user, change=ACCOUNT_CREATED, detail="create_systemforvaltare")
    grants.audit_grant(by=by, user=user, change=ROLE_CHANGE, detail=Role.SYSTEMFORVALTARE.label)
    if oidc_subject is not None:
        external_identity_link(user=user, subject=oidc_subject, issuer=oidc_issuer, by=by)
    return BootstrapResult(user=user, created=True)
