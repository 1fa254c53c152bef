"""Who may do what with which case object: role × unit × object × action.

Every view, list, search, export, report and API reaches case data through the
selectors here. Objects outside a user's scope are simply absent from the
querysets, so a detail view answers 404 for missing and forbidden alike.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from common.errors import NotFound

from .denied_notes import DeniedAttempt, access_denied_note
from .models import AccessEvent, Case, Person, Unit
from .roles import CASE_ROLES, PROTECTED_IDENTITY_PERMISSION, Role

MASKED_NAME = "Skyddad identitet"
MASKED_ID_NUMBER = "********-****"
MASKED_ADDRESS = "Skyddad adress"


def user_roles(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    if getattr(user, "_ifo_roles", None) is None:
        load_user_access(user)
    return user._ifo_roles


def user_unit_ids(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    if getattr(user, "_ifo_unit_ids", None) is None:
        load_user_access(user)
    return user._ifo_unit_ids


def load_user_access(user) -> None:
    """The user's roles, units and permissions in one statement, kept on the request's user: every page asks for
    all three, and they were three statements (four with the permissions of the user's groups). The permissions
    are kept where Django's ModelBackend keeps them (`_perm_cache`), so its has_perm reads them from here; a
    superuser's or an inactive user's are left to it. UserAccessMiddleware calls it before the view."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from .models import UnitMembership

    def kind(letter):
        return Value(letter, output_field=CharField())

    own = Permission.user_set.through.objects.filter(user=user).values("permission_id")
    by_group = Permission.group_set.through.objects.filter(group__user=user).values("permission_id")
    rows = Group.objects.filter(user=user, name__in=Role.values).order_by().values_list(kind("r"), "name").union(
        UnitMembership.objects.filter(user=user).order_by().values_list(kind("u"), Cast("unit_id", CharField())),
        Permission.objects.filter(Q(pk__in=own) | Q(pk__in=by_group)).order_by().values_list(
            kind("p"), Concat("content_type__app_label", Value("."), "codename", output_field=CharField())),
        all=True)
    found = {"r": set(), "u": set(), "p": set()}
    for letter, value in rows:
        found[letter].add(value)
    user._ifo_roles = frozenset(found["r"])
    user._ifo_unit_ids = frozenset(int(unit_id) for unit_id in found["u"])
    user._ifo_units = None
    if user.is_active and not user.is_superuser:
        user._perm_cache = found["p"]


def user_units(user) -> list[Unit]:
    """Kept on the request's user as the ids are: every page's header shows them, and a table rendered inside
    the page runs the context processors again."""
    cached = getattr(user, "_ifo_units", None)
    if cached is None:
        cached = list(Unit.objects.filter(pk__in=user_unit_ids(user)))
        user._ifo_units = cached
    return list(cached)


def has_role(user, role: str) -> bool:
    return role in user_roles(user)


def works_with_cases(user) -> bool:
    return bool(user_roles(user) & CASE_ROLES)


def can_view_protected_identity(user) -> bool:
    return user.is_authenticated and user.has_perm(PROTECTED_IDENTITY_PERMISSION)


# --- case data ---------------------------------------------------------------


def cases_for_user(user) -> QuerySet[Case]:
    """Cases the user may see: handläggare and enhetschef see their own units' cases;
    controllers and systemförvaltare see no case content at all."""
    if not (works_with_cases(user) and user.has_perm("socialtjanst.view_case")):
        return Case.objects.none()
    return Case.objects.filter(unit_id__in=user_unit_ids(user))


def persons_for_user(user) -> QuerySet[Person]:
    """Persons with at least one case the user may see."""
    visible_cases = cases_for_user(user).filter(person_id=OuterRef("pk"))
    return Person.objects.filter(Exists(visible_cases))


def may_view_followup(user) -> bool:
    """Who may open a follow-up (deadline shares, intake statistics, indicators): an enhetschef who may view
    cases (their own units) and a controller (every unit, aggregates and case numbers only)."""
    return user is not None and (
        (has_role(user, Role.ENHETSCHEF) and user.has_perm("socialtjanst.view_case"))
        or has_role(user, Role.CONTROLLER))


def followup_shows_identity(user) -> bool:
    """In a follow-up only an enhetschef sees who a case is about (still masked by person_identity);
    a controller sees case numbers only."""
    return user is not None and has_role(user, Role.ENHETSCHEF)


def followup_cases_for_user(user) -> QuerySet[Case]:
    """The cases a follow-up figure (deadline shares, intake statistics) may count: an enhetschef those
    of their units, a controller every case (aggregates and case numbers only, never names), the
    management command (user None) every case, anyone else none."""
    if user is None:
        return Case.objects.all()
    if has_role(user, Role.ENHETSCHEF):
        return cases_for_user(user)
    if has_role(user, Role.CONTROLLER):
        return Case.objects.all()
    return Case.objects.none()


def followup_units_for_user(user) -> QuerySet[Unit]:
    """The units a follow-up can be narrowed to, by the same rule."""
    if user is not None and has_role(user, Role.ENHETSCHEF):
        return Unit.objects.filter(pk__in=user_unit_ids(user))
    if user is None or has_role(user, Role.CONTROLLER):
        return Unit.objects.all()
    return Unit.objects.none()


def followup_scope_unit_ids(user) -> list[int] | None:
    """followup_cases_for_user as unit ids for a set-based statement: None for the whole municipality (no
    filter at all, not a sub-select that keeps every case), else the units whose cases count (maybe none)."""
    if user is not None and has_role(user, Role.ENHETSCHEF):
        allowed = works_with_cases(user) and user.has_perm("socialtjanst.view_case")  # as cases_for_user
        return sorted(user_unit_ids(user)) if allowed else []
    if user is None or has_role(user, Role.CONTROLLER):
        return None
    return []


def note_denied_if_exists(model, pk, case_path: str | None = "") -> None:
    """Not found for missing and forbidden alike, but a forbidden attempt (the object exists outside the
    user's scope) is noted for the access log as `denied`, with the person and units it concerns.
    `case_path` leads from the object to its case ("" for a Case itself, None for a Person)."""
    try:
        pk = int(pk)
    except (ValueError, TypeError):
        return
    if case_path is None:
        if not model._base_manager.filter(pk=pk).exists():
            return
        units = Case.objects.filter(person_id=pk).values_list("unit_id", flat=True).distinct()
        access_denied_note(DeniedAttempt(model.__name__, pk, (pk,), tuple(sorted(units))))
        return
    prefix = f"{case_path}__" if case_path else ""
    row = model._base_manager.filter(pk=pk).values_list(f"{prefix}person_id", f"{prefix}unit_id").first()
    if row is not None:
        access_denied_note(DeniedAttempt(model.__name__, pk, (row[0],), (row[1],)))


def case_get_for_user(user, pk) -> Case:
    try:
        return cases_for_user(user).select_related("person", "unit", "responsible").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        note_denied_if_exists(Case, pk)
        raise NotFound("Ärendet finns inte.") from None


def person_get_for_user(user, pk) -> Person:
    try:
        return persons_for_user(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        note_denied_if_exists(Person, pk, case_path=None)
        raise NotFound("Personen finns inte.") from None


def units_where_user_can_open_cases(user) -> QuerySet[Unit]:
    if not (works_with_cases(user) and user.has_perm("socialtjanst.add_case")):
        return Unit.objects.none()
    return Unit.objects.filter(pk__in=user_unit_ids(user))


def can_change_case(user, case: Case) -> bool:
    return (
        works_with_cases(user)
        and user.has_perm("socialtjanst.change_case")
        and case.unit_id in user_unit_ids(user)
    )


def can_change_person(user, person: Person) -> bool:
    return user.has_perm("socialtjanst.change_person") and persons_for_user(user).filter(pk=person.pk).exists()


# --- a case for a person known only in other units (issue 12 point 8a) -----------------------

CROSS_UNIT_REASON_REQUIRED = (
    "Personen har ärenden i andra enheter och inget ärende i dina som öppnats utan skäl. Ange ett skäl "
    "för att öppna ärendet; skälet loggas och granskas av enhetschefen."
)
CROSS_UNIT_REASON_HELP = (
    "Krävs när personen har ärenden i andra enheter och inget ärende i dina som öppnats utan skäl. Ditt "
    "ärende visar bara det det behöver (namn och personnummer, inte adress eller andra enheters "
    "placeringar); åtkomsten loggas som utanför dina enheter med skälet, och enhetschefen granskar den."
)
CROSS_UNIT_REASONS = [
    ("ny_ansokan", "Ny ansökan eller begäran till min enhet"),
    ("ny_anmalan", "Ny anmälan eller aktualisering som gäller min enhet"),
    ("overflyttning", "Ärendet förs över från en annan enhet"),
    ("samverkan", "Samordnad insats med en annan enhet"),
]
CROSS_UNIT_REASON_MAX_LENGTH = 400
CROSS_UNIT_REASON_TOO_LONG = f"Skälet får vara högst {CROSS_UNIT_REASON_MAX_LENGTH} tecken."
# The access-log criteria of a refused attempt (no reason given): the user learnt that the person is a
# client elsewhere, so the attempt is logged as denied and outside the user's units.
CROSS_UNIT_PROBE_CRITERIA = (("nekat", "ärende för person med ärenden i andra enheter, utan skäl"),)


def cross_unit_reason_required(user, person: Person | None) -> bool:
    """Opening a case for a person with cases (open or closed) in units outside the user's needs a reason
    unless the person is already the units' own client, i.e. has a case there opened without one
    (persons_established_for_user). A case opened with a reason establishes nothing: the next case, by the
    same user or a colleague, asks again, else it would open the person to the unit without anyone asking."""
    if person is None or person.pk is None:
        return False
    own = user_unit_ids(user)
    rows = Case.objects.filter(person=person).values_list("unit_id", "cross_unit_reason")
    elsewhere = established = False
    for unit_id, reason in rows:
        elsewhere = elsewhere or unit_id not in own
        established = established or (unit_id in own and not reason)
    return elsewhere and not established


def cross_unit_reason_check(user, person: Person | None, reason: str) -> str:
    """The reason to store with a new case: "" when none is needed, else the given one (or a Swedish
    ValidationError). Called by every service that opens a case for a user. A refusal for want of a reason
    still told the user the person is a client elsewhere: it is noted for the access log as `denied`
    (written by access_middleware after the request's rollback)."""
    if not cross_unit_reason_required(user, person):
        return ""
    reason = (reason or "").strip()
    if not reason:
        units = Case.objects.filter(person=person).values_list("unit_id", flat=True).distinct()
        access_denied_note(DeniedAttempt("Person", person.pk, (person.pk,), tuple(sorted(units)),
                                         criteria=CROSS_UNIT_PROBE_CRITERIA))
        raise ValidationError(CROSS_UNIT_REASON_REQUIRED, code="cross_unit_reason")
    if len(reason) > CROSS_UNIT_REASON_MAX_LENGTH:
        raise ValidationError(CROSS_UNIT_REASON_TOO_LONG, code="cross_unit_reason")
    return reason


def cross_unit_reason_of(case_rows, unit_ids) -> str:
    """For a person's cases as (unit_id, cross_unit_reason) rows: the reason the person reached `unit_ids`
    across units, if every case there was opened with one (the latest), else "". Such a person's identity
    shows only what the case needs, and every access-log row about them is flagged (socialtjanst.audit)."""
    own = [reason for unit_id, reason in case_rows if unit_id in unit_ids]
    if own and all(own):
        return own[-1]
    return ""


def persons_established_for_user(user) -> QuerySet[Person]:
    """Persons with a case in the user's units opened without a cross-unit reason: the units' own clients,
    whose data (placements by other units included) follows them."""
    own_cases = cases_for_user(user).filter(person_id=OuterRef("pk"), cross_unit_reason="")
    return Person.objects.filter(Exists(own_cases))


def person_cross_unit_reason(user, person: Person) -> str:
    rows = Case.objects.filter(person=person).order_by("pk").values_list("unit_id", "cross_unit_reason")
    return cross_unit_reason_of(list(rows), user_unit_ids(user))


# --- identity ----------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    name: str
    id_number: str
    address: str
    masked: bool


def person_identity(user, person: Person) -> Identity:
    """The name, number and address a user may read; masked for a protected person
    unless the user holds the explicit permission."""
    if person.protected_identity and not can_view_protected_identity(user):
        return Identity(MASKED_NAME, MASKED_ID_NUMBER, MASKED_ADDRESS, masked=True)
    return Identity(f"{person.first_name} {person.last_name}", person.id_number, person.address, masked=False)


CROSS_UNIT_ADDRESS = "Visas inte: personen är känd i andra enheter"


def person_identity_in_scope(user, person: Person, cross_unit_reason: str) -> Identity:
    """On the person's own pages: a person reached across units (person_cross_unit_reason) shows only
    what the new case needs, name and personnummer, not the address registered by another unit."""
    identity = person_identity(user, person)
    if cross_unit_reason and not identity.masked:
        return Identity(identity.name, identity.id_number, CROSS_UNIT_ADDRESS, masked=False)
    return identity


def person_name_filter_allowed(user) -> QuerySet[Person]:
    """Persons whose name may be matched by a free-text search: never a protected
    person for a user without the permission, or the search would confirm a name."""
    qs = persons_for_user(user)
    if not can_view_protected_identity(user):
        qs = qs.filter(protected_identity=False)
    return qs


# --- access log ------------------------------------------------------------------


def access_events_for_user(user) -> QuerySet[AccessEvent]:
    """The access log a manager may review: events by members of their units, or
    about objects in their units."""
    if not (has_role(user, Role.ENHETSCHEF) and user.has_perm("socialtjanst.view_accessevent")):
        return AccessEvent.objects.none()
    units = list(user_unit_ids(user))
    return AccessEvent.objects.filter(Q(actor_unit_ids__overlap=units) | Q(object_unit_ids__overlap=units))


# --- case flow objects: always reached through their case -----------------------------


def intakes_for_user(user) -> QuerySet:
    from .models import Intake

    return Intake.objects.filter(case__in=cases_for_user(user))


def investigations_for_user(user) -> QuerySet:
    from .models import Investigation

    return Investigation.objects.filter(case__in=cases_for_user(user))


def decisions_for_user(user) -> QuerySet:
    from .models import Decision

    return Decision.objects.filter(case__in=cases_for_user(user))


def interventions_for_user(user) -> QuerySet:
    from .models import Intervention

    return Intervention.objects.filter(decision__case__in=cases_for_user(user))


def _get_or_404(qs, pk, label, case_path="case"):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        note_denied_if_exists(qs.model, pk, case_path)
        raise NotFound(f"{label} finns inte.") from None


def intake_get_for_user(user, pk):
    return _get_or_404(intakes_for_user(user).select_related("case__person", "case__unit"), pk, "Anmälan")


def investigation_get_for_user(user, pk):
    return _get_or_404(
        investigations_for_user(user).select_related("case__person", "case__unit", "responsible"), pk, "Utredningen"
    )


def decision_get_for_user(user, pk):
    return _get_or_404(decisions_for_user(user).select_related("case__person", "case__unit"), pk, "Beslutet")


def intervention_get_for_user(user, pk):
    return _get_or_404(
        interventions_for_user(user).select_related("decision__case__person", "decision__case__unit"), pk, "Insatsen",
        case_path="decision__case",
    )
