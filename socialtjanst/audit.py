"""Writes the access log. Called by services and views inside the request's
transaction, so a failed write fails the request and nothing is shown."""

from collections.abc import Iterable

from .access import cross_unit_reason_of, user_roles, user_unit_ids
from .middleware import client_ip_var, request_id_var
from .models import AccessAction, AccessEvent, Case, Person


def audit_record(
    *,
    user,
    action: AccessAction,
    object_type: str,
    object_id: int | None = None,
    persons: Iterable[Person] = (),
    object_unit_ids: Iterable[int] = (),
    criteria: dict | None = None,
    outside_own_units: bool | None = None,
) -> AccessEvent:
    """`outside_own_units` is derived from the units unless given: a case opened in one's own unit for a
    person with cases elsewhere is flagged by the caller (services.case_open)."""
    event = access_event(user=user, action=action, object_type=object_type, object_id=object_id, persons=persons,
                         object_unit_ids=object_unit_ids, criteria=criteria, outside_own_units=outside_own_units)
    event.save(force_insert=True)
    return event


def access_event(
    *,
    user,
    action: AccessAction,
    object_type: str,
    object_id: int | None = None,
    persons: Iterable[Person] = (),
    object_unit_ids: Iterable[int] = (),
    criteria: dict | None = None,
    outside_own_units: bool | None = None,
) -> AccessEvent:
    """audit_record's row, unsaved: for writing many in one statement (audit_new_persons)."""
    persons = list(persons)
    actor_units = sorted(user_unit_ids(user))
    object_units = sorted(set(object_unit_ids))
    if outside_own_units is None:
        outside_own_units = bool(object_units) and not set(object_units) & set(actor_units)
    return AccessEvent(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        roles=", ".join(sorted(user_roles(user))),
        actor_unit_ids=actor_units,
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_ids=sorted({p.pk for p in persons}),
        object_unit_ids=object_units,
        outside_own_units=outside_own_units,
        protected_person=any(p.protected_identity for p in persons),
        criteria=criteria or {},
        client_ip=client_ip_var.get(),
        request_id=request_id_var.get(),
    )


def _units_of_persons(person_ids: list[int]) -> set[int]:
    # No ordering: Case's own would be part of the DISTINCT (a sort of every row, each unit once per case).
    return set(Case.objects.filter(person_id__in=person_ids).order_by().values_list("unit_id", flat=True).distinct())


CROSS_UNIT_REASON_KEY = "skäl"


def audit_person(*, user, action: AccessAction, person: Person, criteria: dict | None = None) -> AccessEvent:
    """A person reached across units (access.cross_unit_reason_of) is flagged outside the user's units,
    with the reason, on every row: the enhetschef's review lists them."""
    rows = list(Case.objects.filter(person=person).order_by("pk").values_list("unit_id", "cross_unit_reason"))
    reason = cross_unit_reason_of(rows, user_unit_ids(user))
    if reason:
        criteria = {**(criteria or {}), CROSS_UNIT_REASON_KEY: reason}
    return audit_record(
        user=user, action=action, object_type="Person", object_id=person.pk, persons=[person],
        object_unit_ids={unit_id for unit_id, _ in rows}, criteria=criteria, outside_own_units=True if reason else None,
    )


def audit_new_persons(*, user, persons: list[Person]) -> None:
    """audit_person's creation rows for persons just created (so in no case yet), in one statement: an import."""
    AccessEvent.objects.bulk_create([
        access_event(user=user, action=AccessAction.CREATE, object_type="Person", object_id=p.pk, persons=[p])
        for p in persons], batch_size=2000)


def audit_persons(
    *, user, action: AccessAction, persons: list[Person], criteria: dict | None = None, object_type="Person"
) -> AccessEvent:
    return audit_record(
        user=user, action=action, object_type=object_type, persons=persons,
        object_unit_ids=_units_of_persons([p.pk for p in persons]), criteria=criteria,
    )


def audit_case(*, user, action: AccessAction, case: Case, object_type: str = "Case", object_id=None) -> AccessEvent:
    """Anything in a case (the case itself, or a child object named by object_type/object_id). A case
    opened for a person known only in other units is flagged outside the user's units, with its reason."""
    reason = case.cross_unit_reason
    return audit_record(
        user=user, action=action, object_type=object_type, object_id=object_id or case.pk,
        persons=[case.person], object_unit_ids=[case.unit_id],
        criteria={CROSS_UNIT_REASON_KEY: reason} if reason else None, outside_own_units=True if reason else None,
    )


def audit_cases(*, user, action: AccessAction, cases: list[Case], criteria: dict | None = None) -> AccessEvent:
    return audit_record(
        user=user, action=action, object_type="Case", persons=[c.person for c in cases],
        object_unit_ids=[c.unit_id for c in cases], criteria=criteria,
    )


def audit_denied(*, user, attempt) -> AccessEvent:
    """An attempt to open an object outside the user's scope (socialtjanst.access_middleware); the row
    always counts as outside the user's units."""
    return audit_record(
        user=user, action=AccessAction.DENIED, object_type=attempt.object_type, object_id=attempt.object_id,
        persons=list(Person.objects.filter(pk__in=attempt.person_ids)), object_unit_ids=attempt.unit_ids,
        criteria=dict(attempt.criteria), outside_own_units=True,
    )
