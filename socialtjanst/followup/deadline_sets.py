"""The deadline report computed in the database (issue 19 point 2): the same items, the same population rule
and the same figures as socialtjanst.followup.deadline_report, whose per-item Python path stays the reference
the tests compare with (tests/socialtjanst/test_deadline_sets.py).

- `figures_for_periods(units, periods, today)`: per period and unit (within, total) for each kind and the
  utredningstid sum and count, in ONE statement for all the periods (the report's year and last year): each
  table is read once, and the case flow's kinds meet socialtjanst_case in one join, not one per kind and year.
  `figures(units, start, end, today)` is the same for one period.
- `MissRows`: the drill-down's misses of one kind, counted in SQL and fetched a page at a time with only the
  columns the list shows (ORDER BY due date, LIMIT/OFFSET).

Every due date is a twin from socialtjanst/deadlines_sql.py. `units` is access.followup_scope_unit_ids: None
means the whole municipality, and then no scope condition is written at all.

Measured at national scale (1 M cases, /work/notes/plans_a.md): the case flow's kinds used to hash-join all
1 M cases once per kind and period, and the investigations ran the extension sub-select once per row.
"""

import datetime
from collections import defaultdict

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED
from socialtjanst import deadlines, todo_sources
from socialtjanst import deadlines_sql as dsql
from socialtjanst.identity import age_on_sql
from socialtjanst.models import FAVOURABLE_DECISION_KINDS

from . import deadline_tally
from .deadline_report import CHILD_MAX_AGE, ENFORCEMENT, INVESTIGATIONS, SCREENINGS
from .sql_session import report_cursor

DAYS = deadline_tally.DAYS
# The case flow's items kept by triggers (socialtjanst.followup.deadline_kept, socialtjanst 0024_deadline_kept).
KEPT = deadline_tally.KEPT
# Utredningstid's population: the person (p) 0–20 at the start (o.started_on); persons without a birth date are
# left out.
CHILD_AT_START_SQL = (f"(p.birth_date IS NOT NULL AND {age_on_sql('p.birth_date', 'o.started_on')}"
                      f" <= {CHILD_MAX_AGE})")
# The hash of the periods' items (about 600 000 rows for two years at national scale) fits in memory.
WORK_MEM = "128MB"


def _in_window(column: str) -> str:
    # common.date_window.in_window: a row stored before the CHECKs gets no deadline and is not counted
    return f"({column} IS NULL OR {column} BETWEEN %(win_lo)s AND %(win_hi)s)"


def _scope(units) -> str:
    return "" if units is None else " AND c.unit_id = ANY(%(units)s)"


# Each case-flow kind's items without the case: case_id, pk, sub, start_on, done_on, due_on, responsible_id (NULL:
# the case's responsible answers), extended_due_on, extension_decided_on, legal_basis, intervention_kind; only
# items due within %(start)s..%(end)s. The prefilters are the Python path's (they only narrow the rows read), as
# two disjoint halves joined by UNION ALL so that nothing is deduplicated: the rows started in the window read
# through the date index, and those an extension moved into it through the extension's index. The last condition
# is the population rule itself (DUE_IN_PERIOD; the figures apply it as the period). Behind that condition OFFSET 0
# keeps the inner select from being flattened, so the due date is computed once per row, not once per use; the
# figures' statement is flattened instead (every due date there is cheap), so the planner may read in parallel.

def _with_due_filter(items: str, due_filter: str) -> str:
    if not due_filter:  # the figures: flattened, so the planner may read the tables in parallel
        return f"SELECT * FROM ({items}) x"
    return f"SELECT * FROM ({items} OFFSET 0) x{due_filter}"


