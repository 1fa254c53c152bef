"""Intake statistics at national scale (issue 19 point 2): the figures are counted from a trigger-kept narrow table,
socialtjanst_statistics_fact, instead of the join of a million cases, intakes, persons and screenings per request.

One row per aktualisering ('intake'), per distinct concern of an orosanmälan ('concern'), per utredning
('investigation') and per beslut not voided ('decision'), with the person, the case's unit, the date that puts it in a
period, the person's gender and every attribute a breakdown groups by. Unique individuals become a count of rows:
`first_all` has a bit set for each breakdown in which the row is the person's first of the calendar year (ordered by
date, then id) in the whole municipality, `first_unit` the same within the case's unit. A period runs from January,
so "the person appears in the period" is "the person's first row of the year is in the period". A person with rows
in two units in a year (`multi_unit`) is counted distinctly by the page when its scope is several units.

The rule lives once, in the view socialtjanst_statistics_fact_live (the table's twin). The statement triggers below
refresh the rows of the persons a change touches by reading the view for them (DELETE, then INSERT ... SELECT), in the
change's own transaction: the table is never stale. The live statement in socialtjanst.followup.intake_statistics is
the oracle the tests compare the kept figures with.

Constants are frozen here (a migration never imports app code): 'orosanmalan' (IntakeKind.REPORT), 'inte_inleda'
(ScreeningOutcome.NOT_OPEN). Bits: see FIRST_BITS in socialtjanst.followup.statistics_facts.
"""

from django.db import migrations

from common.migration_ops import drop_statement_triggers_sql, statement_triggers_sql

FACT = "socialtjanst_statistics_fact"
LIVE = "socialtjanst_statistics_fact_live"
REFRESH = "socialtjanst_statistics_refresh"

_ORDER = "ORDER BY b.on_date, b.id"
EMPTY = "''"


def _first(windows) -> tuple[str, str]:
    """(first_all, first_unit): per (bit, partition columns after person and year, condition) the bit when the row is
    the first of its partition, in the whole municipality and within its unit."""
    def flags(extra: str) -> str:
        return " | ".join(
            f"CASE WHEN {condition} AND row_number() OVER (PARTITION BY b.person_id, b.year{extra}"
            f"{''.join(', b.' + c for c in columns)} {_ORDER}) = 1 THEN {bit} ELSE 0 END"
            for bit, columns, condition in windows)
    return flags(""), flags(", b.unit_id")


def _branch(source: str, base: str, windows, columns: dict) -> str:
    """One source's rows: `base` is a SELECT with id, person_id, unit_id, on_date, year, gender and `columns`."""
    first_all, first_unit = _first(windows)
    names = ("kind", "target_group", "reporter_category", "channel", "legal_basis", "concern")
    values = ", ".join(f"{columns.get(n, EMPTY)}::text AS {n}" for n in names)
    return (f"SELECT '{source}'::text AS source, b.id AS row_id, b.person_id, b.unit_id, b.on_date, b.gender::text, "
            f"{values}, {columns.get('screened', 'false')} AS screened, "
            f"{columns.get('not_investigated', 'false')} AS not_investigated, "
            f"({first_all}) AS first_all, ({first_unit}) AS first_unit, "
            "min(b.unit_id) OVER (PARTITION BY b.person_id, b.year) <> max(b.unit_id) OVER "
            "(PARTITION BY b.person_id, b.year) AS multi_unit "
            f"FROM ({base}) b")


_PERSON = ("c.person_id, c.unit_id, p.gender, date_part('year', {d})::int AS year, {d} AS on_date")
_CASE = ("JOIN socialtjanst_case c ON c.id = x.case_id JOIN socialtjanst_person p ON p.id = c.person_id")
_REPORT = "b.kind = 'orosanmalan'"

INTAKES = _branch(
    "intake",
    f"SELECT x.id, {_PERSON.format(d='x.received_on')}, x.kind, x.target_group, x.reporter_category, x.channel,"
    " date_part('month', x.received_on)::int AS month, s.id IS NOT NULL AS screened,"
    " COALESCE(s.outcome = 'inte_inleda', false) AS not_investigated"
    f" FROM socialtjanst_intake x {_CASE} LEFT JOIN socialtjanst_screening s ON s.intake_id = x.id",
    [(1, ("kind",), _REPORT), (2, ("kind", "target_group"), _REPORT), (4, ("kind", "reporter_category"), _REPORT),
     (8, ("kind", "channel"), _REPORT), (16, ("kind", "month"), _REPORT), (32, ("kind",), "true")],
    {"kind": "b.kind", "target_group": "b.target_group", "reporter_category": "b.reporter_category",
     "channel": "b.channel", "screened": "b.screened", "not_investigated": "b.not_investigated"})
