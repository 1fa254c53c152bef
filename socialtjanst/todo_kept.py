"""Att göra's kept open items (issue 19 point 2): the list reads a narrow table instead of building every open item
of the scope from the raw rows on each request.

socialtjanst_todo_item holds one row per open item of an open case (part, object, case, person, unit, who answers,
due date, kind) and the dates that decide whether it shows on a given day (visible_from / visible_until, the
placement's start and end; lead_due, the date compared with today + a part's lead), never "today" itself. It is
kept by statement triggers in the same transaction as the change (migrations socialtjanst 0026_todo_kept for the
case flow's parts and placements 0024_todo_kept for the registered ones): each trigger finds the persons whose
items the change may touch and re-runs, for those persons only, the SAME statement the live list runs
(socialtjanst.todo_parts._parts over their open cases, compiled here into a SQL function), so there is one home for each
rule. The live statement (TodoQuery(live=True)) stays as the oracle: tests/web/test_todo_kept.py checks the two
equal after every kind of change, and the bench times it as the reference.

Keyed by person: every item's case is its person's (placements.clock_queries.of_scoped_persons), and a person's
cases are few, so one refresh per statement reads a handful of rows per changed row.

If a rule, a part or a registration changes, a new migration re-creates the functions (install_sql) and refills
the table; test_the_installed_functions_are_todays_statement fails until it does.
"""

import psycopg
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db.models import F
from django.db.models.expressions import RawSQL

from common import kept
from common.tally import Tally

from . import deadlines, todo_parts, todo_sources
from .models import Case
from .users import UNASSIGNED

KEPT = "socialtjanst_todo_item"
PERSONS_ARG = "todo_persons"
# Per app: (its refresh function, the parts it keeps). The case flow's parts are 0..3, the registered ones from
# todo_parts.REGISTERED_PART_BASE.
FLOW_REFRESH = "socialtjanst_todo_refresh_flow"
REGISTERED_REFRESH = "socialtjanst_todo_refresh_registered"
FLOW_PARTS = f"part < {todo_parts.REGISTERED_PART_BASE}"
REGISTERED_PARTS = f"part >= {todo_parts.REGISTERED_PART_BASE}"
COLUMNS = ("part", "obj", "case_id", "person_id", "unit_id", "resp_id", "due_on", "kind", "visible_from",
           "visible_until", "lead_due")
# Att göra's totals for whole units (common.tally): the kept items counted per unit, part and the dates that decide
# whether and when an item is due, so an enhetschef's totals sum 10 000 rows, not 190 000 items (socialtjanst
# 0034_todo_tally). Who answers is not in the key (it would leave 94 000 keys): a chosen person's items are counted.
TALLY = "socialtjanst_todo_tally"
TODO_TALLY = Tally(
    table=TALLY, source=KEPT, key=tuple((c, c) for c in ("unit_id", "part", "due_on", "visible_from", "visible_until",
                                                         "lead_due")),
    trigger_prefix="todo_tally_", compact_lock=742_020)

TABLE_SQL = [
    f"CREATE TABLE IF NOT EXISTS {KEPT} (part smallint NOT NULL, obj bigint NOT NULL, case_id bigint NOT NULL,"
    " person_id bigint NOT NULL, unit_id bigint NOT NULL, resp_id bigint, due_on date, kind text NOT NULL,"
    " visible_from date, visible_until date, lead_due date, PRIMARY KEY (part, obj))",
    f"COMMENT ON TABLE {KEPT} IS 'Att göra: öppna punkter, hållna av triggrar (socialtjanst 0026_todo_kept,"
    " placements 0024_todo_kept); skrivs aldrig av applikationen'",
    # The list by unit (an enhetschef's, the whole municipality's) and by who answers (a handläggare's): the
    # totals and the page read these alone.
    f"CREATE INDEX IF NOT EXISTS todo_item_unit ON {KEPT} (unit_id, due_on) INCLUDE (part, obj, case_id, resp_id,"
    " visible_from, visible_until, lead_due)",
    # A handläggare's page in the list's order too (socialtjanst 0030_todo_resp_order): by (resp_id, due_on)
    # alone PostgreSQL read the whole scope's order index past 25 000 other items to find hers.
    f"CREATE INDEX IF NOT EXISTS todo_item_resp_order ON {KEPT} (resp_id, due_on NULLS FIRST, case_id,"
    " (GREATEST(part - 1, 0)), obj, part) INCLUDE (unit_id, visible_from, visible_until, lead_due)",
    # The page in the list's own order (socialtjanst.todo.BASE_ORDER): the first 25 of a large scope are read in
    # index order rather than every item sorted.
    f"CREATE INDEX IF NOT EXISTS todo_item_order ON {KEPT} (due_on NULLS FIRST, case_id, (GREATEST(part - 1, 0)),"
    " obj, part) INCLUDE (unit_id, resp_id, visible_from, visible_until, lead_due)",
    f"CREATE INDEX IF NOT EXISTS todo_item_person ON {KEPT} (person_id)",
    f"CREATE INDEX IF NOT EXISTS todo_item_case ON {KEPT} (case_id)",
]


