"""Receiving an aktualisering: the one orchestration the web intake form and the e-tjänst API both call.

The person is found or registered and the intake registered in ONE transaction, so a refused intake leaves
no person behind. Two posts of the same e-tjänst reference at once: the unique key lets one in, the other
rolls its own work back (the person it may have registered included) and gets the first intake. Two
registrations of the same new person at once meet in person_register's get_or_create (the unique
personnummer) and end with one person.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import assignment, caseflow, services
from .models import EServiceClient, Intake, Person, Unit

# Inkom cannot lie in the future. An e-tjänst stamps it with its own clock and a user types the minute they
# see: a few minutes' skew is not a future report.
CLOCK_SKEW = datetime.timedelta(minutes=5)
IN_FUTURE = "Tidpunkten kan inte ligga i framtiden."
UNKNOWN_PERSON_NAME = "Okänt"
# Who reported is chosen, never preselected (a default was saved untouched as "Socialtjänst, egen nämnd").
REPORTER_REQUIRED = "Ange vem som anmälde eller tog kontakt (anmälare)."


def received_at_check(received_at: datetime.datetime, *, now: datetime.datetime | None = None) -> None:
    """The one rule for an intake's inkom, for every way an intake comes in."""
    if received_at > (now or timezone.now()) + CLOCK_SKEW:
        raise ValidationError(IN_FUTURE, code="in_future")


@dataclass(frozen=True)
class PersonDetails:
    """Who the intake is about: a personnummer, or a name, birth date and gender when it is unknown."""

    id_number: str = ""
    first_name: str = ""
    last_name: str = ""
    birth_date: datetime.date | None = None
    gender: str = "okant"


@dataclass(frozen=True)
class Receipt:
    intake: Intake
    created: bool  # False: the same e-tjänst reference was registered before (or at the same moment)
    person: Person
    person_created: bool


class _LostRace(Exception):
    """Another request registered the same reference first: undo this one's work."""

    def __init__(self, intake: Intake):
        self.intake = intake


def _person(by, details: PersonDetails) -> tuple[Person, bool]:
    if details.id_number:
        return services.person_register(
            by=by, id_number=details.id_number, first_name=details.first_name or UNKNOWN_PERSON_NAME,
            last_name=details.last_name or UNKNOWN_PERSON_NAME,
        )
    # Always a new reservnummer person: matching an unknown child by name and birth date is the
    # mottagning's call, made on the person page, not at registration.
    person = services.person_register_without_number(
        by=by, first_name=details.first_name, last_name=details.last_name, birth_date=details.birth_date,
        gender=details.gender,
    )
    return person, True


def intake_receive(
    *, by, unit: Unit, person: PersonDetails, kind: str, received_at: datetime.datetime, channel: str,
    reporter_category: str, reporter_contact: str = "", concern_categories=(), concern_text: str = "",
    e_service_client: EServiceClient | None = None, external_reference: str | None = None, reason: str = "",
    take_case: bool = False,
) -> Receipt:
    """Finds or registers the person and registers the intake at the unit (caseflow.intake_register). The case
    lands unassigned (Ofördelade) unless `take_case`: the registering handläggare then becomes responsible
    for it, if no one is yet (socialtjanst.assignment.case_take, with its history row)."""
    received_at_check(received_at)
    if not reporter_category:
        raise ValidationError(REPORTER_REQUIRED, code="reporter_required")
    if e_service_client is not None and external_reference:
        existing = Intake.objects.select_related("case__person").filter(
            e_service_client=e_service_client, external_reference=external_reference).first()
        if existing:
            return Receipt(existing, False, existing.case.person, False)
    try:
        with transaction.atomic():
            found, person_created = _person(by, person)
            intake, created = caseflow.intake_register(
                by=by, unit=unit, person=found, kind=kind, received_at=received_at, channel=channel,
                reporter_category=reporter_category, reporter_contact=reporter_contact,
                concern_categories=concern_categories, concern_text=concern_text, e_service_client=e_service_client,
                external_reference=external_reference, reason=reason,
            )
            if not created:
                raise _LostRace(intake)
            if take_case and assignment.may_take(by, intake.case):
                assignment.case_take(by=by, case_id=intake.case_id)
                intake.case.refresh_from_db()
    except _LostRace as race:
        return Receipt(race.intake, False, race.intake.case.person, False)
    return Receipt(intake, True, found, person_created)
