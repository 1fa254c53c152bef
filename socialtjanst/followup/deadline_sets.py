"""The deadline report computed in the database (issue 19 point 2): the same items, the same population rule
and the same figures as socialtjanst.followup.deadline_report, whose per-item Python path stays the reference
the tests compare with (tests/socialtjanst/test_deadline_sets.py).

- `figures(units, start, end, today)`: per unit (within, total) for each kind and the utredningstid sum and
  count, in ONE statement per period; nothing per row reaches Python.
- `MissRows`: the drill-down's misses of one kind, counted in SQL and fetched a page at a time with only the
  columns the list shows (ORDER BY due date, LIMIT/OFFSET).

Every due date is a twin from socialtjanst/deadlines_sql.py. `units` is access.followup_scope_unit_ids: None
means the whole municipality, and then no scope condition is written at all.
"""

import datetime
from collections import defaultdict

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED
from socialtjanst import deadlines, todo_sources
from socialtjanst import deadlines_sql as dsql
from socialtjanst.identity import age_on_sql
from socialtjanst.models import FAVOURABLE_DECISION_KINDS

from .deadline_report import CHILD_MAX_AGE, ENFORCEMENT, INVESTIGATIONS, SCREENINGS
from .sql_session import report_cursor

DAYS = "days"


def _in_window(column: str) -> str:
    # common.date_window.in_window: a row stored before the CHECKs gets no deadline and is not counted
    return f"({column} IS NULL OR {column} BETWEEN %(win_lo)s AND %(win_hi)s)"


def _scope(units) -> str:
    return "" if units is None else " AND c.unit_id = ANY(%(units)s)"


# Each kind's items with their due date, restricted to due dates within start..end. The prefilters are the
# Python path's (they only narrow the rows read); the last condition is the population rule itself. OFFSET 0
# keeps the inner select from being flattened: the due date is computed once per row, not once per use.

def _screenings_sql(units) -> str:
    due = dsql.screening_due_sql("i.received_on", "s.extended_due_on", "s.extension_decided_on")
    return (
        "SELECT * FROM (SELECT c.unit_id, i.case_id, c.person_id, i.id AS pk, 0 AS sub, i.received_on AS start_on,"
        f" s.decided_on AS done_on, {due} AS due_on, c.responsible_id, s.extended_due_on,"
        " s.extension_decided_on, '' AS legal_basis, '' AS intervention_kind"
        # The prefilter as a UNION, so each half reads its own index (the partial one on extended due dates).
        " FROM (SELECT id FROM socialtjanst_intake WHERE received_on BETWEEN %(screening_from)s AND %(end)s"
        " UNION SELECT intake_id FROM socialtjanst_screening WHERE extended_due_on >= %(start)s) pick"
        " JOIN socialtjanst_intake i ON i.id = pick.id JOIN socialtjanst_case c ON c.id = i.case_id"
        " LEFT JOIN socialtjanst_screening s ON s.intake_id = i.id"
        " WHERE i.target_group = ANY(%(screening_groups)s) AND i.received_on <= %(end)s"
        f" AND {_in_window('i.received_on')} AND {_in_window('s.extended_due_on')}"
        f" AND {_in_window('s.extension_decided_on')}{_scope(units)}"
        " OFFSET 0) x WHERE x.due_on BETWEEN %(start)s AND %(end)s"
    )


def _investigations_sql(units) -> str:
    due = dsql.investigation_valid_due_sql("v.started_on", "v.id")
    extension = "SELECT 1 FROM socialtjanst_investigationextension e WHERE e.investigation_id = v.id"
    return (
        "SELECT * FROM (SELECT c.unit_id, v.case_id, c.person_id, v.id AS pk, 0 AS sub, v.started_on AS start_on,"
        f" v.completed_on AS done_on, {due} AS due_on, v.responsible_id, NULL::date AS extended_due_on,"
        " NULL::date AS extension_decided_on, '' AS legal_basis, '' AS intervention_kind"
        " FROM (SELECT id FROM socialtjanst_investigation WHERE started_on BETWEEN %(investigation_from)s AND %(end)s"
        " UNION SELECT investigation_id FROM socialtjanst_investigationextension WHERE new_due_on >= %(start)s) pick"
        " JOIN socialtjanst_investigation v ON v.id = pick.id JOIN socialtjanst_case c ON c.id = v.case_id"
        " WHERE v.started_on <= %(end)s"
        f" AND {_in_window('v.started_on')}"
        f" AND NOT EXISTS ({extension} AND NOT ({_in_window('e.decided_on')} AND {_in_window('e.new_due_on')}))"
        f"{_scope(units)} OFFSET 0) x WHERE x.due_on BETWEEN %(start)s AND %(end)s"
    )


def _enforcement_sql(units) -> str:
    due = dsql.enforcement_due_sql("d.decided_on")
    # One item per insats; a favourable decision without any insats is one item never verkställd (LEFT JOIN).
    return (
        "SELECT * FROM (SELECT c.unit_id, d.case_id, c.person_id, d.id AS pk, COALESCE(iv.id, 0) AS sub,"
        f" d.decided_on AS start_on, iv.started_on AS done_on, {due} AS due_on, c.responsible_id,"
        " NULL::date AS extended_due_on, NULL::date AS extension_decided_on, d.legal_basis,"
        " COALESCE(iv.kind, '') AS intervention_kind"
        " FROM socialtjanst_decision d JOIN socialtjanst_case c ON c.id = d.case_id"
        " LEFT JOIN socialtjanst_intervention iv ON iv.decision_id = d.id"
        " WHERE d.kind = ANY(%(favourable)s) AND d.voided_reason = ''"
        f" AND d.decided_on BETWEEN %(enforcement_from)s AND %(end)s AND {_in_window('d.decided_on')}"
        f"{_scope(units)} OFFSET 0) x WHERE x.due_on BETWEEN %(start)s AND %(end)s"
    )