# --- the fill: the live statement over some persons' open cases ------------------------------------------------


def items_select(connection, *, flow: bool) -> str:
    """The live parts (the case flow's, or the registered apps') over the open cases of the persons in the array
    PERSONS_ARG, with the kept columns, as SQL with its parameters inlined (a function body)."""
    cases = Case.objects.filter(status=Case.Status.OPEN,
                                person_id__in=RawSQL(f"SELECT unnest({PERSONS_ARG})", ()))  # noqa: S611 - a constant
    parts = todo_parts._parts(cases, None, "", ("t_unit_id",), None, flow=flow, registered=not flow)
    sqls, params = [], []
    for qs in parts:
        sql, p = qs.query.sql_with_params()
        sqls.append(f"({sql})")
        params.extend(p)
    if not sqls:  # no registered part: nothing to keep
        return ("SELECT NULL::smallint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,"
                " NULL::date, NULL::text, NULL::date, NULL::date, NULL::date WHERE FALSE")
    sql = ("SELECT i.t_part, i.t_obj, i.t_case, c.person_id, i.t_unit_id, i.t_resp, i.t_due, i.t_kind, i.t_from,"
           f" i.t_until, i.t_lead FROM ({' UNION ALL '.join(sqls)}) i JOIN socialtjanst_case c ON c.id = i.t_case")
    connection.ensure_connection()
    return psycopg.ClientCursor(connection.connection).mogrify(sql, params)


# Two transactions refreshing the same person must not interleave: under READ COMMITTED the second one's DELETE
# cannot see the rows the first one inserted (its snapshot is older) and would leave them, stale, beside its own.
# So a refresh first takes a transaction lock per person, in a fixed order; per bucket of persons rather than per
# person, so a bulk import's thousands of persons take at most LOCK_BUCKETS of the shared lock table's slots.
LOCK_NAMESPACE = 1926  # the first key of pg_advisory_xact_lock(int, int): issue 19, socialtjanst 0026
LOCK_BUCKETS = 256


def refresh_function_sql(connection, *, flow: bool) -> str:
    """CREATE OR REPLACE of the app's refresh function: forget the persons' items of its parts, keep them anew.
    Each statement of a plpgsql function takes a new snapshot, so after the lock the DELETE sees every row a
    transaction that held it committed."""
    name, parts = (FLOW_REFRESH, FLOW_PARTS) if flow else (REGISTERED_REFRESH, REGISTERED_PARTS)
    columns = ", ".join(COLUMNS)
    # After the lock and the DELETE the persons' items are gone; a conflict is only an item whose case is another
    # person's (never, in the rules), kept as that person's refresh left it. So the app role needs no UPDATE.
    insert = f"INSERT INTO {KEPT} ({columns}) {items_select(connection, flow=flow)} ON CONFLICT (part, obj) DO NOTHING"
    # A generic plan, made once per connection: the statement is large, and planning it anew for each write (a
    # custom plan for a one-person array) cost 40-80 ms where running it costs 1-2 ms. A statement of many rows (an
    # import, a bulk load) gets a plan of its own (EXECUTE): the generic one probes person by person.
    dynamic = insert.replace(PERSONS_ARG, "$1")
    return (f"CREATE OR REPLACE FUNCTION {name}({PERSONS_ARG} bigint[]) RETURNS void LANGUAGE plpgsql"
            " SET plan_cache_mode = force_generic_plan AS $todo$"
            f" BEGIN PERFORM pg_advisory_xact_lock({LOCK_NAMESPACE}, b.bucket) FROM (SELECT DISTINCT"
            f" (p % {LOCK_BUCKETS})::int AS bucket FROM unnest({PERSONS_ARG}) p ORDER BY 1) b;"
            f" DELETE FROM {KEPT} WHERE person_id = ANY({PERSONS_ARG}) AND {parts};"
            f" {kept.insert_by_size(PERSONS_ARG, insert, dynamic, 'bulk')} END $todo$")


# --- the triggers: which persons a change touches ----------------------------------------------------------------

def _persons_block(function: str, persons: str) -> str:
    """A trigger body: refresh the persons `persons` (a SELECT of person ids) finds, if any."""
    return (f"DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM ({persons}) x(pid)"
            f" WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM {function}(todo_p); END IF; END;")