def _screenings_core(due_filter: str) -> str:
    due = dsql.screening_due_sql("i.received_on", "s.extended_due_on", "s.extension_decided_on")
    select = (
        "SELECT i.case_id, i.id AS pk, 0 AS sub, i.received_on AS start_on, s.decided_on AS done_on,"
        f" {due} AS due_on, NULL::integer AS responsible_id, s.extended_due_on, s.extension_decided_on,"
        " '' AS legal_basis, '' AS intervention_kind"
        " FROM socialtjanst_intake i {join} socialtjanst_screening s ON s.intake_id = i.id"
        " WHERE i.target_group = ANY(%(screening_groups)s) AND i.received_on <= %(end)s"
        f" AND {_in_window('i.received_on')} AND {_in_window('s.extended_due_on')}"
        f" AND {_in_window('s.extension_decided_on')}"
    )
    return _with_due_filter(
        f"{select.format(join='LEFT JOIN')} AND i.received_on >= %(screening_from)s"
        f" UNION ALL {select.format(join='JOIN')} AND i.received_on < %(screening_from)s"
        " AND s.extended_due_on >= %(start)s", due_filter)


# The investigations with extensions whose items the period may count (started in the prefilter's window, or an
# extension due in the period): whether all their extensions are within the date window (one outside it leaves the
# investigation without a deadline, as the Python path's in_window), whether one is due in the period, and the due
# date they give (the twin's grouped shape). Few rows: an investigation without extensions is due on its initial
# date, so the rows read need no extension at all.
EXTENSIONS_SQL = (
    "SELECT g.investigation_id, g.valid, g.due_in_period, d.valid_due FROM (SELECT e.investigation_id,"
    f" bool_and({_in_window('e.decided_on')} AND {_in_window('e.new_due_on')}) AS valid,"
    " bool_or(e.new_due_on >= %(start)s) AS due_in_period"
    " FROM socialtjanst_investigationextension e JOIN socialtjanst_investigation ev ON ev.id = e.investigation_id"
    " WHERE ev.started_on <= %(end)s GROUP BY e.investigation_id, ev.started_on"
    " HAVING ev.started_on >= %(investigation_from)s OR bool_or(e.new_due_on >= %(start)s)) g"
    " JOIN (" + dsql.investigation_valid_dues_sql(
        "(SELECT e.investigation_id, ev.started_on, e.decided_on, e.new_due_on"
        " FROM socialtjanst_investigationextension e"
        " JOIN socialtjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.started_on <= %(end)s)") + ") d"
    " ON d.investigation_id = g.investigation_id"
)
EXTENSION_COLUMNS = ("investigation_id", "valid", "due_in_period", "valid_due")
# The figures read them first and pass them as parameters: the twin's window functions, inside the statement, kept
# all of it from running in parallel (PostgreSQL 15 plans no worker below a window function's sub-select).
EXTENSIONS_PARAMS_SQL = ("SELECT * FROM unnest(%(ext_investigation_id)s::bigint[], %(ext_valid)s::boolean[],"
                         " %(ext_due_in_period)s::boolean[], %(ext_valid_due)s::date[])"
                         f" AS ext_p({', '.join(EXTENSION_COLUMNS)})")


def _investigations_core(due_filter: str, extensions: str = EXTENSIONS_SQL) -> str:
    # Without extensions the twin's value is the initial due date.
    due = f"COALESCE(ext.valid_due, {dsql.investigation_initial_due_sql('v.started_on')})"
    select = (
        "SELECT v.case_id, v.id AS pk, 0 AS sub, v.started_on AS start_on, v.completed_on AS done_on,"
        f" {due} AS due_on, v.responsible_id, NULL::date AS extended_due_on, NULL::date AS extension_decided_on,"
        " '' AS legal_basis, '' AS intervention_kind"
        f" FROM socialtjanst_investigation v LEFT JOIN ({extensions}) ext ON ext.investigation_id = v.id"
        f" WHERE v.started_on <= %(end)s AND {_in_window('v.started_on')} AND ext.valid IS NOT FALSE"
    )
    return _with_due_filter(
        f"{select} AND v.started_on >= %(investigation_from)s"
        f" UNION ALL {select} AND v.started_on < %(investigation_from)s AND ext.due_in_period", due_filter)


