"""Övervägande/omprövning in the deadline report at national scale (issue 19 point 2): its items kept by triggers in
placements_care_review_item (placements.care_review_kept says what a row is and why), so the report and the
drill-down read an index range on the due date instead of walking every placed child and probing its cases.

REFRESH and FILL are FROZEN copies of care_review_kept.refresh_function_sql() and fill_sql() as written for this
migration (care_review_sets.care_review_items_live_sql with the twin of socialtjanst.deadlines_sql): a migration
must not change meaning when the app's code does. tests/placements/test_care_review_kept.py checks the database's
function equals what the app writes today; a rule changed there fails that test until a new migration re-creates
the function and refills the table.

The triggers only say which placements a statement affected (transition tables, one refresh per statement): the
placement itself, its reviews, the child's birth date, the insats' decision and case, and any case of the child
(the item is journalled in the insats' case, else the child's latest case in the unit; its unit and responsible
are the item's). TRUNCATE fires no row trigger (the test database's flush): it refills the whole table. The
application's role runs the triggers: it may SELECT, INSERT and DELETE the kept rows, never UPDATE or TRUNCATE.
"""

from django.db import migrations

from common.migration_ops import drop_statement_triggers_sql, kept_table_privileges, statement_triggers_sql

KEPT = "placements_care_review_item"

