"""The deadline report at national scale (issue 19 point 2): its case-flow items kept by triggers in
socialtjanst_deadline_item (socialtjanst.followup.deadline_kept says what a row is and why), so the report reads a
narrow index range on the due date instead of computing every item and hashing a million cases per request.

REFRESH and FILL are FROZEN copies of deadline_kept.refresh_function_sql() and fill_sql() as they were written
for this migration (the cores of socialtjanst.followup.deadline_sets with the twins of socialtjanst.deadlines_sql):
a migration must not change meaning when the app's code does. tests/socialtjanst/test_deadline_kept.py checks the
database's function equals what the app writes today; a rule changed there fails that test until a new migration
re-creates the function and refills the table.

The triggers only say which cases a statement affected (the transition tables, one refresh per statement, never
per row); the rows themselves always come from deadline_refresh. TRUNCATE fires no row trigger (the test
database's flush): it refills the whole table. The application's role runs the triggers: it may SELECT, INSERT
and DELETE the kept rows, never UPDATE or TRUNCATE them.
"""

from django.db import migrations

from common.migration_ops import drop_statement_triggers_sql, kept_table_privileges, statement_triggers_sql

KEPT = "socialtjanst_deadline_item"
KINDS = ("forhandsbedomningar", "utredningar", "verkstallighet", "days")

