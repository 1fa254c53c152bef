"""Lex lilla hjärtat on Att göra (issue 16 point 4), registered through socialtjanst.todo_sources (imported by
placements.apps.PlacementsConfig.ready):

- "Vårdnadsöverflyttning": an ongoing familjehem placement of a child whose consideration of vårdnadsöverflyttning
  falls due within CUSTODY_TODO_LEAD_MONTHS (or is past due); the date is socialtjanst.deadlines_sql's twin of
  deadlines.custody_transfer_consideration_due. Three months' notice, not two years of an item nobody can act on.
- "Uppföljning efter LVU": a placement whose LVU care ended and whose follow-up is not finished, due on the
  follow-up's stored due_on (deadlines.lvu_followup_due).
Both belong to the placement's case (clocks.placement_case_id) and lead to the placement's Lex lilla hjärtat
section. Kontroller gets the list "lilla-hjartat" of the children for whom either is past due."""

import datetime

from django.db.models import DateField, F, OuterRef, Q, Subquery
from django.urls import reverse

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED
from common.exports import DATE, INT
from socialtjanst import deadlines, deadlines_sql
from socialtjanst.todo_sources import ControlColumn, ControlList, TodoRows, register_control_list, register_todo_part

from . import selectors
from .clock_queries import AgeOn, child_placements, of_scoped_persons, placement_case_id
from .lilla_hjartat import FAMILY_HOME_CARE_TYPE_CODES
from .models import CustodyTransferConsideration, Placement

CUSTODY_KIND = "Vårdnadsöverflyttning"
LVU_FOLLOWUP_KIND = "Uppföljning efter LVU"
CUSTODY_TODO_LEAD_MONTHS = 3
SECTION = "#lilla-hjartat"
IN_WINDOW = Q(start_on__gte=CASE_EARLIEST, start_on__lte=CASE_LATEST_STORED)


def _placement_url(pk: int) -> str:
    return reverse("placements:placement_detail", args=[pk]) + SECTION


def custody_due_expr():
    last = Subquery(CustodyTransferConsideration.objects.filter(placement=OuterRef("pk"))
                    .order_by("-considered_on").values("considered_on")[:1], output_field=DateField())
    return deadlines_sql.custody_transfer_due_expr("start_on", last)


def custody_placements(today: datetime.date | None):
    """lilla_hjartat.custody_transfer_due in SQL, for the items due by today + the lead: ongoing (not voided)
    familjehem placements of a child who is under 18 on the due date. `today` None: whatever the due date (the kept
    items store it and compare it with today + the lead when read, TodoRows.lead)."""
    # A child on the due date was one on the start (the due date is later): the kept set of a child's placements
    # narrows them before each one's due date and age are computed.
    placements = (child_placements(Placement.objects.filter(end_on__isnull=True, voided_reason="",
                                                            person__birth_date__isnull=False,
                                                            care_type__code__in=FAMILY_HOME_CARE_TYPE_CODES))
                  .alias(custody_due=custody_due_expr())
                  .alias(age_at_due=AgeOn(F("person__birth_date"), F("custody_due")))
                  .filter(age_at_due__lt=deadlines.ADULT_AGE_YEARS))
    if today is None:
        return placements
    return placements.filter(custody_due__lte=deadlines.add_calendar_months(today, CUSTODY_TODO_LEAD_MONTHS))


def _custody_rows(cases, today: datetime.date | None) -> TodoRows:
    return TodoRows(queryset=of_scoped_persons(custody_placements(today), cases), case=placement_case_id(),
                    due=custody_due_expr(),
                    valid=IN_WINDOW, lead=(custody_due_expr(), CUSTODY_TODO_LEAD_MONTHS))


def open_followups():
    return Placement.objects.filter(lvu_followup__isnull=False, lvu_followup__finished_on__isnull=True,
                                    voided_reason="")


def _lvu_followup_rows(cases, today: datetime.date) -> TodoRows:
    return TodoRows(queryset=of_scoped_persons(open_followups(), cases),
                    case=placement_case_id(), due=F("lvu_followup__due_on"), valid=IN_WINDOW)


register_todo_part(key="custody_transfer", kind=CUSTODY_KIND, rows=_custody_rows, url=_placement_url)
register_todo_part(key="lvu_followup", kind=LVU_FOLLOWUP_KIND, rows=_lvu_followup_rows, url=_placement_url)


# --- Kontroller: what is past due ---------------------------------------------------------------------------------

CONTROL_COLUMNS = [
    ControlColumn("placement", "Placering", INT), ControlColumn("person", "Barn"),
    ControlColumn("id_number", "Personnummer"), ControlColumn("unit", "Enhet"), ControlColumn("what", "Vad"),
    ControlColumn("due_on", "Senast", DATE), ControlColumn("days_late", "Dagar försenad", INT),
]


def past_due_control(user, unit_ids, today: datetime.date) -> ControlList:
    """The children of `unit_ids` (None: every unit the user may see) whose vårdnadsöverflyttning consideration or
    follow-up after LVU care is past due on `today`, oldest first; scoped by placements.selectors."""
    scoped = selectors.placements_for_user(user)
    if unit_ids is not None:
        scoped = scoped.filter(Q(intervention__decision__case__unit_id__in=unit_ids)
                               | Q(intervention__isnull=True, unit_id__in=unit_ids))
    custody = (custody_placements(today).filter(pk__in=scoped.values("pk"), custody_due__lt=today)
               .annotate(due=F("custody_due")).select_related("person", "unit"))
    followups = (open_followups().filter(pk__in=scoped.values("pk"), lvu_followup__due_on__lt=today)
                 .annotate(due=F("lvu_followup__due_on")).select_related("person", "unit"))
    found = sorted([(p, CUSTODY_KIND) for p in custody] + [(p, LVU_FOLLOWUP_KIND) for p in followups],
                   key=lambda pair: (pair[0].due, pair[0].pk))
    rows = []
    for p, what in found:
        name, id_number = selectors.placement_identity(user, p)
        rows.append({"placement": p.pk, "person": name, "id_number": id_number, "unit": p.unit.name, "what": what,
                     "due_on": p.due, "days_late": deadlines.days_late(None, p.due, today),
                     "url": _placement_url(p.pk)})
    return ControlList(columns=CONTROL_COLUMNS, rows=rows, persons=[p.person for p, _ in found],
                       unit_ids=[p.unit_id for p, _ in found])


register_control_list(
    key="lilla-hjartat", title="Lex lilla hjärtat försenad",
    description="Barn i familjehem vars övervägande av vårdnadsöverflyttning skulle ha gjorts före i dag, och barn "
                "vars uppföljning efter avslutad LVU-vård skulle ha avslutats före i dag.",
    build=past_due_control)