def _enforcement_core(due_filter: str) -> str:
    due = dsql.enforcement_due_sql("d.decided_on")
    # One item per insats; a favourable decision without any insats is one item never verkställd (LEFT JOIN).
    return _with_due_filter(
        "SELECT d.case_id, d.id AS pk, COALESCE(iv.id, 0) AS sub, d.decided_on AS start_on,"
        f" iv.started_on AS done_on, {due} AS due_on, NULL::integer AS responsible_id,"
        " NULL::date AS extended_due_on, NULL::date AS extension_decided_on, d.legal_basis,"
        " COALESCE(iv.kind, '') AS intervention_kind"
        " FROM socialtjanst_decision d LEFT JOIN socialtjanst_intervention iv ON iv.decision_id = d.id"
        " WHERE d.kind = ANY(%(favourable)s) AND d.voided_reason = ''"
        f" AND d.decided_on BETWEEN %(enforcement_from)s AND %(end)s AND {_in_window('d.decided_on')}", due_filter)


# The population rule's last condition. The figures apply it as the period each due date falls in, after the
# join with the cases: a condition on a computed date is estimated at half a percent of the rows, which turned
# the plan into half a million index probes and a sort.
DUE_IN_PERIOD = " WHERE x.due_on BETWEEN %(start)s AND %(end)s"

CORES = {SCREENINGS: _screenings_core, INVESTIGATIONS: _investigations_core, ENFORCEMENT: _enforcement_core}


def _with_case(core: str, units) -> str:
    """A core's items in socialtjanst.todo_sources.ITEM_COLUMNS: the case's unit, person and (unless the item
    names its own, as an investigation's never-NULL ansvarig utredare) responsible handläggare."""
    return (
        "SELECT c.unit_id, x.case_id, c.person_id, x.pk, x.sub, x.start_on, x.done_on, x.due_on,"
        " COALESCE(x.responsible_id, c.responsible_id) AS responsible_id, x.extended_due_on,"
        " x.extension_decided_on, x.legal_basis, x.intervention_kind"
        f" FROM ({core}) x JOIN socialtjanst_case c ON c.id = x.case_id WHERE true{_scope(units)}"
    )


def _own_items_sql(kind: str):
    return lambda units: _with_case(CORES[kind](DUE_IN_PERIOD), units)


ITEMS_SQL = {kind: _own_items_sql(kind) for kind in CORES}


def items_sql() -> dict:
    """Every kind's items: the case flow's own, then those other apps register (socialtjanst.todo_sources), whose
    SELECTs yield the same columns from the same parameters."""
    return {**ITEMS_SQL, **{k.key: k.items_sql for k in todo_sources.deadline_kinds()}}


def _period_sql(day: str, count: int) -> str:
    """Which of the periods %(p<n>_start)s..%(p<n>_end)s `day` falls in (NULL: none)."""
    whens = " ".join(f"WHEN {day} BETWEEN %(p{n}_start)s AND %(p{n}_end)s THEN {n}" for n in range(count))
    return f"(CASE {whens} END)"


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


def _days_rows_sql(count: int) -> str:
    """Utredningstid: the investigations completed in one of the periods, in the columns of the kinds' rows."""
    in_any = " OR ".join(f"v.completed_on BETWEEN %(p{n}_start)s AND %(p{n}_end)s" for n in range(count))
    return (f"SELECT '{DAYS}' AS kind, v.case_id, v.completed_on AS day, v.completed_on AS done_on,"
            f" NULL::date AS due_on, v.started_on FROM socialtjanst_investigation v WHERE {in_any}")


def _figures_cores() -> dict[str, str]:
    return {**{kind: core("") for kind, core in CORES.items()},
            INVESTIGATIONS: _investigations_core("", EXTENSIONS_PARAMS_SQL)}


