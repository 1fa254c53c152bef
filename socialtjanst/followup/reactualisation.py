"""Återaktualisering (issue 15 point 4; the KKiK measure for children): the share of children whose case at a
unit was closed and who came back, a new case opened, within twelve months of the closing.

Definition (documented in README and docs/reports.md; shared/domain.md gives no KKiK definition of its own):

- Report year Y is the year the twelve months are followed up to. The *cohort* of a unit is every child whose
  case at the unit was closed (`closed_on`) in year Y−1 and who was under 18 on the closing day (age as
  socialtjanst.identity.age_on; a person without a birth date is left out). Each child counts once per unit,
  however many of its cases there closed that year.
- The child is *återaktualiserad* if a case for the same person, at any unit of the municipality, was opened
  (`opened_on`) after a closing day of the cohort and at most twelve calendar months after it
  (closed 2024-02-29 → up to and including 2025-02-28). A case opened the same day as the closing (a transfer
  between units) is not a return, nor is a case opened earlier and still running.
- Share = återaktualiserade ÷ children in the cohort (common.rounding.share); None for an empty cohort. The
  total counts each child once over the whole scope, whichever units closed its cases.

Scope: an enhetschef's units, a controller's and the command's every unit (access.followup_scope_unit_ids).
The drill-down lists the cohort's closed cases; a controller sees case numbers only, never a name, and a
return in a unit outside the reader's units is shown without its case number.
"""

import datetime

from common.periods import Period
from socialtjanst import deadlines_sql
from socialtjanst.identity import age_on_sql

from .sql_session import report_cursor

CHILD_UNDER = 18  # a child: under 18 on the closing day
WINDOW_MONTHS = 12  # a return within twelve calendar months of the closing


def cohort_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The closing days of report year `year`'s cohort: the whole year before."""
    return Period(year - 1).bounds()


def _scope(units) -> str:
    return "" if units is None else " AND c.unit_id = ANY(%(units)s)"


def _cohort_sql(units) -> str:
    """One row per closed case of the cohort, with the first return's case and date (NULL if none)."""
    window_end = deadlines_sql.add_calendar_months_sql("c.closed_on", WINDOW_MONTHS)
    return (
        "SELECT c.id AS case_id, c.unit_id, c.person_id, c.closed_on, r.id AS return_case_id,"
        " r.opened_on AS returned_on, r.unit_id AS return_unit_id"
        " FROM socialtjanst_case c JOIN socialtjanst_person p ON p.id = c.person_id"
        " LEFT JOIN LATERAL (SELECT n.id, n.opened_on, n.unit_id FROM socialtjanst_case n"
        " WHERE n.person_id = c.person_id AND n.opened_on > c.closed_on"
        f" AND n.opened_on <= {window_end} ORDER BY n.opened_on, n.id LIMIT 1) r ON true"
        " WHERE c.closed_on BETWEEN %(start)s AND %(end)s AND p.birth_date IS NOT NULL"
        f" AND {age_on_sql('p.birth_date', 'c.closed_on')} < {CHILD_UNDER}{_scope(units)}"
    )


def _params(units, year: int) -> dict:
    start, end = cohort_bounds(year)
    return {"start": start, "end": end, "units": list(units or ())}


def figures(units, year: int) -> tuple[dict[int, tuple[int, int]], tuple[int, int]]:
    """unit id → (återaktualiserade, children), and the same over the whole scope (each child once), in one
    statement."""
    sql = (
        "SELECT GROUPING(unit_id), unit_id, COUNT(DISTINCT person_id) FILTER (WHERE return_case_id IS NOT NULL),"
        f" COUNT(DISTINCT person_id) FROM ({_cohort_sql(units)}) x GROUP BY GROUPING SETS ((unit_id), ())"
    )
    per_unit, total = {}, (0, 0)
    with report_cursor() as cursor:
        cursor.execute(sql, _params(units, year))
        for grouped, unit_id, returned, children in cursor.fetchall():
            if grouped:
                total = (returned, children)
            else:
                per_unit[unit_id] = (returned, children)
    return per_unit, total


COLUMNS = ("case_id", "person_id", "unit_id", "unit_name", "closed_on", "return_case_id", "returned_on",
           "return_unit_id")


class CohortRows:
    """The cohort's closed cases of one report year, returns first, then by closing day: a lazy sequence of
    dicts whose len() counts in SQL and whose slice fetches one page (what a paginator asks of it)."""

    def __init__(self, units, year: int):
        self._sql = (f"FROM ({_cohort_sql(units)}) x JOIN socialtjanst_unit u ON u.id = x.unit_id")
        self._params = _params(units, year)
        self._count = None

    def __len__(self) -> int:
        if self._count is None:
            with report_cursor() as cursor:
                cursor.execute("SELECT COUNT(*) " + self._sql, self._params)
                self._count = cursor.fetchone()[0]
        return self._count

    def _fetch(self, limit: int | None, offset: int) -> list[dict]:
        sql = ("SELECT x.case_id, x.person_id, x.unit_id, u.name, x.closed_on, x.return_case_id, x.returned_on,"
               f" x.return_unit_id {self._sql} ORDER BY x.returned_on IS NULL, x.closed_on, x.case_id"
               + (" LIMIT %(limit)s OFFSET %(offset)s" if limit is not None else ""))
        with report_cursor() as cursor:
            cursor.execute(sql, {**self._params, "limit": limit, "offset": offset})
            return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, _step = key.indices(len(self))
            return self._fetch(stop - start, start) if stop > start else []
        if not 0 <= key < len(self):
            raise IndexError(key)
        return self._fetch(1, key)[0]

    def __iter__(self):
        return iter(self._fetch(None, 0))
