"""Writes of the case flow (shared/domain.md §3): each service is atomic, checks access
through access.py, records its access-log row, and turns constraint violations into
Swedish messages."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.db_errors import constraint_messages
from common.errors import NotFound

from . import access
from .audit import audit_case
from .models import (
    AccessAction,
    Case,
    ChildInterview,
    Decision,
    EServiceClient,
    Intake,
    IntakeKind,
    Intervention,
    Investigation,
    InvestigationExtension,
    Person,
    Screening,
    ScreeningOutcome,
    Unit,
)
from .services import STALE_VERSION

DATE_ORDER_MESSAGES = {
    "intake_safety_after_received": "Skyddsbedömningen kan inte vara gjord före anmälan kom in.",
    "intake_safety_date_and_result_together": "Ange både datum och resultat för skyddsbedömningen.",
    "screening_after_intake": "Förhandsbedömningen kan inte vara beslutad före anmälan kom in.",
    "screening_extension_needs_reason": "En förlängd tidsfrist kräver att synnerliga skäl anges.",
    "screening_extension_has_decision_date": "Ange både förlängd frist och datum då de synnerliga skälen beslutades.",
    "screening_extension_decided_before_screening": (
        "De synnerliga skälen kan inte vara beslutade efter förhandsbedömningen."),
    "screening_link_only_when_linking": "Välj den pågående utredning anmälan ska kopplas till.",
    "investigation_after_screening": "Utredningen kan inte påbörjas före förhandsbedömningen.",
    "investigation_completed_after_started": "Utredningen kan inte avslutas före den påbörjades.",
    "investigation_completion_has_outcome": "Ange både avslutsdatum och utfall.",
    "investigationextension_after_start": "Förlängningsbeslutet kan inte vara fattat före utredningens start.",
    "investigationextension_due_after_decision": "Den nya tidsfristen måste ligga efter beslutsdatumet.",
    "investigationextension_reason_required": "Ange de särskilda skälen för förlängningen.",
    "childinterview_held_or_reason": "Ange antingen datum för barnsamtalet eller skälet till att det inte hölls.",
    "childinterview_after_start": "Barnsamtalet kan inte vara hållet före utredningens start.",
    "decision_after_investigation_start": "Beslutet kan inte vara fattat före utredningens start.",
    "intervention_after_decision": "Insatsen kan inte verkställas före beslutet.",
    "intervention_ended_after_started": "Insatsen kan inte avslutas före den verkställdes.",
    "intake_external_reference_unique": "Anmälan med den referensen är redan registrerad.",
}
ALREADY_SCREENED = "Anmälan har redan en förhandsbedömning."
EXTENSION_BEFORE_INTAKE = "De synnerliga skälen kan inte vara beslutade före anmälan kom in."
UNIT_NOT_ALLOWED = "Du kan bara registrera i dina egna enheter."


def _case_at_unit(person: Person, unit: Unit, responsible, cross_unit_reason: str = "") -> Case:
    """The person's open case at the unit, or a new one: several reports about one child gather in one case."""
    # Reports about one person posted at the same moment take turns here (the person's row first, the order
    # placements use too), so the second finds the first's new case instead of opening another.
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).get()
    case = Case.objects.filter(person=person, unit=unit, status=Case.Status.OPEN).order_by("pk").first()
    return case or Case.objects.create(
        person=person, unit=unit, opened_on=timezone.localdate(), responsible=responsible,
        cross_unit_reason=cross_unit_reason,
    )


