"""Fördelning (issue 15 point 1): who answers for a case. The enhetschef assigns or reassigns the responsible
handläggare of one or several cases of their units; a handläggare may take an unassigned case of their own
unit. Every change is a CaseAssignment row (the case's history, append-only) and an access-log row.

Who may be chosen: a member of the case's unit with the Handläggare role (checked here with a Swedish
message, and by a trigger on the history table, migration 0015)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from common.date_window import validate_case_date
from common.db_errors import constraint_messages
from common.errors import NotFound

from . import access
from .audit import audit_case
from .models import AccessAction, Case, CaseAssignment
from .roles import Role
from .users import user_full_name

NOT_A_MEMBER = "{name} är inte handläggare i enheten {unit} och kan inte bli ansvarig för ärende {case}."
NO_CASES = "Välj minst ett ärende."
NOT_OPEN = "Ärende {case} är avslutat och kan inte fördelas."
ALREADY_ASSIGNED = "Ärendet har redan en ansvarig handläggare."
BEFORE_OPENED = "Fördelningen kan inte gälla från före ärendet öppnades ({opened})."
ASSIGNED = "{count} ärenden har fördelats till {name}."
ASSIGNED_ONE = "Ärende {case} har fördelats till {name}."
TAKEN = "Du är nu ansvarig handläggare för ärende {case}."
UNCHANGED = "{name} är redan ansvarig för ärende {case}."
CONSTRAINT_MESSAGES = {
    "caseassignment_to_unit_member": "Den valda handläggaren är inte medlem i ärendets enhet.",
    "caseassignment_changes_responsible": "Den valda handläggaren är redan ansvarig för ärendet.",
}
OBJECT_TYPE = "CaseAssignment"


# --- who may do what ---------------------------------------------------------------------------


def assign_unit_ids(user) -> frozenset[int]:
    """The units whose cases the user may assign: an enhetschef's own units. Read from the memberships, whose
    units exist (a foreign key), so no statement of its own."""
    if not (access.has_role(user, Role.ENHETSCHEF) and user.has_perm("socialtjanst.change_case")):
        return frozenset()
    return access.user_unit_ids(user)


def may_assign(user) -> bool:
    return bool(assign_unit_ids(user))


def may_take(user, case: Case | None = None) -> bool:
    """A handläggare may take an unassigned case of their own unit."""
    if not (access.has_role(user, Role.HANDLAGGARE) and user.has_perm("socialtjanst.change_case")):
        return False
    return case is None or (case.unit_id in access.user_unit_ids(user) and case.responsible_id is None
                            and case.status == Case.Status.OPEN)


def assignable_users(unit_ids) -> QuerySet:
    """Who can be made responsible in these units: active members with the Handläggare role."""
    return (get_user_model().objects.filter(is_active=True, groups__name=Role.HANDLAGGARE,
                                            unitmembership__unit_id__in=list(unit_ids))
            .distinct().order_by("first_name", "last_name", "username"))


def unassigned_cases(user) -> QuerySet[Case]:
    """Ofördelade: the open cases with no responsible handläggare in the units where the user may assign
    (an enhetschef) or take (a handläggare) cases; the oldest first."""
    if may_assign(user):
        units = assign_unit_ids(user)
    elif may_take(user):
        units = access.user_unit_ids(user)
    else:
        return Case.objects.none()
    return (access.cases_for_user(user).filter(status=Case.Status.OPEN, responsible__isnull=True, unit_id__in=units)
            .order_by("opened_on", "pk"))


def oldest_cases(queue: QuerySet[Case], limit: int) -> list[Case]:
    """The first `limit` cases of an ordered queue, with their person and unit's name, in one statement: the ids
    are picked in a sub-select and the rows read for those only, since PostgreSQL otherwise joined every unassigned
    case's person before cutting (2 264 persons read for 50 on the national set, 4 → 1 ms)."""
    first = queue.values("pk")[:limit]
    return list(Case.objects.filter(pk__in=first).select_related("person", "unit")
                .only("pk", "opened_on", "unit_id", "person_id", "unit__name", *(f"person__{f}" for f in ROW_PERSON))
                .order_by(*queue.query.order_by))


# What a row of Ofördelade shows and the access log records of its person (access.person_identity, audit_persons).
ROW_PERSON = ("first_name", "last_name", "id_number", "address", "protected_identity")


# --- changes -----------------------------------------------------------------------------------


