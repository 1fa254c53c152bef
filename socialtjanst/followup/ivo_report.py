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

Two twins of the one rule, checked against each other on the tests' data and on random data
(tests/socialtjanst/test_ivo_list.py), like placements/days.py: `ivo_rows` builds every item in Python (the
reference), `IvoList` selects the rows in SQL with the due date from deadlines_sql (issue 19 point 2: at national
scale the Python path read 86 000 decisions for an enhetschef's page, 18 s). The page shows IvoList a page at a
time; the export reads all its rows.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED
from socialtjanst import deadlines_sql as dsql
from socialtjanst.followup.deadline_report import ENFORCEMENT, NO_INTERVENTION, DeadlineItem, enforcement_items
from socialtjanst.followup.deadline_tally import KEPT
from socialtjanst.models import FAVOURABLE_DECISION_KINDS, Case, Decision, InterventionKind

from .sql_session import report_cursor

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


# --- the same rule in SQL ---------------------------------------------------------------------------------------

STATUS_ORDER = (NOT_ENFORCED, ENFORCED_LATE)


@dataclass(frozen=True)
class IvoLine:
    """One row of the list as the SQL twin returns it: the decision, its insats (None: none registered), the case."""

    status: str
    decision_id: int
    intervention_id: int | None
    case_id: int
    decided_on: datetime.date
    legal_basis: str
    intervention_kind: str  # as shown: the insats' label or NO_INTERVENTION
    done_on: datetime.date | None
    days_waited: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


_DECISION_COUNTS = ("d.kind = ANY(%(favourable)s) AND d.voided_reason = '' AND d.decided_on <= %(as_of)s"
                    " AND d.decided_on BETWEEN %(win_lo)s AND %(win_hi)s")  # enforcement_items + in_window

# The candidates are narrowed before anything else: the decisions with no insats at all are the deadline report's
# kept verkställighet rows without an insats (socialtjanst.followup.deadline_kept: sub 0, carrying the case's unit;
# a partial index holds just those, socialtjanst 0035_deadline_item_unenforced), and the insatser not started
# before `lower` (a waiting one starts after as_of or never, a late one within the quarter). Only those few thousand
# rows get a due date, a status and, for a unit's list, their case. At national scale the anti-join of 115 000
# favourable decisions with 109 000 insatser, then a case probe per row, was 52 of an enhetschef's 62 ms.
_ROWS_SQL = f"""
WITH items AS MATERIALIZED (
  SELECT d.id AS pk, 0::bigint AS sub, d.case_id, d.decided_on, d.legal_basis, NULL::text AS kind,
         NULL::date AS done_on
  FROM {KEPT} k JOIN socialtjanst_decision d ON d.id = k.pk
  WHERE k.kind = '{ENFORCEMENT}' AND k.sub = 0{{kept_scope}} AND {_DECISION_COUNTS}
  UNION ALL
  SELECT d.id, iv.id, d.case_id, d.decided_on, d.legal_basis, iv.kind, iv.started_on
  FROM socialtjanst_intervention iv JOIN socialtjanst_decision d ON d.id = iv.decision_id{{case_scope}}
  WHERE (iv.started_on IS NULL OR iv.started_on >= %(lower)s) AND {_DECISION_COUNTS}
), judged AS (
  SELECT x.*, {dsql.enforcement_due_sql("x.decided_on")} AS due_on FROM items x
), listed AS (
  SELECT 0 AS status, j.*, %(as_of)s::date - j.decided_on AS days FROM judged j
  WHERE j.due_on < %(as_of)s AND (j.done_on IS NULL OR j.done_on > %(as_of)s)
  UNION ALL
  SELECT 1 AS status, j.*, j.done_on - j.decided_on AS days FROM judged j
  WHERE j.done_on BETWEEN %(start)s AND %(as_of)s AND j.done_on > j.due_on
)
SELECT {{columns}} FROM listed r {{tail}}
"""
_LINE_COLUMNS = "r.status, r.pk, r.sub, r.case_id, r.decided_on, r.legal_basis, r.kind, r.done_on, r.days"
# ivo_rows' order: not verkställda first, longest wait first, then the decision, then its insatser in id order.
_ORDER = "ORDER BY r.status, r.days DESC, r.pk, r.sub"


class IvoList:
    """The quarter's list for the units `units` (access.followup_scope_unit_ids: None = the whole municipality),
    computed in SQL: len() is the number of rows, a slice fetches only those rows (a page), iteration all."""

    def __init__(self, units: list[int] | None, *, year: int, quarter: int, today: datetime.date):
        start, end = quarter_bounds(year, quarter)
        as_of = min(end, today)
        self.units = units
        self.params = {
            "start": start, "as_of": as_of, "lower": min(start, as_of + datetime.timedelta(days=1)),
            "favourable": list(FAVOURABLE_DECISION_KINDS), "win_lo": CASE_EARLIEST, "win_hi": CASE_LATEST_STORED,
            "units": units,
        }
        self._counts: dict[str, int] | None = None

    def _sql(self, columns: str, tail: str) -> str:
        # The whole municipality needs no unit at all; a unit's list takes the kept rows' unit, and reads the few
        # late or unstarted insatser's cases by id.
        if self.units is None:
            return _ROWS_SQL.format(columns=columns, kept_scope="", case_scope="", tail=tail)
        return _ROWS_SQL.format(
            columns=columns, kept_scope=" AND k.unit_id = ANY(%(units)s)", tail=tail,
            case_scope=" JOIN socialtjanst_case c ON c.id = d.case_id AND c.unit_id = ANY(%(units)s)")

    def counts(self) -> dict[str, int]:
        """{NOT_ENFORCED: n, ENFORCED_LATE: m}."""
        if self._counts is None:
            with report_cursor() as cur:
                cur.execute(self._sql("r.status, count(*)", "GROUP BY r.status"), self.params)
                found = dict(cur.fetchall())
            self._counts = {status: found.get(i, 0) for i, status in enumerate(STATUS_ORDER)}
        return self._counts

    def __len__(self) -> int:
        return sum(self.counts().values())

    def _fetch(self, limit: int | None, offset: int) -> list[IvoLine]:
        # The counts come with the rows (a window over the list, a few thousand rows): one statement for a page.
        counts = ", ".join(f"count(*) FILTER (WHERE r.status = {i}) OVER ()" for i in range(len(STATUS_ORDER)))
        tail = _ORDER + ("" if limit is None else " LIMIT %(limit)s OFFSET %(offset)s")
        with report_cursor() as cur:
            cur.execute(self._sql(f"{_LINE_COLUMNS}, {counts}", tail),
                        {**self.params, "limit": limit, "offset": offset})
            rows = cur.fetchall()
        if rows:
            self._counts = dict(zip(STATUS_ORDER, rows[0][-len(STATUS_ORDER):], strict=True))
        elif offset == 0:
            self._counts = dict.fromkeys(STATUS_ORDER, 0)
        labels = dict(InterventionKind.choices)
        return [IvoLine(status=STATUS_ORDER[status], decision_id=pk, intervention_id=sub or None, case_id=case_id,
                        decided_on=decided_on, legal_basis=legal_basis,
                        intervention_kind=str(labels.get(kind, kind)) if kind is not None else NO_INTERVENTION,
                        done_on=done_on, days_waited=days)
                for status, pk, sub, case_id, decided_on, legal_basis, kind, done_on, days, *_counts in rows]

    def page(self, number: int, per_page: int) -> tuple[int, list[IvoLine]]:
        """The lines of page `number` (from 1; past the last page, the last page) and that page's number."""
        number = max(1, number)
        lines = self._fetch(per_page, (number - 1) * per_page)
        if not lines and number > 1:
            number = max(1, min(number, -(-len(self) // per_page)))
            lines = self._fetch(per_page, (number - 1) * per_page)
        return number, lines

    def __getitem__(self, key):
        if isinstance(key, slice):
            start = key.start or 0
            return self._fetch(None if key.stop is None else max(0, key.stop - start), start)
        return self._fetch(1, key)[0]

    def __iter__(self):
        return iter(self._fetch(None, 0))