# --- frozen copies (see the docstring) ---------------------------------------------------------------------
REFRESH = (
    'CREATE OR REPLACE FUNCTION socialtjanst_deadline_refresh(cases bigint[]) RETURNS void LANGUAGE plpgs'
    'ql AS $fn$ BEGIN PERFORM 1 FROM socialtjanst_case WHERE id = ANY(cases) ORDER BY id FOR NO KEY UPDAT'
    'E; DELETE FROM socialtjanst_deadline_item WHERE case_id = ANY(cases); EXECUTE $ins$INSERT INTO socia'
    'ltjanst_deadline_item (kind, case_id, unit_id, pk, sub, day, done_on, days) SELECT o.kind, o.case_id'
    ", c.unit_id, o.pk, o.sub, o.day, o.done_on, CASE WHEN o.kind = 'days' THEN o.done_on - o.started_on "
    "END AS days FROM (SELECT 'forhandsbedomningar' AS kind, k.case_id, k.pk, k.sub, k.due_on AS day, k.d"
    'one_on, NULL::date AS started_on FROM (SELECT * FROM (SELECT i.case_id, i.id AS pk, 0 AS sub, i.rece'
    'ived_on AS start_on, s.decided_on AS done_on, (CASE WHEN (s.extended_due_on) IS NOT NULL AND (s.exte'
    'nsion_decided_on) IS NOT NULL AND NOT ((s.extension_decided_on) > ((i.received_on + 14))) THEN (s.ex'
    'tended_due_on) ELSE (i.received_on + 14) END) AS due_on, NULL::integer AS responsible_id, s.extended'
    "_due_on, s.extension_decided_on, '' AS legal_basis, '' AS intervention_kind FROM socialtjanst_intake"
    " i LEFT JOIN socialtjanst_screening s ON s.intake_id = i.id WHERE i.target_group = ANY('{barn_unga}'"
    ") AND i.received_on <= '2199-12-31'::date AND (i.received_on IS NULL OR i.received_on BETWEEN '1900-"
    "01-01'::date AND '2100-12-31'::date) AND (s.extended_due_on IS NULL OR s.extended_due_on BETWEEN '19"
    "00-01-01'::date AND '2100-12-31'::date) AND (s.extension_decided_on IS NULL OR s.extension_decided_o"
    "n BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND i.received_on >= '1898-12-18'::date UNION A"
    'LL SELECT i.case_id, i.id AS pk, 0 AS sub, i.received_on AS start_on, s.decided_on AS done_on, (CASE'
    ' WHEN (s.extended_due_on) IS NOT NULL AND (s.extension_decided_on) IS NOT NULL AND NOT ((s.extension'
    '_decided_on) > ((i.received_on + 14))) THEN (s.extended_due_on) ELSE (i.received_on + 14) END) AS du'
    "e_on, NULL::integer AS responsible_id, s.extended_due_on, s.extension_decided_on, '' AS legal_basis,"
    " '' AS intervention_kind FROM socialtjanst_intake i JOIN socialtjanst_screening s ON s.intake_id = i"
    ".id WHERE i.target_group = ANY('{barn_unga}') AND i.received_on <= '2199-12-31'::date AND (i.receive"
    "d_on IS NULL OR i.received_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (s.extended_due"
    "_on IS NULL OR s.extended_due_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (s.extension"
    "_decided_on IS NULL OR s.extension_decided_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND"
    " i.received_on < '1898-12-18'::date AND s.extended_due_on >= '1899-01-01'::date) x) k UNION ALL SELE"
    "CT 'utredningar' AS kind, k.case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS started_"
    'on FROM (SELECT * FROM (SELECT v.case_id, v.id AS pk, 0 AS sub, v.started_on AS start_on, v.complete'
    "d_on AS done_on, COALESCE(ext.valid_due, ((v.started_on + interval '4 months')::date)) AS due_on, v."
    "responsible_id, NULL::date AS extended_due_on, NULL::date AS extension_decided_on, '' AS legal_basis"
    ", '' AS intervention_kind FROM socialtjanst_investigation v LEFT JOIN (SELECT g.investigation_id, g."
    'valid, g.due_in_period, d.valid_due FROM (SELECT e.investigation_id, bool_and((e.decided_on IS NULL '
    "OR e.decided_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (e.new_due_on IS NULL OR e.ne"
    "w_due_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date)) AS valid, bool_or(e.new_due_on >= '1899"
    "-01-01'::date) AS due_in_period FROM socialtjanst_investigationextension e JOIN socialtjanst_investi"
    "gation ev ON ev.id = e.investigation_id WHERE ev.started_on <= '2199-12-31'::date GROUP BY e.investi"
    "gation_id, ev.started_on HAVING ev.started_on >= '1898-08-29'::date OR bool_or(e.new_due_on >= '1899"
    "-01-01'::date)) g JOIN (SELECT ext_w.investigation_id, COALESCE((array_agg(ext_w.new_due_on ORDER BY"
    ' ext_w.decided_on DESC, ext_w.new_due_on DESC) FILTER (WHERE NOT ext_w.broken))[1], ((ext_w.started_'
    "on + interval '4 months')::date)) AS valid_due FROM (SELECT ext_v.*, bool_or(ext_v.late) OVER (PARTI"
    'TION BY ext_v.investigation_id ORDER BY ext_v.decided_on, ext_v.new_due_on ROWS UNBOUNDED PRECEDING)'
    ' AS broken FROM (SELECT ext_e.investigation_id, ext_e.decided_on, ext_e.new_due_on, ext_e.started_on'
    ', ((ext_e.decided_on) > (COALESCE(lag(ext_e.new_due_on) OVER (PARTITION BY ext_e.investigation_id OR'
    "DER BY ext_e.decided_on, ext_e.new_due_on), ((ext_e.started_on + interval '4 months')::date)))) AS l"
    'ate FROM (SELECT e.investigation_id, ev.started_on, e.decided_on, e.new_due_on FROM socialtjanst_inv'
    'estigationextension e JOIN socialtjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.star'
    "ted_on <= '2199-12-31'::date) ext_e) ext_v) ext_w GROUP BY ext_w.investigation_id, ext_w.started_on)"
    ' d ON d.investigation_id = g.investigation_id) ext ON ext.investigation_id = v.id WHERE v.started_on'
    " <= '2199-12-31'::date AND (v.started_on IS NULL OR v.started_on BETWEEN '1900-01-01'::date AND '210"
    "0-12-31'::date) AND ext.valid IS NOT FALSE AND v.started_on >= '1898-08-29'::date UNION ALL SELECT v"
    '.case_id, v.id AS pk, 0 AS sub, v.started_on AS start_on, v.completed_on AS done_on, COALESCE(ext.va'
    "lid_due, ((v.started_on + interval '4 months')::date)) AS due_on, v.responsible_id, NULL::date AS ex"
    "tended_due_on, NULL::date AS extension_decided_on, '' AS legal_basis, '' AS intervention_kind FROM s"
    'ocialtjanst_investigation v LEFT JOIN (SELECT g.investigation_id, g.valid, g.due_in_period, d.valid_'
    "due FROM (SELECT e.investigation_id, bool_and((e.decided_on IS NULL OR e.decided_on BETWEEN '1900-01"
    "-01'::date AND '2100-12-31'::date) AND (e.new_due_on IS NULL OR e.new_due_on BETWEEN '1900-01-01'::d"
    "ate AND '2100-12-31'::date)) AS valid, bool_or(e.new_due_on >= '1899-01-01'::date) AS due_in_period "
    'FROM socialtjanst_investigationextension e JOIN socialtjanst_investigation ev ON ev.id = e.investiga'
    "tion_id WHERE ev.started_on <= '2199-12-31'::date GROUP BY e.investigation_id, ev.started_on HAVING "
    "ev.started_on >= '1898-08-29'::date OR bool_or(e.new_due_on >= '1899-01-01'::date)) g JOIN (SELECT e"
    'xt_w.investigation_id, COALESCE((array_agg(ext_w.new_due_on ORDER BY ext_w.decided_on DESC, ext_w.ne'
    "w_due_on DESC) FILTER (WHERE NOT ext_w.broken))[1], ((ext_w.started_on + interval '4 months')::date)"
    ') AS valid_due FROM (SELECT ext_v.*, bool_or(ext_v.late) OVER (PARTITION BY ext_v.investigation_id O'
    'RDER BY ext_v.decided_on, ext_v.new_due_on ROWS UNBOUNDED PRECEDING) AS broken FROM (SELECT ext_e.in'
    'vestigation_id, ext_e.decided_on, ext_e.new_due_on, ext_e.started_on, ((ext_e.decided_on) > (COALESC'
    'E(lag(ext_e.new_due_on) OVER (PARTITION BY ext_e.investigation_id ORDER BY ext_e.decided_on, ext_e.n'
    "ew_due_on), ((ext_e.started_on + interval '4 months')::date)))) AS late FROM (SELECT e.investigation"
    '_id, ev.started_on, e.decided_on, e.new_due_on FROM socialtjanst_investigationextension e JOIN socia'
    "ltjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.started_on <= '2199-12-31'::date) ex"
    't_e) ext_v) ext_w GROUP BY ext_w.investigation_id, ext_w.started_on) d ON d.investigation_id = g.inv'
    "estigation_id) ext ON ext.investigation_id = v.id WHERE v.started_on <= '2199-12-31'::date AND (v.st"
    "arted_on IS NULL OR v.started_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND ext.valid IS"
    " NOT FALSE AND v.started_on < '1898-08-29'::date AND ext.due_in_period) x) k UNION ALL SELECT 'verks"
    "tallighet' AS kind, k.case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS started_on FRO"
    'M (SELECT * FROM (SELECT d.case_id, d.id AS pk, COALESCE(iv.id, 0) AS sub, d.decided_on AS start_on,'
    " iv.started_on AS done_on, ((d.decided_on + interval '3 months')::date) AS due_on, NULL::integer AS "
    'responsible_id, NULL::date AS extended_due_on, NULL::date AS extension_decided_on, d.legal_basis, CO'
    "ALESCE(iv.kind, '') AS intervention_kind FROM socialtjanst_decision d LEFT JOIN socialtjanst_interve"
    "ntion iv ON iv.decision_id = d.id WHERE d.kind = ANY('{bistand,vard,omedelbart_omhandertagande}') AN"
    "D d.voided_reason = '' AND d.decided_on BETWEEN '1898-09-28'::date AND '2199-12-31'::date AND (d.dec"
    "ided_on IS NULL OR d.decided_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date)) x) k UNION ALL S"
    "ELECT 'days' AS kind, v.case_id, v.id AS pk, 0 AS sub, v.completed_on AS day, v.completed_on AS done"
    '_on, v.started_on FROM socialtjanst_investigation v WHERE v.completed_on IS NOT NULL) o JOIN socialt'
    "janst_case c ON c.id = o.case_id LEFT JOIN socialtjanst_person p ON p.id = CASE WHEN o.kind = 'days'"
    " THEN c.person_id END WHERE (o.case_id = ANY($1)) AND (o.kind <> 'days' OR (p.birth_date IS NOT NULL"
    ' AND (extract(year FROM o.started_on)::int - extract(year FROM p.birth_date)::int - CASE WHEN (extra'
    'ct(month FROM o.started_on), extract(day FROM o.started_on)) < (extract(month FROM p.birth_date), ex'
    'tract(day FROM p.birth_date)) THEN 1 ELSE 0 END) <= 20))$ins$ USING cases; END $fn$'
)
FILL = (
    'INSERT INTO socialtjanst_deadline_item (kind, case_id, unit_id, pk, sub, day, done_on, days) SELECT '
    "o.kind, o.case_id, c.unit_id, o.pk, o.sub, o.day, o.done_on, CASE WHEN o.kind = 'days' THEN o.done_o"
    "n - o.started_on END AS days FROM (SELECT 'forhandsbedomningar' AS kind, k.case_id, k.pk, k.sub, k.d"
    'ue_on AS day, k.done_on, NULL::date AS started_on FROM (SELECT * FROM (SELECT i.case_id, i.id AS pk,'
    ' 0 AS sub, i.received_on AS start_on, s.decided_on AS done_on, (CASE WHEN (s.extended_due_on) IS NOT'
    ' NULL AND (s.extension_decided_on) IS NOT NULL AND NOT ((s.extension_decided_on) > ((i.received_on +'
    ' 14))) THEN (s.extended_due_on) ELSE (i.received_on + 14) END) AS due_on, NULL::integer AS responsib'
    "le_id, s.extended_due_on, s.extension_decided_on, '' AS legal_basis, '' AS intervention_kind FROM so"
    'cialtjanst_intake i LEFT JOIN socialtjanst_screening s ON s.intake_id = i.id WHERE i.target_group = '
    "ANY('{barn_unga}') AND i.received_on <= '2199-12-31'::date AND (i.received_on IS NULL OR i.received_"
    "on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (s.extended_due_on IS NULL OR s.extended_d"
    "ue_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (s.extension_decided_on IS NULL OR s.ex"
    "tension_decided_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND i.received_on >= '1898-12-"
    "18'::date UNION ALL SELECT i.case_id, i.id AS pk, 0 AS sub, i.received_on AS start_on, s.decided_on "
    'AS done_on, (CASE WHEN (s.extended_due_on) IS NOT NULL AND (s.extension_decided_on) IS NOT NULL AND '
    'NOT ((s.extension_decided_on) > ((i.received_on + 14))) THEN (s.extended_due_on) ELSE (i.received_on'
    " + 14) END) AS due_on, NULL::integer AS responsible_id, s.extended_due_on, s.extension_decided_on, '"
    "' AS legal_basis, '' AS intervention_kind FROM socialtjanst_intake i JOIN socialtjanst_screening s O"
    "N s.intake_id = i.id WHERE i.target_group = ANY('{barn_unga}') AND i.received_on <= '2199-12-31'::da"
    "te AND (i.received_on IS NULL OR i.received_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AN"
    "D (s.extended_due_on IS NULL OR s.extended_due_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date)"
    " AND (s.extension_decided_on IS NULL OR s.extension_decided_on BETWEEN '1900-01-01'::date AND '2100-"
    "12-31'::date) AND i.received_on < '1898-12-18'::date AND s.extended_due_on >= '1899-01-01'::date) x)"
    " k UNION ALL SELECT 'utredningar' AS kind, k.case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL:"
    ':date AS started_on FROM (SELECT * FROM (SELECT v.case_id, v.id AS pk, 0 AS sub, v.started_on AS sta'
    "rt_on, v.completed_on AS done_on, COALESCE(ext.valid_due, ((v.started_on + interval '4 months')::dat"
    'e)) AS due_on, v.responsible_id, NULL::date AS extended_due_on, NULL::date AS extension_decided_on, '
    "'' AS legal_basis, '' AS intervention_kind FROM socialtjanst_investigation v LEFT JOIN (SELECT g.inv"
    'estigation_id, g.valid, g.due_in_period, d.valid_due FROM (SELECT e.investigation_id, bool_and((e.de'
    "cided_on IS NULL OR e.decided_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (e.new_due_o"
    "n IS NULL OR e.new_due_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date)) AS valid, bool_or(e.ne"
    "w_due_on >= '1899-01-01'::date) AS due_in_period FROM socialtjanst_investigationextension e JOIN soc"
    "ialtjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.started_on <= '2199-12-31'::date G"
    "ROUP BY e.investigation_id, ev.started_on HAVING ev.started_on >= '1898-08-29'::date OR bool_or(e.ne"
    "w_due_on >= '1899-01-01'::date)) g JOIN (SELECT ext_w.investigation_id, COALESCE((array_agg(ext_w.ne"
    'w_due_on ORDER BY ext_w.decided_on DESC, ext_w.new_due_on DESC) FILTER (WHERE NOT ext_w.broken))[1],'
    " ((ext_w.started_on + interval '4 months')::date)) AS valid_due FROM (SELECT ext_v.*, bool_or(ext_v."
    'late) OVER (PARTITION BY ext_v.investigation_id ORDER BY ext_v.decided_on, ext_v.new_due_on ROWS UNB'
    'OUNDED PRECEDING) AS broken FROM (SELECT ext_e.investigation_id, ext_e.decided_on, ext_e.new_due_on,'
    ' ext_e.started_on, ((ext_e.decided_on) > (COALESCE(lag(ext_e.new_due_on) OVER (PARTITION BY ext_e.in'
    "vestigation_id ORDER BY ext_e.decided_on, ext_e.new_due_on), ((ext_e.started_on + interval '4 months"
    "')::date)))) AS late FROM (SELECT e.investigation_id, ev.started_on, e.decided_on, e.new_due_on FROM"
    ' socialtjanst_investigationextension e JOIN socialtjanst_investigation ev ON ev.id = e.investigation'
    "_id WHERE ev.started_on <= '2199-12-31'::date) ext_e) ext_v) ext_w GROUP BY ext_w.investigation_id, "
    'ext_w.started_on) d ON d.investigation_id = g.investigation_id) ext ON ext.investigation_id = v.id W'
    "HERE v.started_on <= '2199-12-31'::date AND (v.started_on IS NULL OR v.started_on BETWEEN '1900-01-0"
    "1'::date AND '2100-12-31'::date) AND ext.valid IS NOT FALSE AND v.started_on >= '1898-08-29'::date U"
    'NION ALL SELECT v.case_id, v.id AS pk, 0 AS sub, v.started_on AS start_on, v.completed_on AS done_on'
    ", COALESCE(ext.valid_due, ((v.started_on + interval '4 months')::date)) AS due_on, v.responsible_id,"
    " NULL::date AS extended_due_on, NULL::date AS extension_decided_on, '' AS legal_basis, '' AS interve"
    'ntion_kind FROM socialtjanst_investigation v LEFT JOIN (SELECT g.investigation_id, g.valid, g.due_in'
    '_period, d.valid_due FROM (SELECT e.investigation_id, bool_and((e.decided_on IS NULL OR e.decided_on'
    " BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (e.new_due_on IS NULL OR e.new_due_on BETWEE"
    "N '1900-01-01'::date AND '2100-12-31'::date)) AS valid, bool_or(e.new_due_on >= '1899-01-01'::date) "
    'AS due_in_period FROM socialtjanst_investigationextension e JOIN socialtjanst_investigation ev ON ev'
    ".id = e.investigation_id WHERE ev.started_on <= '2199-12-31'::date GROUP BY e.investigation_id, ev.s"
    "tarted_on HAVING ev.started_on >= '1898-08-29'::date OR bool_or(e.new_due_on >= '1899-01-01'::date))"
    ' g JOIN (SELECT ext_w.investigation_id, COALESCE((array_agg(ext_w.new_due_on ORDER BY ext_w.decided_'
    "on DESC, ext_w.new_due_on DESC) FILTER (WHERE NOT ext_w.broken))[1], ((ext_w.started_on + interval '"
    "4 months')::date)) AS valid_due FROM (SELECT ext_v.*, bool_or(ext_v.late) OVER (PARTITION BY ext_v.i"
    'nvestigation_id ORDER BY ext_v.decided_on, ext_v.new_due_on ROWS UNBOUNDED PRECEDING) AS broken FROM'
    ' (SELECT ext_e.investigation_id, ext_e.decided_on, ext_e.new_due_on, ext_e.started_on, ((ext_e.decid'
    'ed_on) > (COALESCE(lag(ext_e.new_due_on) OVER (PARTITION BY ext_e.investigation_id ORDER BY ext_e.de'
    "cided_on, ext_e.new_due_on), ((ext_e.started_on + interval '4 months')::date)))) AS late FROM (SELEC"
    'T e.investigation_id, ev.started_on, e.decided_on, e.new_due_on FROM socialtjanst_investigationexten'
    "sion e JOIN socialtjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.started_on <= '2199"
    "-12-31'::date) ext_e) ext_v) ext_w GROUP BY ext_w.investigation_id, ext_w.started_on) d ON d.investi"
    "gation_id = g.investigation_id) ext ON ext.investigation_id = v.id WHERE v.started_on <= '2199-12-31"
    "'::date AND (v.started_on IS NULL OR v.started_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date)"
    " AND ext.valid IS NOT FALSE AND v.started_on < '1898-08-29'::date AND ext.due_in_period) x) k UNION "
    "ALL SELECT 'verkstallighet' AS kind, k.case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date "
    'AS started_on FROM (SELECT * FROM (SELECT d.case_id, d.id AS pk, COALESCE(iv.id, 0) AS sub, d.decide'
    "d_on AS start_on, iv.started_on AS done_on, ((d.decided_on + interval '3 months')::date) AS due_on, "
    'NULL::integer AS responsible_id, NULL::date AS extended_due_on, NULL::date AS extension_decided_on, '
    "d.legal_basis, COALESCE(iv.kind, '') AS intervention_kind FROM socialtjanst_decision d LEFT JOIN soc"
    "ialtjanst_intervention iv ON iv.decision_id = d.id WHERE d.kind = ANY('{bistand,vard,omedelbart_omha"
    "ndertagande}') AND d.voided_reason = '' AND d.decided_on BETWEEN '1898-09-28'::date AND '2199-12-31'"
    "::date AND (d.decided_on IS NULL OR d.decided_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date))"
    " x) k UNION ALL SELECT 'days' AS kind, v.case_id, v.id AS pk, 0 AS sub, v.completed_on AS day, v.com"
    'pleted_on AS done_on, v.started_on FROM socialtjanst_investigation v WHERE v.completed_on IS NOT NUL'
    'L) o JOIN socialtjanst_case c ON c.id = o.case_id LEFT JOIN socialtjanst_person p ON p.id = CASE WHE'
    "N o.kind = 'days' THEN c.person_id END WHERE (TRUE) AND (o.kind <> 'days' OR (p.birth_date IS NOT NU"
    'LL AND (extract(year FROM o.started_on)::int - extract(year FROM p.birth_date)::int - CASE WHEN (ext'
    'ract(month FROM o.started_on), extract(day FROM o.started_on)) < (extract(month FROM p.birth_date), '
    'extract(day FROM p.birth_date)) THEN 1 ELSE 0 END) <= 20))'
)


