"""Arbetsbelastning (issue 15 point 4): per handläggare in the enhetschef's units, today, the open cases they
answer for, their open investigations, and their Att göra items overdue and due within 14 days; per unit the
open cases nobody answers for yet (Ofördelade). Every figure is a count computed by PostgreSQL; the items are
Att göra's own (socialtjanst.todo.TodoQuery), so the numbers are the ones the handläggare sees on the list.

Open cases are counted by the case's responsible, investigations and items by who answers for them (the
investigation's responsible for an Utredning), as on Att göra."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from . import access, assignment
from .models import Case, Investigation, Unit
from .todo import TodoQuery
from .users import user_full_name

DUE_SOON_DAYS = 14
UNASSIGNED_LABEL = "Ofördelade"


@dataclass(frozen=True)
class WorkloadRow:
    unit: Unit
    handlaggare: object  # a User, or None for the unit's unassigned cases
    open_cases: int
    open_investigations: int
    overdue: int
    due_soon: int

    @property
    def name(self) -> str:
        return UNASSIGNED_LABEL if self.handlaggare is None else user_full_name(self.handlaggare)


def workload(cases: QuerySet[Case], units: QuerySet[Unit], *, today: datetime.date) -> list[WorkloadRow]:
    """Rows for each unit (by name): its handläggare (by name, those with nothing open included), anyone else
    who answers for something open there, then the unit's Ofördelade row. `cases` and `units` are already
    scoped to the user (access.followup_cases_for_user / followup_units_for_user)."""
    units = list(units.order_by("name", "pk"))
    open_cases = cases.filter(status=Case.Status.OPEN, unit__in=units)
    case_counts = dict(((u, r), n) for u, r, n in open_cases.values_list("unit_id", "responsible_id")
                       .annotate(n=Count("pk")).order_by().values_list("unit_id", "responsible_id", "n"))
    investigation_counts = dict(
        ((u, r), n) for u, r, n in Investigation.objects.filter(case__in=open_cases, completed_on__isnull=True)
        .values_list("case__unit_id", "responsible_id").annotate(n=Count("pk")).order_by()
        .values_list("case__unit_id", "responsible_id", "n"))
    item_counts = TodoQuery(open_cases, today).counts_by_unit_and_responsible(within_days=DUE_SOON_DAYS)

    members = {}
    for user in assignment.assignable_users([u.pk for u in units]).prefetch_related("unitmembership_set"):
        for membership in user.unitmembership_set.all():
            members.setdefault(membership.unit_id, set()).add(user.pk)
    keys = {*case_counts, *investigation_counts, *item_counts}
    users = get_user_model().objects.in_bulk(
        {r for _, r in keys if r is not None} | {pk for ids in members.values() for pk in ids})

    rows = []
    for unit in units:
        people = members.get(unit.pk, set()) | {r for u, r in keys if u == unit.pk and r is not None}
        for user in sorted((users[pk] for pk in people), key=lambda u: (user_full_name(u), u.pk)):
            rows.append(_row(unit, user, case_counts, investigation_counts, item_counts))
        rows.append(_row(unit, None, case_counts, investigation_counts, item_counts))
    return rows


def _row(unit, user, case_counts, investigation_counts, item_counts) -> WorkloadRow:
    key = (unit.pk, user.pk if user is not None else None)
    overdue, soon = item_counts.get(key, (0, 0))
    return WorkloadRow(unit, user, case_counts.get(key, 0), investigation_counts.get(key, 0), overdue, soon)


def workload_for_user(user, *, today: datetime.date, unit_id: int | None = None) -> list[WorkloadRow]:
    """The enhetschef's own units (or one of them); the command (user None) every unit."""
    units = access.followup_units_for_user(user)
    if unit_id is not None:
        units = units.filter(pk=unit_id)
    return workload(access.followup_cases_for_user(user), units, today=today)
