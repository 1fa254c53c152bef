"""'Att göra': open items with their next due date, read through the access module.
Due dates come only from deadlines.py."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse

from . import deadlines
from .models import (
    FAVOURABLE_DECISION_KINDS,
    Case,
    Decision,
    Intake,
    IntakeKind,
    Intervention,
    Investigation,
    InvestigationExtension,
    TargetGroup,
)


@dataclass(frozen=True)
class TodoItem:
    kind: str
    case: Case
    responsible: object
    due_on: datetime.date
    url: str
    today: datetime.date

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def todo_items(cases: QuerySet[Case], *, today: datetime.date, responsible=None) -> list[TodoItem]:
    """Open items of the given (already access-scoped) cases, overdue first then by due date.
    With `responsible`, only items that user answers for."""
    items: list[TodoItem] = []
    intakes = (
        Intake.objects.filter(case__in=cases, screening__isnull=True)
        .select_related("case__person", "case__unit", "case__responsible")
    )
    for intake in intakes:
        owner = intake.case.responsible
        url = reverse("socialtjanst:intake_detail", args=[intake.pk])
        if (intake.kind == IntakeKind.REPORT and intake.target_group == TargetGroup.CHILDREN
                and intake.safety_assessed_on is None):
            items.append(TodoItem("Omedelbar skyddsbedömning", intake.case, owner,
                                  deadlines.safety_assessment_due(intake.received_on), url, today))
        items.append(TodoItem("Förhandsbedömning", intake.case, owner,
                              deadlines.screening_due(intake.received_on), url, today))

    investigations = (
        Investigation.objects.filter(case__in=cases, completed_on__isnull=True)
        .select_related("case__person", "case__unit", "responsible")
        .prefetch_related(Prefetch("extensions", queryset=InvestigationExtension.objects.only(
            "investigation_id", "decided_on", "new_due_on")))
    )
    for inv in investigations:
        due = deadlines.investigation_due(inv.started_on, [(e.decided_on, e.new_due_on) for e in inv.extensions.all()])
        items.append(TodoItem("Utredning", inv.case, inv.responsible, due,
                              reverse("socialtjanst:investigation_detail", args=[inv.pk]), today))

    started = Intervention.objects.filter(decision=OuterRef("pk"), started_on__isnull=False)
    waiting = (
        Decision.objects.filter(case__in=cases, kind__in=FAVOURABLE_DECISION_KINDS, voided_reason="")
        .filter(~Exists(started))
        .select_related("case__person", "case__unit", "case__responsible")
    )
    for decision in waiting:
        items.append(TodoItem("Verkställighet", decision.case, decision.case.responsible,
                              deadlines.enforcement_due(decision.decided_on),
                              reverse("socialtjanst:case_detail", args=[decision.case_id]), today))

    if responsible is not None:
        items = [i for i in items if i.responsible == responsible]
    items.sort(key=lambda i: (i.due_on, i.case.pk))
    return items
