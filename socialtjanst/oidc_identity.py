"""Which account a log-in through the municipality's IdP reaches (OpenID Connect).

The rule: an account is reached only through an ExternalIdentity (issuer, subject) that a systemförvaltare
or `create_systemforvaltare --oidc-subject` stored for it. The IdP alone never creates an account or gives
rights, except when the administrator turns on the documented group-to-role mapping (IFO_OIDC_GROUPS_CLAIM
and IFO_OIDC_GROUP_ROLE_MAP): then a log-in whose groups map to a role creates the account with that role
and no units (a unit is always given locally), and each log-in brings the account's role groups in line
with its IdP groups. Systemförvaltare (the admin) can never come from the IdP. A deactivated account is
refused either way.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction

from . import grants
from .models import ExternalIdentity
from .roles import Role

NO_ISSUER = "Ange utfärdaren (issuer) för kommunens inloggning, eller sätt IFO_OIDC_ISSUER."
BLANK_SUBJECT = "Ange kontots identitet hos kommunens inloggning (subject)."
SUBJECT_TAKEN = "Identiteten {subject} hos {issuer} hör redan till ett annat konto."
BAD_MAPPING = "IFO_OIDC_GROUP_ROLE_MAP: '{part}' är inte grupp=roll med en av rollerna {roles}."
MAPPABLE_ROLES = (Role.HANDLAGGARE, Role.ENHETSCHEF, Role.CONTROLLER)

# Why a log-in through the IdP was refused, as the access log records it (criteria.reason).
REFUSED_UNKNOWN = "unknown_subject"
REFUSED_INACTIVE = "inactive"
REFUSED_NO_ROLE = "no_mapped_role"
REFUSED_USERNAME_TAKEN = "username_taken"


def _fold(text: str) -> str:
    """'Handläggare', 'handlaggare' and 'HANDLÄGGARE' name the same role in the mapping."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip().lower()


def group_role_map() -> dict[str, Role]:
    """IFO_OIDC_GROUP_ROLE_MAP as {IdP group: role}; `grupp=Roll` pairs separated by ';' or new lines."""
    roles = {_fold(role.value): role for role in MAPPABLE_ROLES}
    mapping: dict[str, Role] = {}
    for part in re.split(r"[;\n]", settings.OIDC_GROUP_ROLE_MAP):
        if not part.strip():
            continue
        group, _, role = part.partition("=")
        if not group.strip() or _fold(role) not in roles:
            raise ImproperlyConfigured(BAD_MAPPING.format(part=part.strip(), roles=", ".join(MAPPABLE_ROLES)))
        mapping[group.strip()] = roles[_fold(role)]
    return mapping


def group_mapping_on() -> bool:
    return bool(settings.OIDC_GROUPS_CLAIM and group_role_map())


def mapped_roles(claims: dict) -> set[Role]:
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = group_role_map()
    return {mapping[str(g)] for g in groups if str(g) in mapping}


@transaction.atomic
def external_identity_link(*, user: User, subject: str, issuer: str | None = None, by=None) -> ExternalIdentity:
    """Lets `user` log in through the IdP as `subject`; issuer None is the configured IFO_OIDC_ISSUER."""
    issuer = (issuer if issuer is not None else settings.OIDC_ISSUER).strip().rstrip("/")
    subject = subject.strip()
    if not issuer:
        raise ValidationError(NO_ISSUER)
    if not subject:
        raise ValidationError(BLANK_SUBJECT)
    existing = ExternalIdentity.objects.filter(issuer=issuer, subject=subject).first()
    if existing is not None:
        if existing.user_id != user.pk:
            raise ValidationError(SUBJECT_TAKEN.format(subject=subject, issuer=issuer))
        return existing
    try:
        with transaction.atomic():
            identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    except IntegrityError:
        raise ValidationError(SUBJECT_TAKEN.format(subject=subject, issuer=issuer)) from None
    if by is not None:
        grants.audit_grant(by=by, user=user, change="extern identitet tillagd", detail=f"{subject} ({issuer})")
    return identity


@dataclass(frozen=True)
class Match:
    """The account a log-in reaches, or why it reaches none (`refused`, one of REFUSED_*)."""

    user: User | None
    refused: str = ""


def account_for_claims(*, issuer: str, claims: dict) -> Match:
    """The rule of this module for verified claims from `issuer`."""
    subject = str(claims.get(settings.OIDC_USER_CLAIM) or "")
    identity = (ExternalIdentity.objects.select_related("user").filter(issuer=issuer.rstrip("/"), subject=subject)
                .first() if subject else None)
    user = identity.user if identity is not None else None
    if user is not None and not user.is_active:
        return Match(user, REFUSED_INACTIVE)
    if not group_mapping_on():
        return Match(user) if user is not None else Match(None, REFUSED_UNKNOWN)
    roles = mapped_roles(claims)
    if not roles:
        return Match(user, REFUSED_NO_ROLE)
    if user is None:
        if not subject or User.objects.filter(username=subject[:150]).exists():
            return Match(None, REFUSED_USERNAME_TAKEN if subject else REFUSED_UNKNOWN)
        user = _account_create(issuer=issuer, subject=subject)
    _roles_sync(user=user, roles=roles)
    return Match(user)


@transaction.atomic
def _account_create(*, issuer: str, subject: str) -> User:
    user = User(username=subject[:150])
    user.set_unusable_password()  # only the IdP logs it in
    user.save()
    external_identity_link(user=user, subject=subject, issuer=issuer)
    grants.audit_grant(by=user, user=user, change="konto skapat från kommunens inloggning")
    return user


def _roles_sync(*, user: User, roles: set[Role]) -> None:
    """The account's mappable role groups become exactly `roles`; other groups (and units) stay as they are."""
    current = set(user.groups.filter(name__in=MAPPABLE_ROLES).values_list("name", flat=True))
    wanted = {str(r) for r in roles}
    for name in sorted(wanted - current):
        user.groups.add(Group.objects.get_or_create(name=name)[0])
        grants.audit_grant(by=user, user=user, change="grupper: tillagd från kommunens inloggning", detail=name)
    for name in sorted(current - wanted):
        user.groups.remove(Group.objects.get(name=name))
        grants.audit_grant(by=user, user=user, change="grupper: borttagen från kommunens inloggning", detail=name)