def _record(*, by, case: Case, to_user, on: datetime.date) -> CaseAssignment:
    with constraint_messages(CONSTRAINT_MESSAGES):
        row = CaseAssignment.objects.create(case=case, from_user_id=case.responsible_id, to_user=to_user,
                                            assigned_on=on, assigned_by=by)
    Case.objects.filter(pk=case.pk).update(responsible=to_user, version=F("version") + 1)
    audit_case(user=by, action=AccessAction.CHANGE, case=case, object_type=OBJECT_TYPE, object_id=row.pk)
    return row


def _check_date(case: Case, on: datetime.date) -> None:
    validate_case_date(on)
    if on < case.opened_on:
        raise ValidationError(BEFORE_OPENED.format(opened=case.opened_on.isoformat()), code="before_opened")


def cases_for_assignment(by, case_ids, *, lock: bool = False) -> dict[int, Case]:
    """The cases, by id, if the user may assign every one of them; else NotFound, the first one outside the
    user's reach noted for the access log as denied (a handläggare's own unit's case included: they may see
    it, not assign it)."""
    ids = sorted({int(pk) for pk in case_ids})
    qs = access.cases_for_user(by).filter(pk__in=ids, unit_id__in=assign_unit_ids(by)).select_related("person", "unit")
    if lock:
        qs = qs.select_for_update(of=("self",))
    cases = {c.pk: c for c in qs.order_by("pk")}
    for pk in ids:
        if pk not in cases:
            access.note_denied_if_exists(Case, pk)
            raise NotFound("Ärendet finns inte.")
    return cases


@transaction.atomic
def cases_assign(*, by, case_ids, to_user_id, on: datetime.date | None = None) -> list[CaseAssignment]:
    """Makes `to_user_id` the responsible handläggare of every case in `case_ids` from `on` (today if not
    given). All or nothing: one case outside the user's units is NotFound (logged as denied), one the
    handläggare cannot take a ValidationError, and nothing is changed. A case already theirs is left as it
    is (no history row). Returns the history rows written."""
    cases = cases_for_assignment(by, case_ids, lock=True)
    if not cases:
        raise ValidationError(NO_CASES, code="no_cases")
    on = on or timezone.localdate()
    to_user = get_user_model().objects.filter(pk=to_user_id, is_active=True).first()
    rows = []
    for case in cases.values():
        if case.status != Case.Status.OPEN:
            raise ValidationError(NOT_OPEN.format(case=case.pk), code="not_open")
        if to_user is None or not assignable_users([case.unit_id]).filter(pk=to_user.pk).exists():
            raise ValidationError(NOT_A_MEMBER.format(name=_name(to_user), unit=case.unit.name, case=case.pk),
                                  code="not_a_member")
        _check_date(case, on)
        if case.responsible_id == to_user.pk:
            continue
        rows.append(_record(by=by, case=case, to_user=to_user, on=on))
    return rows


@transaction.atomic
def case_take(*, by, case_id, on: datetime.date | None = None) -> CaseAssignment:
    """"Ta ärendet": a handläggare makes themself responsible for an unassigned case of their unit."""
    case = access.case_get_for_user(by, case_id)
    case = Case.objects.select_for_update(of=("self",)).select_related("person", "unit").get(pk=case.pk)
    if not may_take(by):
        raise NotFound("Ärendet finns inte.")
    if case.responsible_id is not None:
        raise ValidationError(ALREADY_ASSIGNED, code="already_assigned")
    if case.status != Case.Status.OPEN:
        raise ValidationError(NOT_OPEN.format(case=case.pk), code="not_open")
    if not assignable_users([case.unit_id]).filter(pk=by.pk).exists():
        raise ValidationError(NOT_A_MEMBER.format(name=_name(by), unit=case.unit.name, case=case.pk),
                              code="not_a_member")
    on = on or timezone.localdate()
    _check_date(case, on)
    return _record(by=by, case=case, to_user=by, on=on)


def _name(user) -> str:
    return user_full_name(user) if user is not None else "Den valda användaren"


# --- reads -------------------------------------------------------------------------------------


def case_assignment_history(case: Case) -> list[CaseAssignment]:
    """The case's fördelningar, newest first (the caller has already reached the case through access)."""
    return list(CaseAssignment.objects.filter(case=case).select_related("from_user", "to_user", "assigned_by")
                .order_by("-created_at", "-pk"))