# --------------------------------------------------------------------------------------------------------------


def _refresh(case_ids: str) -> str:
    """Refresh the cases `case_ids` (a SELECT of case ids) names."""
    return (f"PERFORM socialtjanst_deadline_refresh(ARRAY(SELECT DISTINCT a.x FROM ({case_ids}) a(x)"
            " WHERE a.x IS NOT NULL));")


def _both(select: str) -> str:
    """`select` over the rows before and after an UPDATE (a move to another case refreshes both)."""
    return _refresh(f"{select.format(t='before')} UNION {select.format(t='changed')}")


OWN_CASE = "SELECT t.case_id FROM {t} t"
VIA_INTAKE = "SELECT i.case_id FROM {t} t JOIN socialtjanst_intake i ON i.id = t.intake_id"
VIA_INVESTIGATION = "SELECT v.case_id FROM {t} t JOIN socialtjanst_investigation v ON v.id = t.investigation_id"
VIA_DECISION = "SELECT d.case_id FROM {t} t JOIN socialtjanst_decision d ON d.id = t.decision_id"
SOURCES = [  # (short name, table, how a row names its case)
    ("intake", "socialtjanst_intake", OWN_CASE),
    ("screening", "socialtjanst_screening", VIA_INTAKE),
    ("investigation", "socialtjanst_investigation", OWN_CASE),
    ("extension", "socialtjanst_investigationextension", VIA_INVESTIGATION),
    ("decision", "socialtjanst_decision", OWN_CASE),
    ("intervention", "socialtjanst_intervention", VIA_DECISION),
]
TRIGGERS = [
    *((f"deadline_kept_{name}_{event.lower()}", table, event, transition, body)
      for name, table, case_of in SOURCES
      for event, transition, body in [
          ("INSERT", "NEW TABLE AS changed", _refresh(case_of.format(t="changed"))),
          ("UPDATE", "OLD TABLE AS before NEW TABLE AS changed", _both(case_of)),
          # A row deleted with its parent (a gallrad case) finds no case any more: the case's own trigger forgets it.
          ("DELETE", "OLD TABLE AS changed", _refresh(case_of.format(t="changed"))),
      ]),
    # A case moved to another unit, or to another person (utredningstid's age): its rows carry the unit.
    ("deadline_kept_case_update", "socialtjanst_case", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     _refresh("SELECT n.id FROM changed n JOIN before b ON b.id = n.id"
              " WHERE n.unit_id IS DISTINCT FROM b.unit_id OR n.person_id IS DISTINCT FROM b.person_id")),
    ("deadline_kept_case_delete", "socialtjanst_case", "DELETE", "OLD TABLE AS changed",
     f"DELETE FROM {KEPT} k USING changed c WHERE k.case_id = c.id;"),
    # A corrected birth date moves an utredning in or out of utredningstid's 0-20 years.
    ("deadline_kept_person_update", "socialtjanst_person", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     _refresh("SELECT c.id FROM changed n JOIN before b ON b.id = n.id JOIN socialtjanst_case c ON c.person_id = n.id"
              " WHERE n.birth_date IS DISTINCT FROM b.birth_date")),
]
REFILL = f"DELETE FROM {KEPT}; {FILL};"
TRUNCATE_TRIGGERS = [(f"deadline_kept_{name}_truncate", table, REFILL)
                     for name, table in [*((n, t) for n, t, _c in SOURCES), ("case", "socialtjanst_case"),
                                         ("person", "socialtjanst_person")]]