CONCERNS = _branch(  # one row per distinct concern of an orosanmälan, '' for none
    "concern",
    f"SELECT x.id, {_PERSON.format(d='x.received_on')}, x.kind, k.concern FROM socialtjanst_intake x {_CASE}"
    " CROSS JOIN LATERAL (SELECT DISTINCT unnest(CASE WHEN cardinality(x.concern_categories) = 0"
    " THEN ARRAY['']::text[] ELSE x.concern_categories::text[] END) AS concern) k WHERE x.kind = 'orosanmalan'",
    [(64, ("concern",), "true")], {"kind": "b.kind", "concern": "b.concern"})
INVESTIGATIONS = _branch(
    "investigation",
    f"SELECT x.id, {_PERSON.format(d='x.started_on')}, u.target_group FROM socialtjanst_investigation x {_CASE}"
    " JOIN socialtjanst_unit u ON u.id = c.unit_id",
    [(1, (), "true"), (2, ("target_group",), "true")], {"target_group": "b.target_group"})
DECISIONS = _branch(
    "decision",
    f"SELECT x.id, {_PERSON.format(d='x.decided_on')}, u.target_group, x.legal_basis FROM socialtjanst_decision x"
    f" {_CASE} JOIN socialtjanst_unit u ON u.id = c.unit_id WHERE x.voided_reason = ''",
    [(1, (), "true"), (2, ("target_group",), "true"), (4, ("legal_basis",), "true")],
    {"target_group": "b.target_group", "legal_basis": "b.legal_basis"})

COLUMNS = ("source, row_id, person_id, unit_id, on_date, gender, kind, target_group, reporter_category, channel,"
           " legal_basis, concern, screened, not_investigated, first_all, first_unit, multi_unit")
TABLE = f"""CREATE TABLE IF NOT EXISTS {FACT} (
    source text NOT NULL CHECK (source IN ('intake', 'concern', 'investigation', 'decision')),
    row_id bigint NOT NULL, person_id bigint NOT NULL, unit_id bigint NOT NULL, on_date date NOT NULL,
    gender text NOT NULL, kind text NOT NULL, target_group text NOT NULL, reporter_category text NOT NULL,
    channel text NOT NULL, legal_basis text NOT NULL, concern text NOT NULL, screened boolean NOT NULL,
    not_investigated boolean NOT NULL, first_all integer NOT NULL CHECK (first_all >= 0),
    first_unit integer NOT NULL CHECK (first_unit >= 0), multi_unit boolean NOT NULL,
    PRIMARY KEY (source, row_id, concern))"""

# The persons' rows read from the twin. Static SQL: PL/pgSQL keeps the plan for the connection (planning the view took
# three times its execution for one person). Two transactions changing the same person refresh her one after the other:
# the person rows are locked first (in id order; a tuple lock, so a whole import's persons fit), and the statements
# after the wait see what the other committed, so neither leaves a row the other removed. ON CONFLICT is a last guard.
_UPDATE = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS.split(", ")[3:])
REFRESH_FUNCTION = f"""CREATE OR REPLACE FUNCTION {REFRESH}(persons bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF COALESCE(cardinality(persons), 0) = 0 THEN RETURN; END IF;
  PERFORM 1 FROM socialtjanst_person WHERE id = ANY(persons) ORDER BY id FOR NO KEY UPDATE;
  DELETE FROM {FACT} WHERE person_id = ANY(persons);
  INSERT INTO {FACT} ({COLUMNS}) SELECT {COLUMNS} FROM {LIVE} WHERE person_id = ANY(persons)
    ON CONFLICT (source, row_id, concern) DO UPDATE SET {_UPDATE};
END $$"""


def _refresh(persons: str) -> str:
    return f"PERFORM {REFRESH}(ARRAY(SELECT DISTINCT q.person_id FROM ({persons}) q WHERE q.person_id IS NOT NULL));"


def _kept(source: str, ids: str) -> str:
    """The persons of the kept rows of `source` whose row ids are in `ids` (what a row was, before a change)."""
    return f"SELECT f.person_id FROM {FACT} f WHERE f.source = '{source}' AND f.row_id IN ({ids})"


def _of_cases(rows: str) -> str:
    return f"SELECT c.person_id FROM {rows} r JOIN socialtjanst_case c ON c.id = r.case_id"


def _changed(columns, *, side: str = "r") -> str:
    """The rows of an UPDATE (`side` r: as they are now, b: as they were) in which a column the twin reads changed:
    completing an utredning or editing a report's free text refreshes nothing."""
    now, was = (", ".join(f"{t}.{c}" for c in columns) for t in ("r", "b"))
    return f"(SELECT {side}.* FROM changed r JOIN before b ON b.id = r.id WHERE ({now}) IS DISTINCT FROM ({was}))"


def _row_triggers(name: str, table: str, source: str, read) -> list[tuple]:
    """`read`: the columns of `table` the twin reads."""
    was = _kept(source, f"SELECT w.id FROM {_changed(read, side='b')} w")
    return [
        (f"statistics_{name}_insert", table, "INSERT", "NEW TABLE AS changed", _refresh(_of_cases("changed"))),
        (f"statistics_{name}_update", table, "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
         _refresh(f"{_of_cases(_changed(read))} UNION {was}")),
        (f"statistics_{name}_delete", table, "DELETE", "OLD TABLE AS changed",
         _refresh(_kept(source, "SELECT b.id FROM changed b"))),
    ]


