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
from django.core.exceptions import PermissionDenied, ValidationError
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
GRANT_REASON_REQUIRED = "Ange skälet till att kontot behöver se skyddade personuppgifter."
REASON_MAX_LENGTH = 300
REASON_TOO_LONG = f"Skälet får vara högst {REASON_MAX_LENGTH} tecken."

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


def may_grant(user) -> bool:
    """Who may open the grant screen (and use the command): a holder of the grant permission who
    administers no accounts; the service checks the same and more (not oneself, not an administrator)."""
    return (user.is_authenticated and user.has_perm(GRANT_PROTECTED_IDENTITY_PERMISSION)
            and not administers_accounts(user))


def _protected_permission() -> Permission:
    app_label, codename = PROTECTED_IDENTITY_PERMISSION.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _account_administrators() -> Q:
    perms = Q()
    for code in ACCOUNT_ADMIN_PERMISSIONS:
        app_label, codename = code.split(".")
        perms |= Q(content_type__app_label=app_label, codename=codename)
    admin_perms = Permission.objects.filter(perms)
    return Q(is_superuser=True) | Q(user_permissions__in=admin_perms) | Q(groups__permissions__in=admin_perms)


def protected_identity_holders():
    """Accounts that may see protected identities, directly (revocable here) or through a group."""
    perm = _protected_permission()
    return (User.objects.filter(Q(user_permissions=perm) | Q(groups__permissions=perm)).distinct()
            .prefetch_related("unitmembership_set__unit").order_by("username"))


def protected_identity_revocable(by):
    """Accounts the permission can be taken from here: those holding it directly, never oneself."""
    return User.objects.filter(user_permissions=_protected_permission()).exclude(pk=by.pk).order_by("username")


def protected_identity_candidates(by):
    """Accounts the permission can be given to: active, not holding it, administering no accounts, not oneself."""
    perm = _protected_permission()
    holders = User.objects.filter(Q(user_permissions=perm) | Q(groups__permissions=perm)).values("pk")
    admins = User.objects.filter(_account_administrators()).values("pk")
    return (User.objects.filter(is_active=True).exclude(pk=by.pk).exclude(pk__in=holders).exclude(pk__in=admins)
            .order_by("username"))


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(GRANT_REASON_REQUIRED, code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(REASON_TOO_LONG, code="reason_too_long")
    return reason


def audit_grant(*, by, user: User, change: str, detail: str = "", reason: str = "") -> None:
    """One `grant` row about an account, seen by the enhetschef of the account's units and of the actor's."""
    criteria = {"konto": user.get_username(), "ändring": change}
    if detail:
        criteria["detalj"] = detail
    if reason:
        criteria["skäl"] = reason
    audit_record(user=by, action=AccessAction.GRANT, object_type="User", object_id=user.pk,
                 object_unit_ids=user_unit_ids(user), criteria=criteria, outside_own_units=False)


@transaction.atomic
def protected_identity_grant(*, by, user: User, reason: str) -> None:
    """Gives the permission, with the reason in the access log; a reason is required."""
    _check_granter(by, user)
    if administers_accounts(user):
        raise PermissionDenied(ADMINS_CANNOT_HOLD)
    reason = _clean_reason(reason, required=True)
    user.user_permissions.add(_protected_permission())
    audit_grant(by=by, user=user, change="behörighet tilldelad", detail=PERMISSION_LABEL, reason=reason)


@transaction.atomic
def protected_identity_revoke(*, by, user: User, reason: str = "") -> None:
    """Takes the permission away (always the safe direction, so a reason is optional)."""
    _check_granter(by, user)
    reason = _clean_reason(reason, required=False)
    user.user_permissions.remove(_protected_permission())
    audit_grant(by=by, user=user, change="behörighet borttagen", detail=PERMISSION_LABEL, reason=reason)