def _own_live_sql(units, count: int) -> str:
    judged = dsql.judged_sql("done_on", "due_on", "%(today)s")
    met = dsql.met_sql("done_on", "due_on")
    # The case flow's kinds and utredningstid: their rows together (`day` picks the period: the due date, or the
    # day an investigation was completed), then ONE join with the cases for the unit, and the person's birth date
    # for utredningstid's 0–20 years only.
    own = " UNION ALL ".join([
        *(f"SELECT '{kind}' AS kind, case_id, due_on AS day, done_on, due_on, NULL::date AS started_on"
          f' FROM ({sql}) "{kind}"' for kind, sql in _figures_cores().items()),
        _days_rows_sql(count)])
    days = f"o.kind = '{DAYS}'"
    return (
        f"SELECT kind, period, unit_id, CASE WHEN kind = '{DAYS}' THEN SUM(done_on - started_on)"
        f" ELSE COUNT(*) FILTER (WHERE {judged} AND {met}) END,"
        f" CASE WHEN kind = '{DAYS}' THEN COUNT(*) ELSE COUNT(*) FILTER (WHERE {judged}) END"
        f" FROM (SELECT o.kind, {_period_sql('o.day', count)} AS period, c.unit_id, o.done_on, o.due_on,"
        f" o.started_on FROM ({own}) o JOIN socialtjanst_case c ON c.id = o.case_id"
        # (A NULL key is passed over without a probe: only utredningstid's rows look a person up.)
        f" LEFT JOIN socialtjanst_person p ON p.id = CASE WHEN {days} THEN c.person_id END"
        f" WHERE (NOT {days} OR {CHILD_AT_START_SQL}){_scope(units)}) t"
        " WHERE period IS NOT NULL GROUP BY kind, period, unit_id")


def _own_kept_sql(units, count: int) -> str:
    """The case flow's kinds and utredningstid from the tally of the trigger-kept rows
    (socialtjanst.followup.deadline_tally): a few rows per unit and due date, judged as of %(today)s there."""
    return deadline_tally.figures_sql(units, _period_sql("day", count))


def _registered_sql(units, count: int) -> list[str]:
    judged = dsql.judged_sql("done_on", "due_on", "%(today)s")
    met = dsql.met_sql("done_on", "due_on")
    counts = f"COUNT(*) FILTER (WHERE {judged} AND {met}), COUNT(*) FILTER (WHERE {judged})"
    return [f"SELECT kind, period, unit_id, {counts} FROM (SELECT '{k.key}' AS kind, {_period_sql('due_on', count)}"
            f' AS period, unit_id, done_on, due_on FROM ({k.items_sql(units)}) "{k.key}") t WHERE period IS NOT NULL'
            " GROUP BY kind, period, unit_id"
            for k in todo_sources.deadline_kinds()]


def figures_for_periods(units, periods: list[tuple[datetime.date, datetime.date]],
                        today: datetime.date, *, live: bool = False) -> list[dict[int, dict]]:
    """For each (start, end) of `periods` (which must not overlap): unit id → {kind: (within, total) of the items
    judged today, "days": (sum, count) of utredningstid}. The kinds' items are read once for all the periods:
    those due from the first start to the last end, each counted in the period its due date falls in.

    The case flow's kinds are read from the tally of their trigger-kept rows (deadline_tally); `live` computes them
    from the raw tables instead (the same cores: the oracle the kept rows are tested against, and the bench's
    reference)."""
    ordered = sorted(periods)
    if any(a[1] >= b[0] for a, b in zip(ordered, ordered[1:], strict=False)):
        raise ValueError("periods overlap")
    params = _params(units, ordered[0][0], ordered[-1][1], today)
    for n, (start, end) in enumerate(periods):
        params[f"p{n}_start"], params[f"p{n}_end"] = start, end
    out: list[dict[int, dict]] = [defaultdict(dict) for _ in periods]
    with report_cursor(WORK_MEM) as cursor:
        if live:
            cursor.execute(EXTENSIONS_SQL, params)
            extensions = cursor.fetchall()
            for n, column in enumerate(EXTENSION_COLUMNS):
                params[f"ext_{column}"] = [row[n] for row in extensions]
        own = (_own_live_sql if live else _own_kept_sql)(units, len(periods))
        cursor.execute(" UNION ALL ".join([own, *_registered_sql(units, len(periods))]), params)
        for kind, period, unit_id, first, second in cursor.fetchall():
            if not second:
                # Nothing judged yet: the unit has no figure for this kind (as count_by_unit). Utredningstid has
                # none only where a tally key sums to nothing (rows not yet compacted): as if it had no rows.
                continue
            out[period][unit_id][kind] = (int(first), int(second))
    return [dict(found) for found in out]


