"""Who may see which placements, built only on socialtjanst.access.

- Handläggare and enhetschef: placements of persons they may see (a case in their units), whichever
  unit the placement names; of a person reached only across units, only those of their units; with
  identity (masked for a protected person as everywhere, via access.person_identity).
- Controller: every live placement, for costs and follow-up, but no names or
  personnummer unless the user holds placements.view_placement_identity.
- Others (systemförvaltare): none.
"""

from django.db.models import Q, QuerySet

from common.errors import NotFound
from socialtjanst import access
from socialtjanst.roles import Role

from .models import Placement

PLACEMENT_IDENTITY_PERMISSION = "placements.view_placement_identity"
VIEW_PLACEMENT_PERMISSION = "placements.view_placement"
ADD_PLACEMENT_PERMISSION = "placements.add_placement"
CHANGE_PLACEMENT_PERMISSION = "placements.change_placement"
ADD_PAYMENT_PERMISSION = "placements.add_fostercarepayment"
DELETE_PAYMENT_PERMISSION = "placements.delete_fostercarepayment"
HIDDEN_IDENTITY = "–"


def is_placement_controller(user) -> bool:
    return access.has_role(user, Role.CONTROLLER)


def placements_for_user(user) -> QuerySet[Placement]:
    if not user.has_perm(VIEW_PLACEMENT_PERMISSION):
        return Placement.objects.none()
    if is_placement_controller(user):
        return Placement.objects.filter(voided_reason="")
    if access.works_with_cases(user):
        # Only persons the user may see (a case in their units): a placement's own unit is not enough,
        # or an imported placement, or a case moved to another unit, would show a person out of scope.
        # A client of the user's units is followed wherever placed; a person the user's units reached only
        # across units (a case opened with a reason, socialtjanst.access) shows only the user's units'
        # placements, never another unit's HVB or LVU placement (issue 12 point 8a). A placement following
        # an insats belongs to the insats' case's unit; one without, to the unit it names.
        units = access.user_unit_ids(user)
        return Placement.objects.filter(
            Q(person__in=access.persons_established_for_user(user))
            | Q(intervention__decision__case__unit_id__in=units)
            | Q(intervention__isnull=True, unit_id__in=units),
            person__in=access.persons_for_user(user), voided_reason="",
        )
    return Placement.objects.none()


def placement_get_for_user(user, pk) -> Placement:
    try:
        return placements_for_user(user).select_related(
            "person", "care_type", "provider", "unit", "agreement", "intervention__decision").get(pk=pk)
    except (Placement.DoesNotExist, ValueError, TypeError):
        access.note_denied_if_exists(Placement, pk)
        raise NotFound("Placeringen finns inte.") from None


def can_view_placements(user) -> bool:
    return user.has_perm(VIEW_PLACEMENT_PERMISSION) and (is_placement_controller(user) or access.works_with_cases(user))


def can_register_placements(user) -> bool:
    return access.works_with_cases(user) and user.has_perm(ADD_PLACEMENT_PERMISSION)


def can_change_placement(user, placement: Placement) -> bool:
    return (access.works_with_cases(user) and user.has_perm(CHANGE_PLACEMENT_PERMISSION)
            and placement.unit_id in access.user_unit_ids(user))


def can_register_payments(user, placement: Placement) -> bool:
    """Familjehem payments: for placements priced per month, by those who may change the placement."""
    return (placement.care_type.is_monthly and can_change_placement(user, placement)
            and user.has_perm(ADD_PAYMENT_PERMISSION))


def payments_for_placement(placement: Placement) -> QuerySet:
    """A placement's familjehem payments (call only with a placement from placement_get_for_user)."""
    return placement.payments.order_by("-month", "pk")


def placement_choices_for_parent(user) -> QuerySet[Placement]:
    """Placements an LSB child's placement may be linked to: the user's visible placements of adults."""
    from socialtjanst.models import TargetGroup

    return (placements_for_user(user).filter(care_type__target_group=TargetGroup.ADULTS)
            .select_related("care_type", "provider").order_by("-start_on", "pk"))


def interventions_for_placement(user, person=None) -> QuerySet:
    """Insatser a placement may follow: those the user may see (socialtjanst.access), of `person` if given."""
    qs = access.interventions_for_user(user).filter(decision__voided_reason="").select_related("decision")
    if person is not None:
        qs = qs.filter(decision__case__person=person)
    return qs.order_by("-decision__decided_on", "-pk")


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
