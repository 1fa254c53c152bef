"""Writes of persons and cases. Each service is atomic and records its access-log row
in the same transaction; the acting user is always passed as `by`."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from common.errors import NotFound

from . import access
from .audit import audit_case, audit_new_persons, audit_person
from .identity import parse_id_number
from .models import AccessAction, Case, Person, Unit

STALE_VERSION = (
    "Uppgifterna har ändrats av någon annan sedan du öppnade dem. Ladda om sidan och gör ändringen igen."
)
UNIT_NOT_ALLOWED = "Du kan bara öppna ärenden i dina egna enheter."
CASE_CLOSE_BEFORE_OPEN = "Avslutsdatum kan inte vara före datumet då ärendet öppnades."

PERSON_EDITABLE_FIELDS = ("first_name", "last_name", "gender", "address", "protected_identity")


@transaction.atomic
def person_register(
    *,
    by,
    id_number: str,
    first_name: str,
    last_name: str,
    address: str = "",
    gender: str | None = None,
    protected_identity: bool = False,
) -> tuple[Person, bool]:
    """Finds the person by number or creates them. Returns (person, created)."""
    parsed = parse_id_number(id_number)
    person, created = Person.objects.get_or_create(
        id_number=parsed.canonical,
        defaults=_new_person_fields(parsed, first_name=first_name, last_name=last_name, address=address,
                                    gender=gender, protected_identity=protected_identity),
    )
    if created:
        audit_person(user=by, action=AccessAction.CREATE, person=person)
    elif protected_identity and not person.protected_identity:
        # Marking a known person as protected is always the safe direction; a registration never lowers it.
        _bump_version(Person, person.pk, person.version, {"protected_identity": True})
        person.refresh_from_db()
        audit_person(user=by, action=AccessAction.CHANGE, person=person)
    return person, created


def _new_person_fields(parsed, *, first_name: str, last_name: str, address: str = "", gender: str | None = None,
                       protected_identity: bool = False) -> dict:
    return {
        "id_kind": parsed.kind,
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "address": address.strip(),
        "gender": gender or parsed.gender,
        "birth_date": parsed.birth_date,
        "protected_identity": protected_identity,
    }


def persons_register_many(*, by, people: dict[str, str | None], first_name: str,
                          last_name: str) -> tuple[dict[str, Person], int]:
    """person_register for many personnummer at once (the placement import): `people` maps a canonical number
    to the gender to give a new person (None: from the number). Finds them in one query per thousands, creates
    the missing in one statement and logs each creation as person_register does. Returns (number → person,
    how many were created)."""
    numbers = list(people)
    found: dict[str, Person] = {}
    for i in range(0, len(numbers), 5000):
        found.update((p.id_number, p) for p in Person.objects.filter(id_number__in=numbers[i:i + 5000]))
    new = [Person(id_number=number, **_new_person_fields(parse_id_number(number), first_name=first_name,
                                                         last_name=last_name, gender=people[number]))
           for number in numbers if number not in found]
    Person.objects.bulk_create(new, batch_size=2000)
    audit_new_persons(user=by, persons=new)
    found.update((p.id_number, p) for p in new)
    return found, len(new)


EXISTING_PERSON_NOTE = (
    "Personnumret finns redan registrerat. Uppgifterna i registret användes; namnet du skrev sparades inte. "
    "Ändra personuppgifter på personens sida."
)


def typed_name_differs(person: Person, first_name: str, last_name: str) -> bool:
    """For a person found by number: did the user type another name than the registered one?"""
    typed = (first_name.strip().casefold(), last_name.strip().casefold())
    return any(typed) and typed != (person.first_name.casefold(), person.last_name.casefold())


@transaction.atomic
def case_open(
    *, by, person: Person, unit: Unit, opened_on: datetime.date | None = None, responsible=None, reason: str = ""
) -> Case:
    """Opens a case at one of the user's units. For a person with cases in other units and none in the user's
    opened without a reason, a reason is required (access.cross_unit_reason_check); it is kept on the case
    and flags its access-log rows."""
    if not access.units_where_user_can_open_cases(by).filter(pk=unit.pk).exists():
        raise PermissionDenied(UNIT_NOT_ALLOWED)
    cross_unit_reason = access.cross_unit_reason_check(by, person, reason)
    case = Case.objects.create(
        person=person, unit=unit, opened_on=opened_on or timezone.localdate(), responsible=responsible or by,
        cross_unit_reason=cross_unit_reason,
    )
    audit_case(user=by, action=AccessAction.CREATE, case=case)
    return case


@transaction.atomic
def case_open_for_number(
    *, by, id_number: str, first_name: str, last_name: str, address: str = "", protected_identity: bool = False,
    unit: Unit, opened_on: datetime.date | None = None, reason: str = "",
) -> tuple[Case, Person, bool]:
    """The "Öppna ärende" form: finds or registers the person and opens the case in one transaction, so a
    refused case (no reason given for a person known only in other units) writes nothing at all."""
    person, created = person_register(
        by=by, id_number=id_number, first_name=first_name, last_name=last_name, address=address,
        protected_identity=protected_identity,
    )
    case = case_open(by=by, person=person, unit=unit, opened_on=opened_on, reason=reason)
    return case, person, created


def _bump_version(model, pk: int, expected_version: int, changes: dict) -> None:
    """Optimistic locking: the UPDATE only matches the version the user read."""
    updated = model.objects.filter(pk=pk, version=expected_version).update(version=F("version") + 1, **changes)
    if updated != 1:
        raise ValidationError(STALE_VERSION, code="stale_version")


@transaction.atomic
def person_update(*, by, person_id: int, expected_version: int, **changes) -> Person:
    person = access.person_get_for_user(by, person_id)
    if not access.can_change_person(by, person):
        raise NotFound("Personen finns inte.")
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Fält som inte får ändras: {sorted(unknown)}")
    if person.protected_identity and not access.can_view_protected_identity(by):
        # Without the permission one cannot see, and so not change, the protected identity.
        changes = {k: v for k, v in changes.items() if k not in ("first_name", "last_name", "address")}
        changes.pop("protected_identity", None)
    if access.person_cross_unit_reason(by, person):
        # A person reached across units shows the user no address (access.person_identity_in_scope).
        changes.pop("address", None)
    _bump_version(Person, person.pk, expected_version, changes)
    person.refresh_from_db()
    audit_person(user=by, action=AccessAction.CHANGE, person=person)
    return person


CASE_ALREADY_CLOSED = "Ärendet är redan avslutat."


@transaction.atomic
def case_close(*, by, case_id: int, expected_version: int, closed_on: datetime.date) -> Case:
    case = access.case_get_for_user(by, case_id)
    if not access.can_change_case(by, case):
        raise NotFound("Ärendet finns inte.")
    # A stale version is reported as such first (_bump_version); a current one on a closed case is refused.
    if case.status == Case.Status.CLOSED and case.version == expected_version:
        raise ValidationError(CASE_ALREADY_CLOSED, code="already_closed")
    if closed_on < case.opened_on:
        raise ValidationError(CASE_CLOSE_BEFORE_OPEN, code="closed_before_opened")
    _bump_version(Case, case.pk, expected_version, {"closed_on": closed_on, "status": Case.Status.CLOSED})
    case.refresh_from_db()
    audit_case(user=by, action=AccessAction.CHANGE, case=case)
    return case


RESERVE_NUMBER_EXHAUSTED = "Kunde inte skapa reservnummer för födelsedatumet."


@transaction.atomic
def person_register_without_number(
    *, by, first_name: str, last_name: str, birth_date: datetime.date, gender: str = "okant"
) -> Person:
    """A person whose personnummer is unknown gets a reservnummer: birth date + 'R' + a serial."""
    from .models import IdKind

    prefix = f"{birth_date:%Y%m%d}-R"
    # Serials are handed out one birth date at a time: two reports about unknown children born the same
    # day, posted at the same moment, would otherwise both take R001 and one would fail on the unique key.
    # The lock lasts until this transaction commits, so the next caller's read below sees this serial.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"person_reserve_number:{prefix}"])
    taken = set(Person.objects.filter(id_number__startswith=prefix).values_list("id_number", flat=True))
    for serial in range(1, 1000):
        candidate = f"{prefix}{serial:03d}"
        if candidate not in taken:
            break
    else:
        raise ValidationError(RESERVE_NUMBER_EXHAUSTED)
    person = Person.objects.create(
        id_number=candidate, id_kind=IdKind.RESERVNUMMER, first_name=first_name.strip(),
        last_name=last_name.strip(), birth_date=birth_date, gender=gender,
    )
    audit_person(user=by, action=AccessAction.CREATE, person=person)
    return person