_KIND_LIST = ", ".join(f"'{kind}'" for kind in KINDS)
FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {KEPT} (kind text NOT NULL CHECK (kind IN ({_KIND_LIST})),"
    " case_id bigint NOT NULL, unit_id bigint NOT NULL, pk bigint NOT NULL, sub bigint NOT NULL,"
    " day date NOT NULL, done_on date, days integer CHECK ((kind = 'days') = (days IS NOT NULL)),"
    " PRIMARY KEY (kind, pk, sub))",
    f"COMMENT ON TABLE {KEPT} IS 'Fristrapporten: ärendeflödets fristposter per ärende, hållna av triggrar"
    " (socialtjanst 0024_deadline_kept, socialtjanst.followup.deadline_kept); skrivs aldrig av applikationen'",
    REFRESH,
    *statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"DELETE FROM {KEPT}",
    FILL,
    # The report reads a range of due dates, with the unit and the done date, from the index alone.
    f"CREATE INDEX IF NOT EXISTS deadline_item_day ON {KEPT} (day, kind, unit_id) INCLUDE (done_on, days)",
    f"CREATE INDEX IF NOT EXISTS deadline_item_case ON {KEPT} (case_id)",
    f"ANALYZE {KEPT}",
]
BACKWARD = [
    *drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    "DROP FUNCTION IF EXISTS socialtjanst_deadline_refresh(bigint[])",
    f"DROP TABLE IF EXISTS {KEPT}",
]


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0023_list_scale")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD), kept_table_privileges(KEPT)]
