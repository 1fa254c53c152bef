"""Who may give an account the right to see protected identities (skyddade personuppgifter).

Four eyes: the account administrator (systemförvaltare) who creates an account, gives it units and sets
its password can never give it this permission, and can no longer change an account once it holds it
(socialtjanst.admin). The permission is granted and revoked here only, by a second person who holds
socialtjanst.grant_protected_identity (in no role; given by a superuser) and who administers no accounts,
so no one person can both make an account and open protected identities to it. Every grant and revoke,
like every change of an account's groups, permissions, units or password, is an access-log row
(`grant`) that the enhetschef's review lists.
"""

from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from .access import user_unit_ids
from .audit import audit_record
from .models import AccessAction
from .roles import GRANT_PROTECTED_IDENTITY_PERMISSION, PROTECTED_IDENTITY_PERMISSION, SENSITIVE_PERMISSIONS

NOT_A_GRANTER = "Du får inte ge eller ta bort behörigheten att se skyddade personuppgifter."
ADMINISTRATORS_CANNOT_GRANT = (
    "Den som administrerar konton får inte också ge behörigheten att se skyddade personuppgifter (fyra ögon)."
)
NOT_ONESELF = "Du kan inte ändra din egen behörighet att se skyddade personuppgifter."
ADMINS_CANNOT_HOLD = "Ett konto som administrerar konton kan inte få behörigheten att se skyddade personuppgifter."
PERMISSION_LABEL = "Se skyddade personuppgifter"

ACCOUNT_ADMIN_PERMISSIONS = ("auth.add_user", "auth.change_user")


def administers_accounts(user) -> bool:
    return user.is_superuser or any(user.has_perm(p) for p in ACCOUNT_ADMIN_PERMISSIONS)


def sensitive_permissions():
    codes = [p.split(".", 1) for p in SENSITIVE_PERMISSIONS]
    query = Q()
    for app_label, codename in codes:
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def holds_sensitive_permission(user) -> bool:
    """Directly or through a group (a superuser is no exception: it is simply not editable by them)."""
    perms = sensitive_permissions()
    return (user.user_permissions.filter(pk__in=perms).exists()
            or user.groups.filter(permissions__in=perms).exists())


def _check_granter(by, user) -> None:
    if not by.has_perm(GRANT_PROTECTED_IDENTITY_PERMISSION):
        raise PermissionDenied(NOT_A_GRANTER)
    if administers_accounts(by):
        raise PermissionDenied(ADMINISTRATORS_CANNOT_GRANT)
    if by.pk == user.pk:
        raise PermissionDenied(NOT_ONESELF)


def audit_grant(*, by, user: User, change: str, detail: str = "") -> None:
    """One `grant` row about an account, seen by the enhetschef of the account's units and of the actor's."""
    criteria = {"konto": user.get_username(), "ändring": change}
    if detail:
        criteria["detalj"] = detail
    audit_record(user=by, action=AccessAction.GRANT, object_type="User", object_id=user.pk,
                 object_unit_ids=user_unit_ids(user), criteria=criteria, outside_own_units=False)


@transaction.atomic
def protected_identity_grant(*, by, user: User) -> None:
    _check_granter(by, user)
    if administers_accounts(user):
        raise PermissionDenied(ADMINS_CANNOT_HOLD)
    app_label, codename = PROTECTED_IDENTITY_PERMISSION.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    audit_grant(by=by, user=user, change="behörighet tilldelad", detail=PERMISSION_LABEL)


@transaction.atomic
def protected_identity_revoke(*, by, user: User) -> None:
    _check_granter(by, user)
    app_label, codename = PROTECTED_IDENTITY_PERMISSION.split(".")
    user.user_permissions.remove(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    audit_grant(by=by, user=user, change="behörighet borttagen", detail=PERMISSION_LABEL)