@transaction.atomic
def intake_register(
    *, by, unit: Unit, person: Person, kind: str, received_at: datetime.datetime, channel: str,
    reporter_category: str = "", reporter_contact: str = "", concern_categories=(), concern_text: str = "",
    e_service_client: EServiceClient | None = None, external_reference: str | None = None, reason: str = "",
) -> tuple[Intake, bool]:
    """Registers an aktualisering at the unit. With an e-tjänst reference, the same reference
    twice gives the first intake back (created=False). A user opening a case this way for a person known
    only in other units gives a reason, as in services.case_open (the e-tjänst opens nothing to a person)."""
    if e_service_client is None and not access.units_where_user_can_open_cases(by).filter(pk=unit.pk).exists():
        raise NotFound(UNIT_NOT_ALLOWED)
    cross_unit_reason = ""
    # Only a new case needs the reason: a report added to the unit's open case reaches no one new (that
    # case's own reason already flags its rows).
    if e_service_client is None and not Case.objects.filter(person=person, unit=unit, status=Case.Status.OPEN).exists():
        cross_unit_reason = access.cross_unit_reason_check(by, person, reason)
    if e_service_client is not None and external_reference:
        existing = Intake.objects.filter(
            e_service_client=e_service_client, external_reference=external_reference
        ).first()
        if existing:
            return existing, False
    # A new case lands unassigned (Ofördelade, socialtjanst.assignment) unless the registering handläggare takes
    # it (intake_service.intake_receive's take_case).
    case = _case_at_unit(person, unit, responsible=None, cross_unit_reason=cross_unit_reason)
    # Two posts of the same reference at once: the unique key lets one in; the other gets the first back.
    try:
        with constraint_messages(DATE_ORDER_MESSAGES):
            intake = Intake.objects.create(
                case=case, kind=kind, received_at=received_at, received_on=timezone.localdate(received_at),
                channel=channel, target_group=unit.target_group, reporter_category=reporter_category,
                reporter_contact=reporter_contact, concern_categories=list(concern_categories),
                concern_text=concern_text, e_service_client=e_service_client, external_reference=external_reference,
                registered_by=by,
            )
    except ValidationError as exc:
        if exc.code != "intake_external_reference_unique":
            raise
        return Intake.objects.get(e_service_client=e_service_client, external_reference=external_reference), False
    audit_case(user=by, action=AccessAction.CREATE, case=case, object_type="Intake", object_id=intake.pk)
    return intake, True


def _intake_for_change(by, intake_id) -> Intake:
    intake = access.intake_get_for_user(by, intake_id)
    if not access.can_change_case(by, intake.case):
        raise NotFound
    return intake


@transaction.atomic
def intake_assess_safety(*, by, intake_id: int, assessed_on: datetime.date, result: str) -> Intake:
    intake = _intake_for_change(by, intake_id)
    with constraint_messages(DATE_ORDER_MESSAGES):
        Intake.objects.filter(pk=intake.pk).update(
            safety_assessed_on=assessed_on, safety_result=result, version=F("version") + 1
        )
    audit_case(user=by, action=AccessAction.CHANGE, case=intake.case, object_type="Intake", object_id=intake.pk)
    intake.refresh_from_db()
    return intake


@transaction.atomic
def screening_decide(
    *, by, intake_id: int, decided_on: datetime.date, outcome: str, extraordinary_reason: str = "",
    extended_due_on: datetime.date | None = None, extension_decided_on: datetime.date | None = None,
    linked_investigation_id: int | None = None, track: str = "andra_linjen", responsible=None,
) -> Screening:
    """Förhandsbedömning. 'Inleda' opens the investigation in the same step, started the day of the decision.
    Synnerliga skäl carry the date they were decided: only a decision within the 14 days moves the deadline
    (deadlines.screening_due)."""
    intake = _intake_for_change(by, intake_id)
    if extension_decided_on is not None and extension_decided_on < intake.received_on:
        raise ValidationError(EXTENSION_BEFORE_INTAKE, code="extension_before_intake")
    if Screening.objects.filter(intake=intake).exists():
        raise ValidationError(ALREADY_SCREENED, code="already_screened")
    linked = None
    if linked_investigation_id:
        linked = access.investigations_for_user(by).filter(pk=linked_investigation_id).first()
        if linked is None:
            raise NotFound
    with constraint_messages(DATE_ORDER_MESSAGES):
        screening = Screening.objects.create(
            intake=intake, decided_on=decided_on, outcome=outcome, extraordinary_reason=extraordinary_reason,
            extended_due_on=extended_due_on, extension_decided_on=extension_decided_on, linked_investigation=linked,
            decided_by=by,
        )
        if outcome == ScreeningOutcome.OPEN:
            investigation = Investigation.objects.create(
                case=intake.case, screening=screening, started_on=decided_on, track=track,
                responsible=responsible or by,
            )
            audit_case(user=by, action=AccessAction.CREATE, case=intake.case, object_type="Investigation",
                       object_id=investigation.pk)
    audit_case(user=by, action=AccessAction.CREATE, case=intake.case, object_type="Screening", object_id=screening.pk)
    return screening


def _investigation_for_change(by, investigation_id) -> Investigation:
    investigation = access.investigation_get_for_user(by, investigation_id)
    if not access.can_change_case(by, investigation.case):
        raise NotFound
    return investigation