_SCREENED = _kept("intake", "SELECT r.intake_id FROM {} r")
_SCREENING_READ = ("intake_id", "outcome")
# (trigger name, table, event, transition tables, the function's body)
TRIGGERS = [
    *_row_triggers("intake", "socialtjanst_intake", "intake", ("case_id", "received_on", "kind", "target_group",
                                                              "reporter_category", "channel", "concern_categories")),
    *_row_triggers("investigation", "socialtjanst_investigation", "investigation", ("case_id", "started_on")),
    *_row_triggers("decision", "socialtjanst_decision", "decision",
                   ("case_id", "decided_on", "legal_basis", "voided_reason")),
    ("statistics_screening_insert", "socialtjanst_screening", "INSERT", "NEW TABLE AS changed",
     _refresh(_SCREENED.format("changed"))),
    ("statistics_screening_update", "socialtjanst_screening", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     _refresh(f"{_SCREENED.format(_changed(_SCREENING_READ))} UNION "
              f"{_SCREENED.format(_changed(_SCREENING_READ, side='b'))}")),
    ("statistics_screening_delete", "socialtjanst_screening", "DELETE", "OLD TABLE AS changed",
     _refresh(_SCREENED.format("changed"))),
    # A case read by the rows: its unit and its person. Inserting one adds no row (its intakes do).
    ("statistics_case_update", "socialtjanst_case", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     _refresh("SELECT unnest(ARRAY[b.person_id, c.person_id]) AS person_id FROM before b JOIN changed c"
              " ON c.id = b.id WHERE (b.unit_id, b.person_id) IS DISTINCT FROM (c.unit_id, c.person_id)")),
    ("statistics_case_delete", "socialtjanst_case", "DELETE", "OLD TABLE AS changed",
     _refresh("SELECT b.person_id FROM changed b")),
    ("statistics_person_update", "socialtjanst_person", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     _refresh("SELECT c.id AS person_id FROM before b JOIN changed c ON c.id = b.id"
              " WHERE b.gender IS DISTINCT FROM c.gender")),
    ("statistics_person_delete", "socialtjanst_person", "DELETE", "OLD TABLE AS changed",
     _refresh("SELECT b.id AS person_id FROM changed b")),
    ("statistics_unit_update", "socialtjanst_unit", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     _refresh(f"SELECT f.person_id FROM {FACT} f JOIN changed c ON c.id = f.unit_id JOIN before b ON b.id = c.id"
              " WHERE b.target_group IS DISTINCT FROM c.target_group")),
]
# Every row again from the twin, in the order the pages read: the migration's fill, a TRUNCATE (which fires no row
# trigger: the test database's flush), and a bulk load that turned the triggers off (bench.national) call it.
REFILL = "socialtjanst_statistics_refill"
REFILL_FUNCTION = f"""CREATE OR REPLACE FUNCTION {REFILL}() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {FACT};
  INSERT INTO {FACT} ({COLUMNS}) SELECT {COLUMNS} FROM {LIVE} ORDER BY source, on_date;
END $$"""
_REFILL = f"PERFORM {REFILL}();"
TRUNCATE_TRIGGERS = [(f"statistics_{t}_truncate", f"socialtjanst_{t}", _REFILL)
                     for t in ("intake", "screening", "investigation", "decision", "case", "person", "unit")]

FORWARD = [
    TABLE,
    f"COMMENT ON TABLE {FACT} IS 'Anmälningsstatistik: en rad per aktualisering, oro, utredning och beslut, hållen av "
    "triggrar (socialtjanst 0025_intake_kept) från vyn socialtjanst_statistics_fact_live; skrivs aldrig av "
    "applikationen'",
    f"CREATE OR REPLACE VIEW {LIVE} AS {INTAKES} UNION ALL {CONCERNS} UNION ALL {INVESTIGATIONS} UNION ALL {DECISIONS}",
    REFRESH_FUNCTION,
    REFILL_FUNCTION,
    *statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"SELECT {REFILL}()",  # the indexes after, built once
    f"CREATE INDEX IF NOT EXISTS statistics_fact_period ON {FACT} (source, on_date)",
    f"CREATE INDEX IF NOT EXISTS statistics_fact_person ON {FACT} (person_id)",
    f"CREATE INDEX IF NOT EXISTS statistics_fact_multi ON {FACT} (source, on_date) WHERE multi_unit",
    f"ANALYZE {FACT}",
]
BACKWARD = [
    *drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"DROP FUNCTION IF EXISTS {REFRESH}(bigint[])",
    f"DROP FUNCTION IF EXISTS {REFILL}()",
    f"DROP VIEW IF EXISTS {LIVE}",
    f"DROP TABLE IF EXISTS {FACT}",
]


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0024_deadline_kept")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