# --- frozen copies (see the docstring) ---------------------------------------------------------------------
REFRESH = (
    'CREATE OR REPLACE FUNCTION placements_care_review_refresh(placements bigint[]) RETURNS void LANGUAGE'
    ' plpgsql AS $fn$ BEGIN PERFORM 1 FROM placements_placement WHERE id = ANY(placements) ORDER BY id FO'
    'R NO KEY UPDATE; DELETE FROM placements_care_review_item WHERE pk = ANY(placements); EXECUTE $ins$IN'
    'SERT INTO placements_care_review_item (unit_id, case_id, person_id, pk, sub, start_on, done_on, due_'
    'on, responsible_id, legal_basis) SELECT unit_id, case_id, person_id, pk, sub, start_on, done_on, due'
    '_on, responsible_id, legal_basis FROM (SELECT * FROM (SELECT CASE WHEN d.case_id IS NOT NULL THEN pc'
    '.unit_id ELSE p.unit_id END AS unit_id, pc.id AS case_id, p.person_id, p.id AS pk, (n.node - p.start'
    '_on) AS sub, n.node AS start_on, lead(n.node) OVER (PARTITION BY p.id ORDER BY n.node) AS done_on, ('
    "(COALESCE(NULL::date, n.node) + interval '6 months')::date) AS due_on, pc.responsible_id, NULL::date"
    ' AS extended_due_on, NULL::date AS extension_decided_on, p.legal_basis || CASE WHEN p.lvu_ground <> '
    "'' THEN ' ' || p.lvu_ground || ' §' ELSE '' END AS legal_basis, '' AS intervention_kind, p.end_on AS"
    ' placement_end_on FROM placements_placement p JOIN socialtjanst_person per ON per.id = p.person_id L'
    'EFT JOIN socialtjanst_intervention iv ON iv.id = p.intervention_id LEFT JOIN socialtjanst_decision d'
    ' ON d.id = iv.decision_id LEFT JOIN LATERAL (SELECT lc.id FROM socialtjanst_case lc WHERE d.case_id '
    'IS NULL AND lc.person_id = p.person_id AND lc.unit_id = p.unit_id ORDER BY lc.opened_on DESC, lc.id '
    'DESC LIMIT 1) latest ON true LEFT JOIN LATERAL (SELECT lpc.id, lpc.unit_id, lpc.responsible_id FROM '
    'socialtjanst_case lpc WHERE lpc.id = COALESCE(d.case_id, latest.id) LIMIT 1) pc ON true CROSS JOIN L'
    'ATERAL (SELECT COALESCE(p.review_clock_from, p.start_on) AS node WHERE p.review_clock_from IS NULL O'
    "R ((COALESCE(NULL::date, p.review_clock_from) + interval '6 months')::date) >= p.start_on UNION SELE"
    'CT r.decided_on FROM placements_carereview r WHERE r.placement_id = p.id AND r.decided_on >= p.start'
    "_on) n WHERE p.is_24h AND p.voided_reason = '' AND p.legal_basis = ANY(ARRAY['SoL', 'LVU']) AND per."
    'birth_date IS NOT NULL AND (extract(year FROM p.start_on)::int - extract(year FROM per.birth_date)::'
    'int - CASE WHEN (extract(month FROM p.start_on), extract(day FROM p.start_on)) < (extract(month FROM'
    ' per.birth_date), extract(day FROM per.birth_date)) THEN 1 ELSE 0 END) < 18 AND (p.start_on BETWEEN '
    "'1900-01-01'::date AND '2100-12-31'::date) AND p.start_on <= '2199-12-31'::date AND (p.end_on IS NUL"
    "L OR p.end_on >= ((('1899-01-01'::date::date + interval '-6 months')::date) - 3)) AND (p.id = ANY($1"
    ")) OFFSET 0) x WHERE x.due_on BETWEEN '1899-01-01'::date AND '2199-12-31'::date AND (x.done_on IS NO"
    'T NULL OR x.placement_end_on IS NULL OR x.placement_end_on > x.due_on)) i$ins$ USING placements; END'
    ' $fn$'
)
FILL = (
    'INSERT INTO placements_care_review_item (unit_id, case_id, person_id, pk, sub, start_on, done_on, du'
    'e_on, responsible_id, legal_basis) SELECT unit_id, case_id, person_id, pk, sub, start_on, done_on, d'
    'ue_on, responsible_id, legal_basis FROM (SELECT * FROM (SELECT CASE WHEN d.case_id IS NOT NULL THEN '
    'pc.unit_id ELSE p.unit_id END AS unit_id, pc.id AS case_id, p.person_id, p.id AS pk, (n.node - p.sta'
    'rt_on) AS sub, n.node AS start_on, lead(n.node) OVER (PARTITION BY p.id ORDER BY n.node) AS done_on,'
    " ((COALESCE(NULL::date, n.node) + interval '6 months')::date) AS due_on, pc.responsible_id, NULL::da"
    'te AS extended_due_on, NULL::date AS extension_decided_on, p.legal_basis || CASE WHEN p.lvu_ground <'
    "> '' THEN ' ' || p.lvu_ground || ' §' ELSE '' END AS legal_basis, '' AS intervention_kind, p.end_on "
    'AS placement_end_on FROM placements_placement p JOIN socialtjanst_person per ON per.id = p.person_id'
    ' LEFT JOIN socialtjanst_intervention iv ON iv.id = p.intervention_id LEFT JOIN socialtjanst_decision'
    ' d ON d.id = iv.decision_id LEFT JOIN LATERAL (SELECT lc.id FROM socialtjanst_case lc WHERE d.case_i'
    'd IS NULL AND lc.person_id = p.person_id AND lc.unit_id = p.unit_id ORDER BY lc.opened_on DESC, lc.i'
    'd DESC LIMIT 1) latest ON true LEFT JOIN LATERAL (SELECT lpc.id, lpc.unit_id, lpc.responsible_id FRO'
    'M socialtjanst_case lpc WHERE lpc.id = COALESCE(d.case_id, latest.id) LIMIT 1) pc ON true CROSS JOIN'
    ' LATERAL (SELECT COALESCE(p.review_clock_from, p.start_on) AS node WHERE p.review_clock_from IS NULL'
    " OR ((COALESCE(NULL::date, p.review_clock_from) + interval '6 months')::date) >= p.start_on UNION SE"
    'LECT r.decided_on FROM placements_carereview r WHERE r.placement_id = p.id AND r.decided_on >= p.sta'
    "rt_on) n WHERE p.is_24h AND p.voided_reason = '' AND p.legal_basis = ANY(ARRAY['SoL', 'LVU']) AND pe"
    'r.birth_date IS NOT NULL AND (extract(year FROM p.start_on)::int - extract(year FROM per.birth_date)'
    '::int - CASE WHEN (extract(month FROM p.start_on), extract(day FROM p.start_on)) < (extract(month FR'
    'OM per.birth_date), extract(day FROM per.birth_date)) THEN 1 ELSE 0 END) < 18 AND (p.start_on BETWEE'
    "N '1900-01-01'::date AND '2100-12-31'::date) AND p.start_on <= '2199-12-31'::date AND (p.end_on IS N"
    "ULL OR p.end_on >= ((('1899-01-01'::date::date + interval '-6 months')::date) - 3)) OFFSET 0) x WHER"
    "E x.due_on BETWEEN '1899-01-01'::date AND '2199-12-31'::date AND (x.done_on IS NOT NULL OR x.placeme"
    'nt_end_on IS NULL OR x.placement_end_on > x.due_on)) i'
)


# --------------------------------------------------------------------------------------------------------------


def _refresh(placement_ids: str) -> str:
    """Refresh the placements `placement_ids` (a SELECT of placement ids) names."""
    return (f"PERFORM placements_care_review_refresh(ARRAY(SELECT DISTINCT a.x FROM ({placement_ids}) a(x)"
            " WHERE a.x IS NOT NULL));")


def _each(select: str) -> list[tuple[str, str, str]]:
    """(event, transition tables, body) for INSERT, UPDATE (before and after) and DELETE of a table whose rows
    name placements through `select` (over {t}, the transition table)."""
    return [
        ("INSERT", "NEW TABLE AS changed", _refresh(select.format(t="changed"))),
        ("UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
         _refresh(f"{select.format(t='before')} UNION {select.format(t='changed')}")),
        ("DELETE", "OLD TABLE AS changed", _refresh(select.format(t="changed"))),
    ]


# The placements a case names: the child's (the latest case in the unit may change) and those of its insatser.
OF_CASES = ("SELECT p.id FROM {t} t JOIN placements_placement p ON p.person_id = t.person_id"
            " UNION SELECT p.id FROM {t} t JOIN socialtjanst_decision d ON d.case_id = t.id"
            " JOIN socialtjanst_intervention iv ON iv.decision_id = d.id"
            " JOIN placements_placement p ON p.intervention_id = iv.id")