def triggers(function: str, prefix: str, tables) -> tuple[list, list]:
    """(statement triggers, truncate triggers) for common.migration_ops.statement_triggers_sql. `tables`: rows of
    (table, the SELECT of person ids from the rows of `{rel}`, the columns whose change matters on UPDATE (None:
    any), whether the table has UPDATEs worth a trigger). Every table truncated: the app's parts kept anew."""
    rows, truncates = [], []
    for table, persons, columns, updates in tables:
        short = table.split("_", 1)[1].replace("_", "")[:30]
        rows.append((f"{prefix}_{short}_ins", table, "INSERT", "NEW TABLE AS changed",
                     _persons_block(function, persons.format(rel="changed"))))
        rows.append((f"{prefix}_{short}_del", table, "DELETE", "OLD TABLE AS changed",
                     _persons_block(function, persons.format(rel="changed"))))
        if updates:
            differs = "TRUE" if columns is None else " OR ".join(f"b.{c} IS DISTINCT FROM n.{c}" for c in columns)
            moved = "(SELECT {side}.* FROM before b JOIN changed n ON n.id = b.id WHERE " + differs + ")"
            both = (persons.format(rel=moved.format(side="b")) + " UNION ALL "
                    + persons.format(rel=moved.format(side="n")))
            rows.append((f"{prefix}_{short}_upd", table, "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
                         _persons_block(function, both)))
        truncates.append((f"{prefix}_{short}_trunc", table, _refill_all(function)))
    return rows, truncates


def _refill_all(function: str) -> str:
    parts = FLOW_PARTS if function == FLOW_REFRESH else REGISTERED_PARTS
    return f"DELETE FROM {KEPT} WHERE {parts}; PERFORM {function}(ARRAY(SELECT id FROM socialtjanst_person));"


def live_items_sql(connection, *, flow: bool) -> str:
    """Every person's items of the app's parts as the live statement gives them now: the migrations' fill, and the
    remaking after a bulk load (common.kept). Planned for every person (the function's generic plan is made for
    a few)."""
    return items_select(connection, flow=flow).replace(f"SELECT unnest({PERSONS_ARG})",
                                                       "SELECT id FROM socialtjanst_person")


def fill_sql(connection, *, flow: bool) -> str:
    """The app's parts kept from the rows already stored."""
    return (f"INSERT INTO {KEPT} ({', '.join(COLUMNS)}) {live_items_sql(connection, flow=flow)}"
            " ON CONFLICT (part, obj) DO NOTHING")


_BY_CASE = "SELECT c.person_id FROM {rel} r JOIN socialtjanst_case c ON c.id = r.case_id"

# The case flow's parts (socialtjanst.todo_parts._parts) read these tables.
FLOW_TABLES = [
    ("socialtjanst_case", "SELECT r.person_id FROM {rel} r", ("status", "unit_id", "responsible_id", "person_id"),
     True),
    ("socialtjanst_intake", _BY_CASE, ("case_id", "received_on", "kind", "target_group", "safety_assessed_on"), True),
    ("socialtjanst_intake_awaiting_screening", "SELECT c.person_id FROM {rel} r JOIN socialtjanst_intake i"
     " ON i.id = r.intake_id JOIN socialtjanst_case c ON c.id = i.case_id", None, False),
    ("socialtjanst_investigation", _BY_CASE, ("case_id", "started_on", "completed_on", "responsible_id"), True),
    ("socialtjanst_investigationextension", "SELECT c.person_id FROM {rel} r JOIN socialtjanst_investigation v"
     " ON v.id = r.investigation_id JOIN socialtjanst_case c ON c.id = v.case_id",
     ("investigation_id", "decided_on", "new_due_on"), True),
    ("socialtjanst_decision", _BY_CASE, ("case_id", "decided_on"), True),
    ("socialtjanst_decision_awaiting_enforcement", "SELECT c.person_id FROM {rel} r JOIN socialtjanst_decision d"
     " ON d.id = r.decision_id JOIN socialtjanst_case c ON c.id = d.case_id", None, False),
]


def install_sql(connection, *, flow: bool, tables) -> tuple[list[str], list[str]]:
    """(forward, backward) SQL of one app's share: the table (the case flow's migration makes it), the refresh
    function, the statement triggers on `tables` (rows as FLOW_TABLES') and the fill. The migrations hold a frozen
    copy of this, written when they were; a new migration takes a new copy when test_todo_kept says the database's
    function differs from what this module writes now."""
    from common.migration_ops import drop_statement_triggers_sql, statement_triggers_sql

    name, prefix = (FLOW_REFRESH, "todo_flow") if flow else (REGISTERED_REFRESH, "todo_reg")
    rows, truncates = triggers(name, prefix, tables)
    forward = [*(TABLE_SQL if flow else []), refresh_function_sql(connection, flow=flow),
               *statement_triggers_sql(rows, truncates), fill_sql(connection, flow=flow), f"ANALYZE {KEPT}"]
    backward = [*drop_statement_triggers_sql(rows, truncates), f"DROP FUNCTION IF EXISTS {name}(bigint[])",
                f"DROP TABLE IF EXISTS {KEPT}" if flow else f"DELETE FROM {KEPT} WHERE {REGISTERED_PARTS}"]
    return forward, backward


