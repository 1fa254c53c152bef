"""'Att göra': open items with their next due date, read through the access module.
Due dates come only from deadlines.py.

An item's *Ansvarig handläggare* is the one who answers for that item: the investigation's responsible for an
Utredning, the case's responsible for everything else. The list's filter and its column both use it."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse

from common.date_window import OUT_OF_WINDOW_MARKER, in_window

from . import deadlines
from .models import (
    FAVOURABLE_DECISION_KINDS,
    Case,
    Decision,
    Intake,
    Intervention,
    Investigation,
    InvestigationExtension,
)
from .users import user_full_name

SAFETY = "Omedelbar skyddsbedömning"
SCREENING = "Förhandsbedömning"
INVESTIGATION = "Utredning"
ENFORCEMENT = "Verkställighet"
KINDS = (SAFETY, SCREENING, INVESTIGATION, ENFORCEMENT)

# The due filter: overdue, or due within so many days from today (today included, the overdue not).
OVERDUE = "forsenade"
DUE_WITHIN_DAYS = (7, 14, 30)


@dataclass(frozen=True)
class TodoItem:
    kind: str
    case: Case
    responsible: object
    due_on: datetime.date | None  # None: a stored date outside the window, shown with the marker
    url: str
    today: datetime.date
    base_kind: str = ""  # the kind without the out-of-window marker, for the kind filter

    @property
    def kind_key(self) -> str:
        return self.base_kind or self.kind

    @property
    def days_left(self) -> int | None:
        return None if self.due_on is None else (self.due_on - self.today).days

    @property
    def responsible_name(self) -> str:
        return user_full_name(self.responsible)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today


def _item(kind: str, case, owner, url: str, today: datetime.date, dates, due) -> TodoItem:
    """The item with its due date, or, when one of its stored dates lies outside the date window (a row
    from before the CHECKs), with no due date and the marker, so one bad row never breaks the list."""
    if in_window(*dates):
        return TodoItem(kind, case, owner, due(), url, today)
    return TodoItem(f"{kind} ({OUT_OF_WINDOW_MARKER})", case, owner, None, url, today, base_kind=kind)


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
        if deadlines.safety_assessment_applies(intake.kind, intake.target_group) and intake.safety_assessed_on is None:
            items.append(_item(SAFETY, intake.case, owner, url, today, [intake.received_on],
                               lambda i=intake: deadlines.safety_assessment_due(i.received_on)))
        if deadlines.screening_deadline_applies(intake.target_group):  # no 14-day clock for adults
            items.append(_item(SCREENING, intake.case, owner, url, today, [intake.received_on],
                               lambda i=intake: deadlines.screening_due(i.received_on)))

    investigations = (
        Investigation.objects.filter(case__in=cases, completed_on__isnull=True)
        .select_related("case__person", "case__unit", "responsible")
        .prefetch_related(Prefetch("extensions", queryset=InvestigationExtension.objects.only(
            "investigation_id", "decided_on", "new_due_on")))
    )
    for inv in investigations:
        extensions = [(e.decided_on, e.new_due_on) for e in inv.extensions.all()]
        items.append(_item(INVESTIGATION, inv.case, inv.responsible,
                           reverse("socialtjanst:investigation_detail", args=[inv.pk]), today,
                           [inv.started_on, *(d for pair in extensions for d in pair)],
                           lambda s=inv.started_on, x=extensions: deadlines.investigation_due(s, x)))

    started = Intervention.objects.filter(decision=OuterRef("pk"), started_on__isnull=False)
    waiting = (
        Decision.objects.filter(case__in=cases, kind__in=FAVOURABLE_DECISION_KINDS, voided_reason="")
        .filter(~Exists(started))
        .select_related("case__person", "case__unit", "case__responsible")
    )
    for decision in waiting:
        items.append(_item(ENFORCEMENT, decision.case, decision.case.responsible,
                           reverse("socialtjanst:case_detail", args=[decision.case_id]), today, [decision.decided_on],
                           lambda d=decision.decided_on: deadlines.enforcement_due(d)))

    if responsible is not None:
        items = [i for i in items if i.responsible == responsible]
    # Items with the marker first: a date that needs correcting.
    items.sort(key=lambda i: (i.due_on or datetime.date.min, i.case.pk))
    return items


def todo_filter(items: list[TodoItem], *, kind: str = "", due: str = "", query: str = "",
                names: dict | None = None) -> list[TodoItem]:
    """The items of one kind, overdue (OVERDUE) or due within a number of days (one of DUE_WITHIN_DAYS, as text),
    and matching a free-text query: the case number, or every word found in the person's name as the user may
    see it or in the personnummer (`names`: case id -> name and personnummer as access.person_identity shows
    them, so a protected person is never found by name). Only ever narrows the items given, which the caller
    has already scoped to the user."""
    if kind:
        items = [i for i in items if i.kind_key == kind]
    if due == OVERDUE:
        items = [i for i in items if i.overdue]
    elif due.isdigit():
        days = int(due)
        items = [i for i in items if i.days_left is not None and 0 <= i.days_left <= days]
    words = query.lower().split()
    if words:
        names = names or {}
        items = [i for i in items if _matches(words, str(i.case.pk), names.get(i.case.pk, ""))]
    return items


def _matches(words: list[str], case_number: str, visible: str) -> bool:
    """Every word matches: digits are the case number, or (six or more) part of the personnummer; other words
    part of the name. "ärende" itself is ignored, so "ärende 12" finds case 12."""
    text = visible.lower()
    digits = "".join(c for c in text if c.isdigit())
    for word in words:
        bare = word.replace("-", "")
        if word == "ärende":
            continue
        if bare.isdigit():
            if bare != case_number and not (len(bare) >= 6 and bare in digits):
                return False
        elif word not in text:
            return False
    return True