def figures(units, start: datetime.date, end: datetime.date, today: datetime.date, *,
            live: bool = False) -> dict[int, dict]:
    """unit id → {kind: (within, total) of the items judged today, "days": (sum, count) of utredningstid}."""
    return figures_for_periods(units, [(start, end)], today, live=live)[0]


# --- the drill-down -----------------------------------------------------------------------------

MISS_COLUMNS = ("case_id", "person_id", "unit_id", "unit_name", "pk", "start_on", "due_on", "done_on", "days_late",
                "responsible_id", "extended_due_on", "extension_decided_on", "legal_basis", "intervention_kind")


class MissRows:
    """The misses of one kind, latest-due first, as a lazy sequence of dicts: len() counts in SQL and a slice
    fetches that page only (what a paginator asks of it). The export iterates it in one pass.

    The case flow's kinds count their misses in the trigger-kept rows (an index range) and take a page's keys from
    there too; the page's columns are then read from the live items of the page's own due dates only, so no
    request computes every item of the period, let alone twice (once to count, once for the page)."""

    def __init__(self, kind: str, units, start: datetime.date, end: datetime.date, today: datetime.date):
        self.kind, self._units, self._today = kind, units, today
        self._params = _params(units, start, end, today)
        self._count = None
        scope = "" if units is None else " AND unit_id = ANY(%(units)s)"
        self._kept = (f" FROM {KEPT} WHERE kind = %(kind)s AND day BETWEEN %(start)s AND %(end)s{scope}"
                      f" AND {dsql.missed_sql('done_on', 'day', '%(today)s')}") if kind in CORES else None

    def _from(self, units) -> str:
        return (f" FROM ({items_sql()[self.kind](units)}) x JOIN socialtjanst_unit u ON u.id = x.unit_id"
                f" WHERE {dsql.missed_sql('x.done_on', 'x.due_on', '%(today)s')}")

    def __len__(self) -> int:
        if self._count is None:
            with report_cursor() as cursor:
                cursor.execute("SELECT COUNT(*)" + (self._kept or self._from(self._units)),
                               {**self._params, "kind": self.kind})
                self._count = cursor.fetchone()[0]
        return self._count

    def _fetch(self, limit: int | None, offset: int) -> list[dict]:
        params, keys = self._params, ""
        if self._kept and limit is not None:
            with report_cursor() as cursor:
                cursor.execute(f"SELECT pk, sub, day{self._kept} ORDER BY day DESC, pk DESC, sub"
                               " LIMIT %(limit)s OFFSET %(offset)s",
                               {**params, "kind": self.kind, "limit": limit, "offset": offset})
                page = cursor.fetchall()
            if not page:
                return []
            # The live items due from the page's first to its last due date, and of those the page's own.
            params = {**_params(self._units, page[-1][2], page[0][2], self._today),
                      "page_pk": [r[0] for r in page], "page_sub": [r[1] for r in page]}
            keys = " AND (x.pk, x.sub) IN (SELECT * FROM unnest(%(page_pk)s::bigint[], %(page_sub)s::bigint[]))"
            limit, offset = None, 0
        days_late = dsql.days_late_sql("x.done_on", "x.due_on", "%(today)s")
        sql = (
            "SELECT x.case_id, x.person_id, x.unit_id, u.name, x.pk, x.start_on, x.due_on, x.done_on,"
            f" {days_late}, x.responsible_id, x.extended_due_on, x.extension_decided_on, x.legal_basis,"
            f" x.intervention_kind{self._from(self._units)}{keys} ORDER BY x.due_on DESC, x.pk DESC, x.sub"
            + (" LIMIT %(limit)s OFFSET %(offset)s" if limit is not None else "")
        )
        with report_cursor() as cursor:
            cursor.execute(sql, {**params, "limit": limit, "offset": offset})
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