# --- the read ----------------------------------------------------------------------------------------------------

_leads: dict[tuple, list[tuple[int, int]]] = {}


def _lead_parts(today) -> list[tuple[int, object]]:
    """(part, the last date shown today) of each registered part with a lead (TodoRows.lead). The leads are read
    from the registrations once (building each part's querysets per request cost more than the count)."""
    sources = todo_sources.todo_parts()
    key = tuple(source.key for source in sources)
    if key not in _leads:
        _leads[key] = [(todo_parts.REGISTERED_PART_BASE + n, lead[1]) for n, source in enumerate(sources)
                       if (lead := source.rows(Case.objects.none(), None).lead) is not None]
    return [(part, deadlines.add_calendar_months(today, months)) for part, months in _leads[key]]


def _kind_parts(kind: str) -> list[int]:
    parts = [n for n, k in enumerate(todo_parts.KINDS) if k == kind]
    parts += [todo_parts.REGISTERED_PART_BASE + n for n, p in enumerate(todo_sources.todo_parts()) if p.kind == kind]
    return parts


def _scope_where(query) -> tuple[list[str], list] | None:
    """The conditions on a kept row `k` (or a tally row: the same columns) that every read shares: shown today, of
    the query's units, of its kind (None: no part is of that kind)."""
    today = query.today
    where = ["(k.visible_from IS NULL OR k.visible_from <= %s)", "(k.visible_until IS NULL OR k.visible_until >= %s)"]
    params: list = [today, today]
    for part, last in _lead_parts(today):
        where.append(f"(k.part <> {int(part)} OR k.lead_due <= %s)")
        params.append(last)
    if query.unit_ids is not None:
        where.append("k.unit_id = ANY(%s)")
        params.append([int(u) for u in query.unit_ids])
    if query.kind:
        parts = _kind_parts(query.kind)
        if not parts:
            return None
        where.append("k.part = ANY(%s)")
        params.append(parts)
    return where, params


def tally_totals(query) -> tuple[str, list] | None:
    """The statement of (items, overdue items) from the tally (TODO_TALLY), where the query is whole units with no
    one responsible chosen (an enhetschef's list: a few rows per unit and due date, not a row per item); ("", [])
    when nothing can match. None: the tally cannot answer (a search, a chosen person), count the items."""
    if query.unit_ids is None or query.responsible is not None:
        return None
    scope = _scope_where(query)
    if scope is None:
        return "", []
    where, params = scope
    due, due_params = query.due_filter()
    return (f"SELECT COALESCE(sum(items.n), 0) AS total, COALESCE(sum(items.n) FILTER (WHERE items.t_due < %s), 0)"
            f" AS overdue FROM (SELECT k.due_on AS t_due, k.n FROM {TALLY} k WHERE {' AND '.join(where)}) items{due}",
            [query.today, *params, *due_params])


def kept_from(query, extra=()) -> tuple[str, list]:
    """TodoQuery._from over the kept items: the same columns (t_part ... t_kind and the `extra` asked for), so the
    totals, the page and the workload's counts are the same statements over a narrow table."""
    scope = _scope_where(query)
    if scope is None:
        return "", []
    where, params = scope
    if query.unit_ids is None:
        try:
            sql, p = query.cases.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return "", []
        where.append(f"k.case_id IN ({sql})")
        params.extend(p)
    if query.responsible is not None:
        where.append("k.resp_id = %s")
        params.append(query.responsible.pk)
    columns = ("k.part AS t_part, k.obj AS t_obj, k.case_id AS t_case, k.resp_id AS t_resp, FALSE AS t_by_case,"
               " k.due_on AS t_due, k.kind AS t_kind, k.unit_id AS t_unit_id")
    joins, head_params = "", []
    if "t_unit" in extra:
        columns += ", u.name AS t_unit"
        joins += " LEFT JOIN socialtjanst_unit u ON u.id = k.unit_id"
    if "t_resp_name" in extra:
        # users.user_full_name through todo's own SQL twin of it.
        users = get_user_model().objects.order_by().values(t_id=F("pk"), t_n=todo_parts._full_name_of_user())
        names, name_params = users.query.sql_with_params()
        columns += ", COALESCE(rn.t_n, %s) AS t_resp_name"
        joins += f" LEFT JOIN ({names}) rn ON rn.t_id = k.resp_id"
        head_params = [UNASSIGNED, *name_params]
    body = f"SELECT {columns} FROM {KEPT} k{joins} WHERE {' AND '.join(where)}"
    due, due_params = query.due_filter()
    return f"FROM ({body}) items{due}", [*head_params, *params, *due_params]
