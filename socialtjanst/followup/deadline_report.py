"""The deadline report (shared/domain.md §3, §8): per unit and period, the share of
förhandsbedömningar within 14 days, of utredningar within four calendar months, of insatser
verkställda within three months, and the mean utredningstid for children 0–20.

Every due date comes from socialtjanst.deadlines; this module only decides which items
belong to a period and counts them.

Population rule (Decision): an item belongs to the period in which its **due date** falls
(1 January through the last day of the through-month, cumulative), and is counted once it can
be judged: done (on time or late), or not done and the due date has passed (as of today). An
item whose due date is in the period but still ahead and open is not yet counted. So a case
that is far overdue and still open counts as a miss in the period its deadline passed, and
never in two periods.

- Förhandsbedömning: every aktualisering (the case flow asks a förhandsbedömning of each, as
  on Att göra); due = received + 14 days, or the later date set with synnerliga skäl; met if
  the screening was decided on or before the due date.
- Utredning: every investigation (as on Att göra); due = four calendar months from the start,
  moved only by förlängningsbeslut decided before the due date they extend
  (deadlines.investigation_valid_due); met if completed on or before it.
- Verkställighet: every insats of a favourable, non-voided decision, and a favourable decision
  with no insats registered as one item never verkställd; due = decided + three calendar
  months; met if the insats started on or before it.
- Utredningstid (Kolada): days from start to completion, mean over investigations completed in
  the period whose person was 0–20 years old at the start; persons without a birth date are
  left out.

The report and its drill-down count these items in the database (socialtjanst.followup.deadline_sets, with
the due dates of socialtjanst.deadlines_sql); the item functions here are the reference those are tested
against, and the per-item path of the indicators and the IVO list.

Scope: an enhetschef's own units; a controller's and the management command's every unit,
with identity never shown (access.followup_cases_for_user, access.followup_shows_identity).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from common.date_window import in_window
from common.periods import Period
from socialtjanst import deadlines, todo_sources
from socialtjanst.identity import age_on
from socialtjanst.models import (
    FAVOURABLE_DECISION_KINDS,
    Case,
    Decision,
    Intake,
    Intervention,
    Investigation,
    InvestigationExtension,
)

CHILD_MAX_AGE = 20  # utredningstid is reported for children and young people 0–20
NO_INTERVENTION = "Ingen insats registrerad"  # a favourable decision without any insats registered

SCREENINGS, INVESTIGATIONS, ENFORCEMENT = "forhandsbedomningar", "utredningar", "verkstallighet"
KINDS = {
    SCREENINGS: "Förhandsbedömningar inom 14 dagar",
    INVESTIGATIONS: "Utredningar inom fyra månader",
    ENFORCEMENT: "Insatser verkställda inom tre månader",
}


def all_kinds() -> dict[str, str]:
    """slug → title of every kind in the report: the case flow's, then other apps' (socialtjanst.todo_sources,
    e.g. placements' övervägande/omprövning), counted by socialtjanst.followup.deadline_sets alike."""
    return {**KINDS, **{k.key: k.title for k in todo_sources.deadline_kinds()}}


# --- scope ---------------------------------------------------------------------------


# --- periods ------------------------------------------------------------------------


def period_bounds(year: int, through_month: int | None) -> tuple[datetime.date, datetime.date]:
    """1 January through the last day of the through-month (the whole year without one)."""
    return Period(year, through_month).bounds()


# --- items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineItem:
    kind: str
    pk: int  # the intake, investigation or decision
    case: Case
    start_on: datetime.date  # when the clock started: received, started or decided
    due_on: datetime.date
    done_on: datetime.date | None
    responsible: object
    extension: str  # what moved the due date, in Swedish; "" if nothing
    intervention_kind: str = ""
    legal_basis: str = ""

    def met(self, today: datetime.date) -> bool | None:
        return deadlines.is_met(self.done_on, self.due_on, today)

    def days_late(self, today: datetime.date) -> int:
        return deadlines.days_late(self.done_on, self.due_on, today)


_CASE_RELATED = ("case__person", "case__unit", "case__responsible")


def screening_extension_text(received_on, extended, extension_decided_on) -> str:
    if not extended:
        return ""
    late = (" (för sent beslutad, gäller inte)"
            if deadlines.screening_extension_late(received_on, extension_decided_on) else "")
    return f"Synnerliga skäl: frist {extended.isoformat()}{late}"


def screening_items(intakes: QuerySet[Intake], start: datetime.date, end: datetime.date) -> list[DeadlineItem]:
    """Förhandsbedömningar due within start..end (the prefilter only narrows the rows read); only intakes
    the 14-day rule applies to (deadlines.SCREENING_TARGET_GROUPS: reports about children)."""
    window = Q(received_on__gte=start - datetime.timedelta(days=deadlines.SCREENING_DAYS)) | Q(
        screening__extended_due_on__gte=start
    )
    rows = (intakes.filter(window, received_on__lte=end, target_group__in=deadlines.SCREENING_TARGET_GROUPS)
            .select_related(*_CASE_RELATED, "screening"))
    items = []
    for intake in rows:
        screening = getattr(intake, "screening", None)
        extended = screening.extended_due_on if screening else None
        extension_decided_on = screening.extension_decided_on if screening else None
        if not in_window(intake.received_on, extended, extension_decided_on):
            continue  # stored before the date window's CHECKs: no deadline can be computed, none counted
        due = deadlines.screening_due(intake.received_on, extended, extension_decided_on)
        if start <= due <= end:
            items.append(DeadlineItem(
                kind=SCREENINGS, pk=intake.pk, case=intake.case, start_on=intake.received_on, due_on=due,
                done_on=screening.decided_on if screening else None, responsible=intake.case.responsible,
                extension=screening_extension_text(intake.received_on, extended, extension_decided_on),
            ))
    return items


def extension_text(started_on, extensions) -> str:
    parts = []
    for status in deadlines.extension_statuses(started_on, extensions):
        late = " (för sent beslutad, gäller inte)" if status.late else ""
        parts.append(f"Förlängd {status.decided_on.isoformat()} till {status.new_due_on.isoformat()}{late}")
    return "; ".join(parts)


def investigation_items(
    investigations: QuerySet[Investigation], start: datetime.date, end: datetime.date
) -> list[DeadlineItem]:
    """Utredningar whose valid due date (timely extensions only) falls within start..end."""
    earliest_start = deadlines.add_calendar_months(start, -deadlines.INVESTIGATION_MONTHS) - datetime.timedelta(days=3)
    rows = (
        investigations.filter(Q(started_on__gte=earliest_start) | Q(extensions__new_due_on__gte=start),
                              started_on__lte=end)
        .distinct()
        .select_related(*_CASE_RELATED, "responsible")
        .prefetch_related(Prefetch("extensions", queryset=InvestigationExtension.objects.only(
            "investigation_id", "decided_on", "new_due_on")))
    )
    items = []
    for inv in rows:
        extensions = [(e.decided_on, e.new_due_on) for e in inv.extensions.all()]
        if not in_window(inv.started_on, *(d for pair in extensions for d in pair)):
            continue
        due = deadlines.investigation_valid_due(inv.started_on, extensions)
        if start <= due <= end:
            items.append(DeadlineItem(
                kind=INVESTIGATIONS, pk=inv.pk, case=inv.case, start_on=inv.started_on, due_on=due,
                done_on=inv.completed_on, responsible=inv.responsible,
                extension=extension_text(inv.started_on, extensions),
            ))
    return items


def enforcement_items(decisions: QuerySet[Decision]) -> list[DeadlineItem]:
    """One item per insats of each favourable, non-voided decision given; a decision without
    any insats is one item that was never verkställd."""
    rows = (
        decisions.filter(kind__in=FAVOURABLE_DECISION_KINDS, voided_reason="")
        .select_related(*_CASE_RELATED)
        .prefetch_related(Prefetch("interventions", queryset=Intervention.objects.order_by("pk")))
    )
    items = []
    for decision in rows:
        if not in_window(decision.decided_on):
            continue
        due = deadlines.enforcement_due(decision.decided_on)
        interventions = list(decision.interventions.all()) or [None]
        for intervention in interventions:
            items.append(DeadlineItem(
                kind=ENFORCEMENT, pk=decision.pk, case=decision.case, start_on=decision.decided_on, due_on=due,
                done_on=intervention.started_on if intervention else None, responsible=decision.case.responsible,
                extension="", legal_basis=decision.legal_basis,
                intervention_kind=intervention.get_kind_display() if intervention else NO_INTERVENTION,
            ))
    return items


def enforcement_items_due(decisions: QuerySet[Decision], start: datetime.date, end: datetime.date):
    earliest = deadlines.add_calendar_months(start, -deadlines.ENFORCEMENT_MONTHS) - datetime.timedelta(days=3)
    return [i for i in enforcement_items(decisions.filter(decided_on__range=(earliest, end)))
            if start <= i.due_on <= end]


def items_for(kind: str, cases: QuerySet[Case], start: datetime.date, end: datetime.date) -> list[DeadlineItem]:
    if kind == SCREENINGS:
        return screening_items(Intake.objects.filter(case__in=cases), start, end)
    if kind == INVESTIGATIONS:
        return investigation_items(Investigation.objects.filter(case__in=cases), start, end)
    if kind == ENFORCEMENT:
        return enforcement_items_due(Decision.objects.filter(case__in=cases), start, end)
    raise ValueError(kind)


def misses(kind: str, cases: QuerySet[Case], start: datetime.date, end: datetime.date,
           today: datetime.date) -> list[DeadlineItem]:
    """The items behind a share that missed their deadline, latest-due first."""
    late = [i for i in items_for(kind, cases, start, end) if i.met(today) is False]
    late.sort(key=lambda i: (i.due_on, i.pk), reverse=True)
    return late


def count_by_unit(items: Iterable[DeadlineItem], today: datetime.date) -> dict[int, tuple[int, int]]:
    """unit id → (within, total) over the items that can be judged today."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        met = item.met(today)
        if met is None:
            continue
        counts[item.case.unit_id][1] += 1
        counts[item.case.unit_id][0] += int(met)
    return {unit: (c[0], c[1]) for unit, c in counts.items()}


def investigation_days_by_unit(cases: QuerySet[Case], start: datetime.date,
                               end: datetime.date) -> dict[int, list[int]]:
    """unit id → utredningstid in days of each investigation completed in start..end whose
    person was 0–20 at the start."""
    rows = Investigation.objects.filter(case__in=cases, completed_on__range=(start, end)).values_list(
        "case__unit_id", "started_on", "completed_on", "case__person__birth_date")
    days: dict[int, list[int]] = defaultdict(list)
    for unit_id, started_on, completed_on, birth_date in rows:
        if birth_date is not None and age_on(birth_date, started_on) <= CHILD_MAX_AGE:
            days[unit_id].append((completed_on - started_on).days)
    return days


