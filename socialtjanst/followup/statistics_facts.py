"""The intake statistics' figures read from socialtjanst_statistics_fact (migration 0025_intake_kept), the narrow
table triggers keep from its twin, the view socialtjanst_statistics_fact_live: one row per aktualisering, concern of
an orosanmälan, utredning and beslut not voided, with the person, the case's unit, the date and the breakdowns' keys.

Unique individuals are counted, not sorted: a row carries a bit per breakdown (FIRST_BITS) when it is the person's
first of that breakdown's key in the calendar year, in the whole municipality (`first_all`) and within its unit
(`first_unit`). A period runs from January, so a person appears in it exactly when her first row of the year does.

- The whole municipality counts `first_all`; one unit counts `first_unit` within it.
- Several units (an enhetschef's): `first_unit` of the persons seen in one unit only that year, plus COUNT(DISTINCT
  person) over the few rows of persons seen in two or more (`multi_unit`, a partial index), added per key.

Each table is read in two steps: the period's rows are grouped once by every key and flag (one hash aggregate with a
count), then each breakdown sums those few thousand groups. Same shapes as the live statements in
socialtjanst.followup.intake_statistics, which stay as the oracle the tests compare with.
"""

from socialtjanst.models import Gender, IntakeKind

FACT = "socialtjanst_statistics_fact"
LIVE = "socialtjanst_statistics_fact_live"  # the table's twin (the view of migration 0025_intake_kept)
KEPT_COLUMNS = ("source", "row_id", "person_id", "unit_id", "on_date", "gender", "kind", "target_group",
                "reporter_category", "channel", "legal_basis", "concern", "screened", "not_investigated", "first_all",
                "first_unit", "multi_unit")
# The bit of each breakdown in first_all / first_unit (the migration's windows, in this order).
FIRST_BITS = {"total": 1, "target_group": 2, "reporter": 4, "channel": 8, "month": 16, "kind": 32, "concern": 64}
DECISION_BITS = {"total": 1, "target_group": 2, "law": 4}
BUCKET = (f"CASE WHEN gender = '{Gender.FEMALE}' THEN 'female' WHEN gender = '{Gender.MALE}' THEN 'male'"
          " ELSE 'unknown' END")
REPORT = f"'{IntakeKind.REPORT}'"


def live_facts_sql() -> str:
    """Every row the table should hold, from its twin, in the order the pages read (as the migration's refill)."""
    return f"SELECT {', '.join(KEPT_COLUMNS)} FROM {LIVE} ORDER BY source, on_date"  # noqa: S608 - constants


def _scope(units) -> tuple[str, str]:
    """(the condition on the rows, the flag expression) of a scope; see the module's docstring."""
    if units is None:
        return "", "first_all"
    if len(units) == 1:
        return " AND unit_id = %(unit)s", "first_unit"
    return " AND unit_id = ANY(%(units)s)", "CASE WHEN multi_unit THEN 0 ELSE first_unit END"


def _params(units, **dates) -> dict:
    units = list(units or ())
    return {**dates, "units": units, "unit": units[0] if units else None, "report": str(IntakeKind.REPORT)}


# --- intakes ---------------------------------------------------------------------------------------------
#
# (set, key column of the grouped rows or None for the total, rows it reads, full measures?)
INTAKE_SETS = (
    ("target_group", "target_group", "report", True),
    ("total", None, "report", True),
    ("kind", "kind", "this", False),
    ("reporter", "reporter_category", "this AND report", False),
    ("channel", "channel", "this AND report", False),
    ("month", "month", "report", False),
)
_FULL_MEASURES = ("events", "individuals", "female", "male", "unknown", "not_investigated", "screened")
_COUNTS = ("events", "individuals")


def _intake_rows(flag: str, scope: str) -> str:
    """The period's intakes and last year's anmälningar grouped by every key the breakdowns read: raw columns (the
    date, not its month; the gender, not its bucket), two index ranges, so each row costs a hash and nothing else.
    Last year is shown by target group, in total and by month only: its kind, anmälare and kanal are not grouped."""
    shared = f"target_group, on_date, gender, screened, not_investigated, {flag} AS first, count(*) AS n FROM {FACT}"
    this = (f"SELECT kind, reporter_category, channel, {shared} WHERE source = 'intake'"
            f" AND on_date BETWEEN %(start)s AND %(end)s{scope} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9")
    last = (f"SELECT %(report)s, '', '', {shared} WHERE source = 'intake' AND on_date BETWEEN %(last_start)s"
            f" AND %(last_end)s AND kind = %(report)s{scope} GROUP BY 4, 5, 6, 7, 8, 9")
    return (f"SELECT on_date >= %(start)s AS this, kind = %(report)s AS report, kind, target_group, reporter_category,"
            f" channel, date_part('month', on_date)::int AS month, {BUCKET} AS bucket, screened, not_investigated,"
            f" first, n FROM ({this} UNION ALL {last}) r")