SOURCES = [  # (short name, table, how a row names its placements)
    ("placement", "placements_placement", "SELECT t.id FROM {t} t"),
    ("review", "placements_carereview", "SELECT t.placement_id FROM {t} t"),
    ("case", "socialtjanst_case", OF_CASES),
]
# The columns the rule reads of a placement and of a case: an UPDATE that changes none of them (the import's
# price_version, a case's status) refreshes nothing. tests/placements/test_care_review_kept.py updates each.
READ_COLUMNS = {
    "placement": ("start_on", "end_on", "is_24h", "voided_reason", "legal_basis", "lvu_ground", "review_clock_from",
                  "unit_id", "person_id", "intervention_id"),
    "case": ("unit_id", "person_id", "responsible_id", "opened_on"),
}


def _changed_rows(name: str, select: str) -> str:
    """`select` over the rows an UPDATE changed in a column the rule reads, before and after."""
    columns = READ_COLUMNS[name]
    changed = (f"(SELECT n.* FROM changed n JOIN before b ON b.id = n.id WHERE ({', '.join('n.' + c for c in columns)})"
               f" IS DISTINCT FROM ({', '.join('b.' + c for c in columns)}))")
    was = (f"(SELECT b.* FROM changed n JOIN before b ON b.id = n.id WHERE ({', '.join('n.' + c for c in columns)})"
           f" IS DISTINCT FROM ({', '.join('b.' + c for c in columns)}))")
    return _refresh(f"{select.format(t=was)} UNION {select.format(t=changed)}")


def _triggers(name: str, table: str, select: str):
    for event, transition, body in _each(select):
        if event == "UPDATE" and name in READ_COLUMNS:
            body = _changed_rows(name, select)
        yield (f"care_review_kept_{name}_{event.lower()}", table, event, transition, body)


TRIGGERS = [
    *(trigger for name, table, select in SOURCES for trigger in _triggers(name, table, select)),
    # Rows that are only read: a corrected birth date, an insats moved to another decision, a decision to
    # another case (their inserts name no placement yet; their deletes are refused while a placement points there).
    ("care_review_kept_person_update", "socialtjanst_person", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     _refresh("SELECT p.id FROM changed n JOIN before b ON b.id = n.id JOIN placements_placement p"
              " ON p.person_id = n.id WHERE n.birth_date IS DISTINCT FROM b.birth_date")),
    ("care_review_kept_intervention_update", "socialtjanst_intervention", "UPDATE",
     "OLD TABLE AS before NEW TABLE AS changed",
     _refresh("SELECT p.id FROM changed n JOIN before b ON b.id = n.id JOIN placements_placement p"
              " ON p.intervention_id = n.id WHERE n.decision_id IS DISTINCT FROM b.decision_id")),
    ("care_review_kept_decision_update", "socialtjanst_decision", "UPDATE",
     "OLD TABLE AS before NEW TABLE AS changed",
     _refresh("SELECT p.id FROM changed n JOIN before b ON b.id = n.id JOIN socialtjanst_intervention iv"
              " ON iv.decision_id = n.id JOIN placements_placement p ON p.intervention_id = iv.id"
              " WHERE n.case_id IS DISTINCT FROM b.case_id")),
]
REFILL = f"DELETE FROM {KEPT}; {FILL};"
TRUNCATE_TRIGGERS = [
    (f"care_review_kept_{name}_truncate", table, REFILL)
    for name, table in [("placement", "placements_placement"), ("review", "placements_carereview"),
                        ("case", "socialtjanst_case"), ("person", "socialtjanst_person"),
                        ("intervention", "socialtjanst_intervention"), ("decision", "socialtjanst_decision")]
]

FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {KEPT} (unit_id bigint NOT NULL, case_id bigint, person_id bigint NOT NULL,"
    " pk bigint NOT NULL, sub integer NOT NULL, start_on date NOT NULL, done_on date, due_on date NOT NULL,"
    " responsible_id integer, legal_basis text NOT NULL, PRIMARY KEY (pk, sub))",
    f"COMMENT ON TABLE {KEPT} IS 'Fristrapporten: överväganden/omprövningar per placering, hållna av triggrar"
    " (placements 0023_deadline_kept, placements.care_review_kept); skrivs aldrig av applikationen'",
    REFRESH,
    *statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"DELETE FROM {KEPT}",
    FILL,
    # The report reads a range of due dates with the unit and the done date from the index alone.
    f"CREATE INDEX IF NOT EXISTS care_review_item_due ON {KEPT} (due_on, unit_id) INCLUDE (done_on)",
    f"ANALYZE {KEPT}",
]
BACKWARD = [
    *drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    "DROP FUNCTION IF EXISTS placements_care_review_refresh(bigint[])",
    f"DROP TABLE IF EXISTS {KEPT}",
]


class Migration(migrations.Migration):
    dependencies = [("placements", "0022_deadline_scale"), ("socialtjanst", "0024_deadline_kept")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD), kept_table_privileges(KEPT)]
