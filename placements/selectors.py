"""Who may see which placements, built only on socialtjanst.access.

- Handläggare and enhetschef: placements registered in their units, or of persons they
  may see (a person's cases in their units); with identity (masked for a protected
  person as everywhere, via access.person_identity).
- Controller: every live placement, for costs and follow-up, but no names or
  personnummer unless the user holds placements.view_placement_identity.
- Others (systemförvaltare): none.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from socialtjanst import access
from socialtjanst.roles import Role

from .models import Placement

PLACEMENT_IDENTITY_PERMISSION = "placements.view_placement_identity"
HIDDEN_IDENTITY = "–"


def is_placement_controller(user) -> bool:
    return access.has_role(user, Role.CONTROLLER)


def placements_for_user(user) -> QuerySet[Placement]:
    if is_placement_controller(user):
        return Placement.objects.filter(voided_reason="")
    if access.works_with_cases(user):
        visible = Q(unit_id__in=access.user_unit_ids(user)) | Q(person__in=access.persons_for_user(user))
        return Placement.objects.filter(visible, voided_reason="")
    return Placement.objects.none()


def placement_get_for_user(user, pk) -> Placement:
    try:
        return placements_for_user(user).select_related("person", "care_type", "provider", "unit").get(pk=pk)
    except (Placement.DoesNotExist, ValueError, TypeError):
        raise Http404("Placeringen finns inte.") from None


def can_register_placements(user) -> bool:
    return access.works_with_cases(user)


def can_change_placement(user, placement: Placement) -> bool:
    return access.works_with_cases(user) and placement.unit_id in access.user_unit_ids(user)


def can_see_placement_identity(user) -> bool:
    return access.works_with_cases(user) or user.has_perm(PLACEMENT_IDENTITY_PERMISSION)


def can_import_placements(user) -> bool:
    return is_placement_controller(user)


def placement_identity(user, placement: Placement) -> tuple[str, str]:
    """(name, personnummer) for a list row: hidden for a controller without the permission,
    masked for a protected person without socialtjanst.view_protected_identity."""
    if not can_see_placement_identity(user):
        return HIDDEN_IDENTITY, HIDDEN_IDENTITY
    ident = access.person_identity(user, placement.person)
    return ident.name, ident.id_number


def persons_placeable_by(user):
    return access.persons_for_user(user)