def _sums(bit: int, full: bool) -> str:
    first = f"first & {bit} <> 0"
    sums = f"COALESCE(sum(n), 0), COALESCE(sum(n) FILTER (WHERE {first}), 0)"
    if full:
        sums += "".join(f", COALESCE(sum(n) FILTER (WHERE {first} AND bucket = '{b}'), 0)"
                        for b in ("female", "male", "unknown"))
        sums += (", COALESCE(sum(n) FILTER (WHERE not_investigated), 0),"
                 " COALESCE(sum(n) FILTER (WHERE screened), 0)")
    return sums


def _intake_sql(units) -> str:
    scope, flag = _scope(units)
    branches = []
    for name, key, where, full in INTAKE_SETS:
        key_sql = f"{key}::text" if key else "NULL::text"
        group = f"this, {key}" if key else "this"
        padding = "" if full else ", NULL::numeric" * (len(_FULL_MEASURES) - len(_COUNTS))
        branches.append(f"SELECT '{name}', this, {key_sql}, {_sums(FIRST_BITS[name], full)}{padding}"
                        f" FROM g WHERE {where} GROUP BY {group}")
    concerns = (f"SELECT 'concern', true, concern, count(*), count(*) FILTER (WHERE {flag} & {FIRST_BITS['concern']}"
                f" <> 0){', NULL::numeric' * 5} FROM {FACT} WHERE source = 'concern'"
                f" AND on_date BETWEEN %(start)s AND %(end)s{scope} GROUP BY concern")
    return (f"WITH g AS MATERIALIZED ({_intake_rows(flag, scope)}) "
            + " UNION ALL ".join(f"({b})" for b in [*branches, concerns]))


def _multi_intake_sql() -> str:
    """Several units: the distinct persons seen in two or more units that year, per breakdown (few rows)."""
    rows = (f"SELECT on_date >= %(start)s AS this, kind = %(report)s AS report, kind, target_group, reporter_category,"
            f" channel, extract(month FROM on_date)::int AS month, {BUCKET} AS bucket, person_id FROM {FACT}"
            " WHERE multi_unit AND source = 'intake' AND unit_id = ANY(%(units)s)"
            " AND (on_date BETWEEN %(start)s AND %(end)s OR on_date BETWEEN %(last_start)s AND %(last_end)s"
            " AND kind = %(report)s)")
    branches = []
    for name, key, where, full in INTAKE_SETS:
        key_sql = f"{key}::text" if key else "NULL::text"
        group = f"this, {key}" if key else "this"
        buckets = "".join(f", count(DISTINCT person_id) FILTER (WHERE bucket = '{b}')"
                          for b in ("female", "male", "unknown")) if full else ", 0, 0, 0"
        branches.append(f"SELECT '{name}', this, {key_sql}, 0, count(DISTINCT person_id){buckets}, 0, 0"
                        f" FROM m WHERE {where} GROUP BY {group}")
    concerns = (f"SELECT 'concern', true, concern, 0, count(DISTINCT person_id), 0, 0, 0, 0, 0 FROM {FACT}"
                " WHERE multi_unit AND source = 'concern' AND unit_id = ANY(%(units)s)"
                " AND on_date BETWEEN %(start)s AND %(end)s GROUP BY concern")
    return f"WITH m AS MATERIALIZED ({rows}) " + " UNION ALL ".join(f"({b})" for b in [*branches, concerns])


def intake_groups(units, period, cursor) -> dict:
    """{(set name, this period?): {key: measures}} as intake_statistics.IntakeFigures holds them."""
    last = period.last_year()
    params = _params(units, start=period.first_day, end=period.last_day, last_start=last.first_day,
                     last_end=last.last_day)
    groups: dict = {}
    statements = [_intake_sql(units)]
    if units is not None and len(units) > 1:
        statements.append(_multi_intake_sql())
    for sql in statements:
        cursor.execute(sql, params)
        for name, this, key, *figures in cursor.fetchall():
            if not this and name not in ("target_group", "total", "month"):
                continue
            names = _FULL_MEASURES if name in ("target_group", "total") else _COUNTS
            measures = dict(zip(names, (int(f) for f in figures[:len(names)]), strict=True))
            key = True if name == "total" else int(key) if name == "month" else key
            found = groups.setdefault((name, this), {})
            if key in found:  # the multi-unit persons' distinct counts, added to the others'
                measures = {m: found[key][m] + measures[m] for m in found[key]}
            found[key] = measures
    return groups