ITEMS_SQL = {SCREENINGS: _screenings_sql, INVESTIGATIONS: _investigations_sql, ENFORCEMENT: _enforcement_sql}


def items_sql() -> dict:
    """Every kind's items: the case flow's own, then those other apps register (socialtjanst.todo_sources), whose
    SELECTs yield the same columns from the same parameters."""
    return {**ITEMS_SQL, **{k.key: k.items_sql for k in todo_sources.deadline_kinds()}}


def _days_sql(units) -> str:
    age = age_on_sql("p.birth_date", "v.started_on")
    return (
        f"SELECT '{DAYS}' AS kind, c.unit_id, SUM(v.completed_on - v.started_on)::bigint, COUNT(*)"
        " FROM socialtjanst_investigation v JOIN socialtjanst_case c ON c.id = v.case_id"
        " JOIN socialtjanst_person p ON p.id = c.person_id"
        " WHERE v.completed_on BETWEEN %(start)s AND %(end)s AND p.birth_date IS NOT NULL"
        f" AND {age} <= {CHILD_MAX_AGE}{_scope(units)} GROUP BY c.unit_id"
    )


def _params(units, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    return {
        "start": start, "end": end, "today": today, "units": list(units or ()),
        "win_lo": CASE_EARLIEST, "win_hi": CASE_LATEST_STORED,
        "screening_groups": [str(g) for g in deadlines.SCREENING_TARGET_GROUPS],
        "favourable": [str(k) for k in FAVOURABLE_DECISION_KINDS],
        "screening_from": start - datetime.timedelta(days=deadlines.SCREENING_DAYS),
        "investigation_from": deadlines.add_calendar_months(start, -deadlines.INVESTIGATION_MONTHS)
        - datetime.timedelta(days=3),
        "enforcement_from": deadlines.add_calendar_months(start, -deadlines.ENFORCEMENT_MONTHS)
        - datetime.timedelta(days=3),
    }


def figures(units, start: datetime.date, end: datetime.date, today: datetime.date) -> dict[int, dict]:
    """unit id → {kind: (within, total) of the items judged today, "days": (sum, count) of utredningstid}."""
    judged = dsql.judged_sql("done_on", "due_on", "%(today)s")
    met = dsql.met_sql("done_on", "due_on")
    parts = [
        f"SELECT '{kind}' AS kind, unit_id, COUNT(*) FILTER (WHERE {judged} AND {met}),"
        f' COUNT(*) FILTER (WHERE {judged}) FROM ({build(units)}) "{kind}" GROUP BY unit_id'
        for kind, build in items_sql().items()
    ]
    sql = " UNION ALL ".join([*parts, _days_sql(units)])
    out: dict[int, dict] = defaultdict(dict)
    with report_cursor() as cursor:
        cursor.execute(sql, _params(units, start, end, today))
        for kind, unit_id, first, second in cursor.fetchall():
            if kind != DAYS and not second:
                continue  # nothing judged yet: the unit has no figure for this kind (as count_by_unit)
            out[unit_id][kind] = (int(first), int(second))
    return dict(out)


# --- the drill-down -----------------------------------------------------------------------------

MISS_COLUMNS = ("case_id", "person_id", "unit_id", "unit_name", "pk", "start_on", "due_on", "done_on", "days_late",
                "responsible_id", "extended_due_on", "extension_decided_on", "legal_basis", "intervention_kind")


class MissRows:
    """The misses of one kind, latest-due first, as a lazy sequence of dicts: len() counts in SQL and a slice
    fetches that page only (what a paginator asks of it). The export iterates it in one pass."""

    def __init__(self, kind: str, units, start: datetime.date, end: datetime.date, today: datetime.date):
        self.kind = kind
        self._from = (f" FROM ({items_sql()[kind](units)}) x JOIN socialtjanst_unit u ON u.id = x.unit_id"
                      f" WHERE {dsql.missed_sql('x.done_on', 'x.due_on', '%(today)s')}")
        self._params = _params(units, start, end, today)
        self._count = None

    def __len__(self) -> int:
        if self._count is None:
            with report_cursor() as cursor:
                cursor.execute("SELECT COUNT(*)" + self._from, self._params)
                self._count = cursor.fetchone()[0]
        return self._count

    def _fetch(self, limit: int | None, offset: int) -> list[dict]:
        days_late = dsql.days_late_sql("x.done_on", "x.due_on", "%(today)s")
        sql = (
            "SELECT x.case_id, x.person_id, x.unit_id, u.name, x.pk, x.start_on, x.due_on, x.done_on,"
            f" {days_late}, x.responsible_id, x.extended_due_on, x.extension_decided_on, x.legal_basis,"
            f" x.intervention_kind{self._from} ORDER BY x.due_on DESC, x.pk DESC, x.sub"
            + (" LIMIT %(limit)s OFFSET %(offset)s" if limit is not None else "")
        )
        with report_cursor() as cursor:
            cursor.execute(sql, {**self._params, "limit": limit, "offset": offset})
            return [dict(zip(MISS_COLUMNS, row, strict=True)) for row in cursor.fetchall()]

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, _step = key.indices(len(self))
            return self._fetch(max(0, stop - start), start) if stop > start else []
        if not 0 <= key < len(self):
            raise IndexError(key)
        return self._fetch(1, key)[0]

    def __iter__(self):
        return iter(self._fetch(None, 0))
