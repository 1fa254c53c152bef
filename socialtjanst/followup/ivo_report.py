"""The quarterly list to IVO of favourable decisions not verkställda within three months
(shared/domain.md §3 'Verkställighet', §9 'Ej verkställda beslut').

Per quarter, as of its last day (or today, for the quarter under way):
- not verkställda: every insats (or decision without an insats) whose due date
  (deadlines.enforcement_due) passed before that day and that had not started by then,
  with days waited = that day − decision date;
- verkställda late: every insats that started in the quarter after its due date, with
  days waited = start − decision date.
Items come from socialtjanst.followup.deadline_report.enforcement_items, so the two lists and the
deadline report count the same things.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet

from socialtjanst.followup.deadline_report import DeadlineItem, enforcement_items
from socialtjanst.models import Case, Decision

NOT_ENFORCED, ENFORCED_LATE = "ej_verkstallt", "verkstallt_sent"
STATUS_LABELS = {NOT_ENFORCED: "Ej verkställt", ENFORCED_LATE: "Verkställt för sent"}


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    if not 1 <= quarter <= 4:
        raise ValueError("Kvartalet ska vara 1–4.")
    start = datetime.date(year, 3 * quarter - 2, 1)
    return start, start + relativedelta(months=3, days=-1)


@dataclass(frozen=True)
class IvoRow:
    status: str
    item: DeadlineItem
    days_waited: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def ivo_rows(cases: QuerySet[Case], *, year: int, quarter: int, today: datetime.date) -> list[IvoRow]:
    """Not verkställda first (longest wait first), then those verkställda late in the quarter."""
    start, end = quarter_bounds(year, quarter)
    as_of = min(end, today)
    waiting, late = [], []
    for item in enforcement_items(Decision.objects.filter(case__in=cases, decided_on__lte=as_of)):
        if item.due_on < as_of and (item.done_on is None or item.done_on > as_of):
            waiting.append(IvoRow(NOT_ENFORCED, item, (as_of - item.start_on).days))
        elif item.done_on is not None and start <= item.done_on <= as_of and item.done_on > item.due_on:
            late.append(IvoRow(ENFORCED_LATE, item, (item.done_on - item.start_on).days))
    waiting.sort(key=lambda r: (-r.days_waited, r.item.pk))
    late.sort(key=lambda r: (-r.days_waited, r.item.pk))
    return waiting + late