def not_investigated_and_screened(period, cursor) -> tuple[int, int]:
    """(anmälningar of the period whose förhandsbedömning ended in 'inte inleda utredning', those with one decided),
    whole municipality: the indicator's share, from one index range."""
    cursor.execute(f"SELECT count(*) FILTER (WHERE not_investigated), count(*) FILTER (WHERE screened) FROM {FACT}"
                   " WHERE source = 'intake' AND on_date BETWEEN %(start)s AND %(end)s AND kind = %(report)s",
                   _params(None, start=period.first_day, end=period.last_day))
    return cursor.fetchone()


# --- investigations and decisions ----------------------------------------------------------------------------

PEOPLE = ("events", "individuals", "female", "male", "unknown", "events_female", "events_male", "events_unknown")


def _people_sql(source: str, sets: dict, bits: dict, units) -> str:
    """Per set ({name: key column}) and in total: events, individuals, individuals and events per gender bucket."""
    scope, flag = _scope(units)
    keys = ", ".join(sets.values())
    grouped = (f"SELECT {keys}, {BUCKET} AS bucket, {flag} AS first, count(*) AS n FROM {FACT}"
               f" WHERE source = '{source}' AND on_date BETWEEN %(start)s AND %(end)s{scope}"
               f" GROUP BY {keys}, bucket, first")
    branches = []
    for name, key in [*sets.items(), ("total", None)]:
        first = f"first & {bits[name]} <> 0"
        sums = ", ".join([
            "COALESCE(sum(n), 0)", f"COALESCE(sum(n) FILTER (WHERE {first}), 0)",
            *(f"COALESCE(sum(n) FILTER (WHERE {first} AND bucket = '{b}'), 0)" for b in ("female", "male", "unknown")),
            *(f"COALESCE(sum(n) FILTER (WHERE bucket = '{b}'), 0)" for b in ("female", "male", "unknown"))])
        branches.append(f"SELECT '{name}', {f'{key}::text' if key else 'NULL::text'}, {sums} FROM g"
                        + (f" GROUP BY {key}" if key else ""))
    if units is not None and len(units) > 1:  # persons seen in two or more units that year, counted distinctly
        for name, key in [*sets.items(), ("total", None)]:
            people = ", ".join(["0", "count(DISTINCT person_id)", *(
                f"count(DISTINCT person_id) FILTER (WHERE {BUCKET} = '{b}')" for b in ("female", "male", "unknown")),
                "0", "0", "0"])
            branches.append(f"SELECT '{name}', {f'{key}::text' if key else 'NULL::text'}, {people} FROM {FACT}"
                            f" WHERE multi_unit AND source = '{source}' AND on_date BETWEEN %(start)s AND %(end)s"
                            f" AND unit_id = ANY(%(units)s)" + (f" GROUP BY {key}" if key else ""))
    return f"WITH g AS MATERIALIZED ({grouped}) " + " UNION ALL ".join(f"({b})" for b in branches)


def people_figures(source: str, sets: dict, bits: dict, units, period, cursor) -> tuple[dict, dict]:
    """({set name: {key: figures}}, total figures) of investigations or decisions in the scope and period."""
    grouped: dict = {name: {} for name in sets}
    total = dict.fromkeys(PEOPLE, 0)
    cursor.execute(_people_sql(source, sets, bits, units),
                   _params(units, start=period.first_day, end=period.last_day))
    for name, key, *figures in cursor.fetchall():
        figures = dict(zip(PEOPLE, (int(f) for f in figures), strict=True))
        if name == "total":
            total = {m: total[m] + figures[m] for m in PEOPLE}
            continue
        before = grouped[name].get(key)
        grouped[name][key] = figures if before is None else {m: before[m] + figures[m] for m in PEOPLE}
    return grouped, total


def investigation_figures(units, period, cursor) -> tuple[dict, dict]:
    grouped, total = people_figures("investigation", {"target_group": "target_group"}, DECISION_BITS, units, period,
                                    cursor)
    return grouped["target_group"], total


def decision_figures(units, period, cursor) -> tuple[dict, dict, dict]:
    grouped, total = people_figures("decision", {"law": "legal_basis", "target_group": "target_group"},
                                    DECISION_BITS, units, period, cursor)
    return grouped["law"], grouped["target_group"], total