@transaction.atomic
def investigation_extend(
    *, by, investigation_id: int, decided_on: datetime.date, new_due_on: datetime.date, reason: str
) -> InvestigationExtension:
    investigation = _investigation_for_change(by, investigation_id)
    with constraint_messages(DATE_ORDER_MESSAGES):
        extension = InvestigationExtension.objects.create(
            investigation=investigation, decided_on=decided_on, new_due_on=new_due_on, reason=reason.strip(),
            decided_by=by,
        )
    audit_case(user=by, action=AccessAction.CREATE, case=investigation.case, object_type="InvestigationExtension",
               object_id=extension.pk)
    return extension


@transaction.atomic
def child_interview_record(
    *, by, investigation_id: int, held_on: datetime.date | None, not_held_reason: str = ""
) -> ChildInterview:
    investigation = _investigation_for_change(by, investigation_id)
    with constraint_messages(DATE_ORDER_MESSAGES):
        interview = ChildInterview.objects.create(
            investigation=investigation, held_on=held_on, not_held_reason=(not_held_reason or "").strip(),
            recorded_by=by,
        )
    audit_case(user=by, action=AccessAction.CREATE, case=investigation.case, object_type="ChildInterview",
               object_id=interview.pk)
    return interview


@transaction.atomic
def investigation_complete(
    *, by, investigation_id: int, expected_version: int, completed_on: datetime.date, outcome: str
) -> Investigation:
    investigation = _investigation_for_change(by, investigation_id)
    with constraint_messages(DATE_ORDER_MESSAGES):
        updated = Investigation.objects.filter(pk=investigation.pk, version=expected_version).update(
            completed_on=completed_on, outcome=outcome, version=F("version") + 1
        )
    if updated != 1:
        raise ValidationError(STALE_VERSION, code="stale_version")
    audit_case(user=by, action=AccessAction.CHANGE, case=investigation.case, object_type="Investigation",
               object_id=investigation.pk)
    investigation.refresh_from_db()
    return investigation


@transaction.atomic
def decision_record(
    *, by, case_id: int, legal_basis: str, kind: str, decided_on: datetime.date, investigation_id: int | None = None,
) -> Decision:
    case = access.case_get_for_user(by, case_id)
    if not access.can_change_case(by, case):
        raise NotFound
    investigation = None
    if investigation_id:
        investigation = access.investigations_for_user(by).filter(pk=investigation_id, case=case).first()
        if investigation is None:
            raise NotFound
    with constraint_messages(DATE_ORDER_MESSAGES):
        decision = Decision.objects.create(
            case=case, investigation=investigation, legal_basis=legal_basis, kind=kind, decided_on=decided_on,
            decided_by=by,
        )
    audit_case(user=by, action=AccessAction.CREATE, case=case, object_type="Decision", object_id=decision.pk)
    return decision


def _intervention_for_change(by, intervention_id) -> Intervention:
    intervention = access.intervention_get_for_user(by, intervention_id)
    if not access.can_change_case(by, intervention.decision.case):
        raise NotFound
    return intervention


@transaction.atomic
def intervention_create(*, by, decision_id: int, kind: str, started_on: datetime.date | None = None) -> Intervention:
    decision = access.decision_get_for_user(by, decision_id)
    if not access.can_change_case(by, decision.case):
        raise NotFound
    with constraint_messages(DATE_ORDER_MESSAGES):
        intervention = Intervention.objects.create(decision=decision, kind=kind, started_on=started_on)
    audit_case(user=by, action=AccessAction.CREATE, case=decision.case, object_type="Intervention",
               object_id=intervention.pk)
    return intervention


@transaction.atomic
def intervention_set_dates(
    *, by, intervention_id: int, expected_version: int, started_on=None, ended_on=None
) -> Intervention:
    """Verkställ (started_on) or end (ended_on) an insats."""
    intervention = _intervention_for_change(by, intervention_id)
    changes = {k: v for k, v in {"started_on": started_on, "ended_on": ended_on}.items() if v is not None}
    with constraint_messages(DATE_ORDER_MESSAGES):
        updated = Intervention.objects.filter(pk=intervention.pk, version=expected_version).update(
            version=F("version") + 1, **changes
        )
    if updated != 1:
        raise ValidationError(STALE_VERSION, code="stale_version")
    audit_case(user=by, action=AccessAction.CHANGE, case=intervention.decision.case, object_type="Intervention",
               object_id=intervention.pk)
    intervention.refresh_from_db()
    return intervention


__all__ = [
    "intake_register", "intake_assess_safety", "screening_decide", "investigation_extend", "child_interview_record",
    "investigation_complete", "decision_record", "intervention_create", "intervention_set_dates", "IntakeKind",
]
