"""Lex lilla hjärtat on Att göra (issue 16 point 4), registered through socialtjanst.todo_sources (imported by
placements.apps.PlacementsConfig.ready):

- "Vårdnadsöverflyttning": an ongoing familjehem placement of a child whose consideration of vårdnadsöverflyttning
  falls due within CUSTODY_TODO_LEAD_MONTHS (or is past due); the date is socialtjanst.deadlines_sql's twin of
  deadlines.custody_transfer_consideration_due. Three months' notice, not two years of an item nobody can act on.
- "Uppföljning efter LVU": a placement whose LVU care ended and whose follow-up is not finished, due on the
  follow-up's stored due_on (deadlines.lvu_followup_due).
Both belong to the placement's case (clocks.placement_case_id) and lead to the placement's Lex lilla hjärtat
section."""

import datetime

from django.db.models import DateField, F, OuterRef, Q, Subquery
from django.urls import reverse

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED
from socialtjanst import deadlines, deadlines_sql
from socialtjanst.todo_sources import TodoRows, register_todo_part

from .clock_queries import AgeOn, placement_case_id
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


def custody_placements(today: datetime.date):
    """lilla_hjartat.custody_transfer_due in SQL, for the items due by today + the lead: ongoing (not voided)
    familjehem placements of a child who is under 18 on the due date."""
    return (Placement.objects.filter(end_on__isnull=True, voided_reason="", person__birth_date__isnull=False,
                                     care_type__code__in=FAMILY_HOME_CARE_TYPE_CODES)
            .alias(custody_due=custody_due_expr())
            .alias(age_at_due=AgeOn(F("person__birth_date"), F("custody_due")))
            .filter(age_at_due__lt=deadlines.ADULT_AGE_YEARS,
                    custody_due__lte=deadlines.add_calendar_months(today, CUSTODY_TODO_LEAD_MONTHS)))


def _custody_rows(cases, today: datetime.date) -> TodoRows:
    return TodoRows(queryset=custody_placements(today), case=placement_case_id(), due=custody_due_expr(),
                    valid=IN_WINDOW)


def _lvu_followup_rows(cases, today: datetime.date) -> TodoRows:
    open_followups = Placement.objects.filter(lvu_followup__isnull=False, lvu_followup__finished_on__isnull=True,
                                              voided_reason="")
    return TodoRows(queryset=open_followups,
                    case=placement_case_id(), due=F("lvu_followup__due_on"), valid=IN_WINDOW)


register_todo_part(key="custody_transfer", kind=CUSTODY_KIND, rows=_custody_rows, url=_placement_url)
register_todo_part(key="lvu_followup", kind=LVU_FOLLOWUP_KIND, rows=_lvu_followup_rows, url=_placement_url)
