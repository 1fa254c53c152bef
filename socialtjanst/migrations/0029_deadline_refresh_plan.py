"""The deadline report's kept rows are refreshed through a generic plan made once per connection (issue 19): the
refresh planned its statement anew on every save (EXECUTE), 4 ms of the 7 it took; more than 2 000 cases (an
import) still get a plan of their own."""

import importlib

from django.db import migrations

# A FROZEN copy of socialtjanst.followup.deadline_kept.refresh_function_sql()
# as written for this migration (a migration never imports app code that may change under it): the test
# comparing the database's function with the app's fails until a new migration re-creates it.
REFRESH = (
    'CREATE OR REPLACE FUNCTION socialtjanst_deadline_refresh(cases bigint[]) RETURNS void LANGUAGE plpgs'
    'ql SET plan_cache_mode = force_generic_plan AS $fn$ BEGIN PERFORM 1 FROM socialtjanst_case WHERE id '
    '= ANY(cases) ORDER BY id FOR NO KEY UPDATE; DELETE FROM socialtjanst_deadline_item WHERE case_id = A'
    'NY(cases); IF cardinality(cases) > 2000 THEN EXECUTE $ins$INSERT INTO socialtjanst_deadline_item (ki'
    'nd, case_id, unit_id, pk, sub, day, done_on, days) SELECT o.kind, o.case_id, c.unit_id, o.pk, o.sub,'
    " o.day, o.done_on, CASE WHEN o.kind = 'days' THEN o.done_on - o.started_on END AS days FROM (SELECT "
    "'forhandsbedomningar' AS kind, k.case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS sta"
    'rted_on FROM (SELECT * FROM (SELECT i.case_id, i.id AS pk, 0 AS sub, i.received_on AS start_on, s.de'
    'cided_on AS done_on, (CASE WHEN (s.extended_due_on) IS NOT NULL AND (s.extension_decided_on) IS NOT '
    'NULL AND NOT ((s.extension_decided_on) > ((i.received_on + 14))) THEN (s.extended_due_on) ELSE (i.re'
    'ceived_on + 14) END) AS due_on, NULL::integer AS responsible_id, s.extended_due_on, s.extension_deci'
    "ded_on, '' AS legal_basis, '' AS intervention_kind FROM socialtjanst_intake i LEFT JOIN socialtjanst"
    "_screening s ON s.intake_id = i.id WHERE i.target_group = ANY('{barn_unga}') AND i.received_on <= '2"
    "199-12-31'::date AND (i.received_on IS NULL OR i.received_on BETWEEN '1900-01-01'::date AND '2100-12"
    "-31'::date) AND (s.extended_due_on IS NULL OR s.extended_due_on BETWEEN '1900-01-01'::date AND '2100"
    "-12-31'::date) AND (s.extension_decided_on IS NULL OR s.extension_decided_on BETWEEN '1900-01-01'::d"
    "ate AND '2100-12-31'::date) AND i.received_on >= '1898-12-18'::date UNION ALL SELECT i.case_id, i.id"
    ' AS pk, 0 AS sub, i.received_on AS start_on, s.decided_on AS done_on, (CASE WHEN (s.extended_due_on)'
    ' IS NOT NULL AND (s.extension_decided_on) IS NOT NULL AND NOT ((s.extension_decided_on) > ((i.receiv'
    'ed_on + 14))) THEN (s.extended_due_on) ELSE (i.received_on + 14) END) AS due_on, NULL::integer AS re'
    "sponsible_id, s.extended_due_on, s.extension_decided_on, '' AS legal_basis, '' AS intervention_kind "
    'FROM socialtjanst_intake i JOIN socialtjanst_screening s ON s.intake_id = i.id WHERE i.target_group '
    "= ANY('{barn_unga}') AND i.received_on <= '2199-12-31'::date AND (i.received_on IS NULL OR i.receive"
    "d_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (s.extended_due_on IS NULL OR s.extended"
    "_due_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (s.extension_decided_on IS NULL OR s."
    "extension_decided_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND i.received_on < '1898-12"
    "-18'::date AND s.extended_due_on >= '1899-01-01'::date) x) k UNION ALL SELECT 'utredningar' AS kind,"
    ' k.case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS started_on FROM (SELECT * FROM (S'
    'ELECT v.case_id, v.id AS pk, 0 AS sub, v.started_on AS start_on, v.completed_on AS done_on, COALESCE'
    "(ext.valid_due, ((v.started_on + interval '4 months')::date)) AS due_on, v.responsible_id, NULL::dat"
    "e AS extended_due_on, NULL::date AS extension_decided_on, '' AS legal_basis, '' AS intervention_kind"
    ' FROM socialtjanst_investigation v LEFT JOIN (SELECT g.investigation_id, g.valid, g.due_in_period, d'
    ".valid_due FROM (SELECT e.investigation_id, bool_and((e.decided_on IS NULL OR e.decided_on BETWEEN '"
    "1900-01-01'::date AND '2100-12-31'::date) AND (e.new_due_on IS NULL OR e.new_due_on BETWEEN '1900-01"
    "-01'::date AND '2100-12-31'::date)) AS valid, bool_or(e.new_due_on >= '1899-01-01'::date) AS due_in_"
    'period FROM socialtjanst_investigationextension e JOIN socialtjanst_investigation ev ON ev.id = e.in'
    "vestigation_id WHERE ev.started_on <= '2199-12-31'::date GROUP BY e.investigation_id, ev.started_on "
    "HAVING ev.started_on >= '1898-08-29'::date OR bool_or(e.new_due_on >= '1899-01-01'::date)) g JOIN (S"
    'ELECT ext_w.investigation_id, COALESCE((array_agg(ext_w.new_due_on ORDER BY ext_w.decided_on DESC, e'
    "xt_w.new_due_on DESC) FILTER (WHERE NOT ext_w.broken))[1], ((ext_w.started_on + interval '4 months')"
    '::date)) AS valid_due FROM (SELECT ext_v.*, bool_or(ext_v.late) OVER (PARTITION BY ext_v.investigati'
    'on_id ORDER BY ext_v.decided_on, ext_v.new_due_on ROWS UNBOUNDED PRECEDING) AS broken FROM (SELECT e'
    'xt_e.investigation_id, ext_e.decided_on, ext_e.new_due_on, ext_e.started_on, ((ext_e.decided_on) > ('
    'COALESCE(lag(ext_e.new_due_on) OVER (PARTITION BY ext_e.investigation_id ORDER BY ext_e.decided_on, '
    "ext_e.new_due_on), ((ext_e.started_on + interval '4 months')::date)))) AS late FROM (SELECT e.invest"
    'igation_id, ev.started_on, e.decided_on, e.new_due_on FROM socialtjanst_investigationextension e JOI'
    "N socialtjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.started_on <= '2199-12-31'::d"
    'ate) ext_e) ext_v) ext_w GROUP BY ext_w.investigation_id, ext_w.started_on) d ON d.investigation_id '
    "= g.investigation_id) ext ON ext.investigation_id = v.id WHERE v.started_on <= '2199-12-31'::date AN"
    "D (v.started_on IS NULL OR v.started_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND ext.v"
    "alid IS NOT FALSE AND v.started_on >= '1898-08-29'::date UNION ALL SELECT v.case_id, v.id AS pk, 0 A"
    'S sub, v.started_on AS start_on, v.completed_on AS done_on, COALESCE(ext.valid_due, ((v.started_on +'
    " interval '4 months')::date)) AS due_on, v.responsible_id, NULL::date AS extended_due_on, NULL::date"
    " AS extension_decided_on, '' AS legal_basis, '' AS intervention_kind FROM socialtjanst_investigation"
    ' v LEFT JOIN (SELECT g.investigation_id, g.valid, g.due_in_period, d.valid_due FROM (SELECT e.invest'
    "igation_id, bool_and((e.decided_on IS NULL OR e.decided_on BETWEEN '1900-01-01'::date AND '2100-12-3"
    "1'::date) AND (e.new_due_on IS NULL OR e.new_due_on BETWEEN '1900-01-01'::date AND '2100-12-31'::dat"
    "e)) AS valid, bool_or(e.new_due_on >= '1899-01-01'::date) AS due_in_period FROM socialtjanst_investi"
    'gationextension e JOIN socialtjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.started_'
    "on <= '2199-12-31'::date GROUP BY e.investigation_id, ev.started_on HAVING ev.started_on >= '1898-08"
    "-29'::date OR bool_or(e.new_due_on >= '1899-01-01'::date)) g JOIN (SELECT ext_w.investigation_id, CO"
    'ALESCE((array_agg(ext_w.new_due_on ORDER BY ext_w.decided_on DESC, ext_w.new_due_on DESC) FILTER (WH'
    "ERE NOT ext_w.broken))[1], ((ext_w.started_on + interval '4 months')::date)) AS valid_due FROM (SELE"
    'CT ext_v.*, bool_or(ext_v.late) OVER (PARTITION BY ext_v.investigation_id ORDER BY ext_v.decided_on,'
    ' ext_v.new_due_on ROWS UNBOUNDED PRECEDING) AS broken FROM (SELECT ext_e.investigation_id, ext_e.dec'
    'ided_on, ext_e.new_due_on, ext_e.started_on, ((ext_e.decided_on) > (COALESCE(lag(ext_e.new_due_on) O'
    'VER (PARTITION BY ext_e.investigation_id ORDER BY ext_e.decided_on, ext_e.new_due_on), ((ext_e.start'
    "ed_on + interval '4 months')::date)))) AS late FROM (SELECT e.investigation_id, ev.started_on, e.dec"
    'ided_on, e.new_due_on FROM socialtjanst_investigationextension e JOIN socialtjanst_investigation ev '
    "ON ev.id = e.investigation_id WHERE ev.started_on <= '2199-12-31'::date) ext_e) ext_v) ext_w GROUP B"
    'Y ext_w.investigation_id, ext_w.started_on) d ON d.investigation_id = g.investigation_id) ext ON ext'
    ".investigation_id = v.id WHERE v.started_on <= '2199-12-31'::date AND (v.started_on IS NULL OR v.sta"
    "rted_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND ext.valid IS NOT FALSE AND v.started_"
    "on < '1898-08-29'::date AND ext.due_in_period) x) k UNION ALL SELECT 'verkstallighet' AS kind, k.cas"
    'e_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS started_on FROM (SELECT * FROM (SELECT '
    'd.case_id, d.id AS pk, COALESCE(iv.id, 0) AS sub, d.decided_on AS start_on, iv.started_on AS done_on'
    ", ((d.decided_on + interval '3 months')::date) AS due_on, NULL::integer AS responsible_id, NULL::dat"
    "e AS extended_due_on, NULL::date AS extension_decided_on, d.legal_basis, COALESCE(iv.kind, '') AS in"
    'tervention_kind FROM socialtjanst_decision d LEFT JOIN socialtjanst_intervention iv ON iv.decision_i'
    "d = d.id WHERE d.kind = ANY('{bistand,vard,omedelbart_omhandertagande}') AND d.voided_reason = '' AN"
    "D d.decided_on BETWEEN '1898-09-28'::date AND '2199-12-31'::date AND (d.decided_on IS NULL OR d.deci"
    "ded_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date)) x) k UNION ALL SELECT 'days' AS kind, v.c"
    'ase_id, v.id AS pk, 0 AS sub, v.completed_on AS day, v.completed_on AS done_on, v.started_on FROM so'
    'cialtjanst_investigation v WHERE v.completed_on IS NOT NULL) o JOIN socialtjanst_case c ON c.id = o.'
    "case_id LEFT JOIN socialtjanst_person p ON p.id = CASE WHEN o.kind = 'days' THEN c.person_id END WHE"
    "RE (o.case_id = ANY($1)) AND (o.kind <> 'days' OR (p.birth_date IS NOT NULL AND (extract(year FROM o"
    '.started_on)::int - extract(year FROM p.birth_date)::int - CASE WHEN (extract(month FROM o.started_o'
    'n), extract(day FROM o.started_on)) < (extract(month FROM p.birth_date), extract(day FROM p.birth_da'
    'te)) THEN 1 ELSE 0 END) <= 20))$ins$ USING cases; ELSE INSERT INTO socialtjanst_deadline_item (kind,'
    ' case_id, unit_id, pk, sub, day, done_on, days) SELECT o.kind, o.case_id, c.unit_id, o.pk, o.sub, o.'
    "day, o.done_on, CASE WHEN o.kind = 'days' THEN o.done_on - o.started_on END AS days FROM (SELECT 'fo"
    "rhandsbedomningar' AS kind, k.case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS starte"
    'd_on FROM (SELECT * FROM (SELECT i.case_id, i.id AS pk, 0 AS sub, i.received_on AS start_on, s.decid'
    'ed_on AS done_on, (CASE WHEN (s.extended_due_on) IS NOT NULL AND (s.extension_decided_on) IS NOT NUL'
    'L AND NOT ((s.extension_decided_on) > ((i.received_on + 14))) THEN (s.extended_due_on) ELSE (i.recei'
    'ved_on + 14) END) AS due_on, NULL::integer AS responsible_id, s.extended_due_on, s.extension_decided'
    "_on, '' AS legal_basis, '' AS intervention_kind FROM socialtjanst_intake i LEFT JOIN socialtjanst_sc"
    "reening s ON s.intake_id = i.id WHERE i.target_group = ANY('{barn_unga}') AND i.received_on <= '2199"
    "-12-31'::date AND (i.received_on IS NULL OR i.received_on BETWEEN '1900-01-01'::date AND '2100-12-31"
    "'::date) AND (s.extended_due_on IS NULL OR s.extended_due_on BETWEEN '1900-01-01'::date AND '2100-12"
    "-31'::date) AND (s.extension_decided_on IS NULL OR s.extension_decided_on BETWEEN '1900-01-01'::date"
    " AND '2100-12-31'::date) AND i.received_on >= '1898-12-18'::date UNION ALL SELECT i.case_id, i.id AS"
    ' pk, 0 AS sub, i.received_on AS start_on, s.decided_on AS done_on, (CASE WHEN (s.extended_due_on) IS'
    ' NOT NULL AND (s.extension_decided_on) IS NOT NULL AND NOT ((s.extension_decided_on) > ((i.received_'
    'on + 14))) THEN (s.extended_due_on) ELSE (i.received_on + 14) END) AS due_on, NULL::integer AS respo'
    "nsible_id, s.extended_due_on, s.extension_decided_on, '' AS legal_basis, '' AS intervention_kind FRO"
    'M socialtjanst_intake i JOIN socialtjanst_screening s ON s.intake_id = i.id WHERE i.target_group = A'
    "NY('{barn_unga}') AND i.received_on <= '2199-12-31'::date AND (i.received_on IS NULL OR i.received_o"
    "n BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (s.extended_due_on IS NULL OR s.extended_du"
    "e_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND (s.extension_decided_on IS NULL OR s.ext"
    "ension_decided_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND i.received_on < '1898-12-18"
    "'::date AND s.extended_due_on >= '1899-01-01'::date) x) k UNION ALL SELECT 'utredningar' AS kind, k."
    'case_id, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS started_on FROM (SELECT * FROM (SELE'
    'CT v.case_id, v.id AS pk, 0 AS sub, v.started_on AS start_on, v.completed_on AS done_on, COALESCE(ex'
    "t.valid_due, ((v.started_on + interval '4 months')::date)) AS due_on, v.responsible_id, NULL::date A"
    "S extended_due_on, NULL::date AS extension_decided_on, '' AS legal_basis, '' AS intervention_kind FR"
    'OM socialtjanst_investigation v LEFT JOIN (SELECT g.investigation_id, g.valid, g.due_in_period, d.va'
    "lid_due FROM (SELECT e.investigation_id, bool_and((e.decided_on IS NULL OR e.decided_on BETWEEN '190"
    "0-01-01'::date AND '2100-12-31'::date) AND (e.new_due_on IS NULL OR e.new_due_on BETWEEN '1900-01-01"
    "'::date AND '2100-12-31'::date)) AS valid, bool_or(e.new_due_on >= '1899-01-01'::date) AS due_in_per"
    'iod FROM socialtjanst_investigationextension e JOIN socialtjanst_investigation ev ON ev.id = e.inves'
    "tigation_id WHERE ev.started_on <= '2199-12-31'::date GROUP BY e.investigation_id, ev.started_on HAV"
    "ING ev.started_on >= '1898-08-29'::date OR bool_or(e.new_due_on >= '1899-01-01'::date)) g JOIN (SELE"
    'CT ext_w.investigation_id, COALESCE((array_agg(ext_w.new_due_on ORDER BY ext_w.decided_on DESC, ext_'
    "w.new_due_on DESC) FILTER (WHERE NOT ext_w.broken))[1], ((ext_w.started_on + interval '4 months')::d"
    'ate)) AS valid_due FROM (SELECT ext_v.*, bool_or(ext_v.late) OVER (PARTITION BY ext_v.investigation_'
    'id ORDER BY ext_v.decided_on, ext_v.new_due_on ROWS UNBOUNDED PRECEDING) AS broken FROM (SELECT ext_'
    'e.investigation_id, ext_e.decided_on, ext_e.new_due_on, ext_e.started_on, ((ext_e.decided_on) > (COA'
    'LESCE(lag(ext_e.new_due_on) OVER (PARTITION BY ext_e.investigation_id ORDER BY ext_e.decided_on, ext'
    "_e.new_due_on), ((ext_e.started_on + interval '4 months')::date)))) AS late FROM (SELECT e.investiga"
    'tion_id, ev.started_on, e.decided_on, e.new_due_on FROM socialtjanst_investigationextension e JOIN s'
    "ocialtjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.started_on <= '2199-12-31'::date"
    ') ext_e) ext_v) ext_w GROUP BY ext_w.investigation_id, ext_w.started_on) d ON d.investigation_id = g'
    ".investigation_id) ext ON ext.investigation_id = v.id WHERE v.started_on <= '2199-12-31'::date AND ("
    "v.started_on IS NULL OR v.started_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND ext.vali"
    "d IS NOT FALSE AND v.started_on >= '1898-08-29'::date UNION ALL SELECT v.case_id, v.id AS pk, 0 AS s"
    'ub, v.started_on AS start_on, v.completed_on AS done_on, COALESCE(ext.valid_due, ((v.started_on + in'
    "terval '4 months')::date)) AS due_on, v.responsible_id, NULL::date AS extended_due_on, NULL::date AS"
    " extension_decided_on, '' AS legal_basis, '' AS intervention_kind FROM socialtjanst_investigation v "
    'LEFT JOIN (SELECT g.investigation_id, g.valid, g.due_in_period, d.valid_due FROM (SELECT e.investiga'
    "tion_id, bool_and((e.decided_on IS NULL OR e.decided_on BETWEEN '1900-01-01'::date AND '2100-12-31':"
    ":date) AND (e.new_due_on IS NULL OR e.new_due_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date))"
    " AS valid, bool_or(e.new_due_on >= '1899-01-01'::date) AS due_in_period FROM socialtjanst_investigat"
    'ionextension e JOIN socialtjanst_investigation ev ON ev.id = e.investigation_id WHERE ev.started_on '
    "<= '2199-12-31'::date GROUP BY e.investigation_id, ev.started_on HAVING ev.started_on >= '1898-08-29"
    "'::date OR bool_or(e.new_due_on >= '1899-01-01'::date)) g JOIN (SELECT ext_w.investigation_id, COALE"
    'SCE((array_agg(ext_w.new_due_on ORDER BY ext_w.decided_on DESC, ext_w.new_due_on DESC) FILTER (WHERE'
    " NOT ext_w.broken))[1], ((ext_w.started_on + interval '4 months')::date)) AS valid_due FROM (SELECT "
    'ext_v.*, bool_or(ext_v.late) OVER (PARTITION BY ext_v.investigation_id ORDER BY ext_v.decided_on, ex'
    't_v.new_due_on ROWS UNBOUNDED PRECEDING) AS broken FROM (SELECT ext_e.investigation_id, ext_e.decide'
    'd_on, ext_e.new_due_on, ext_e.started_on, ((ext_e.decided_on) > (COALESCE(lag(ext_e.new_due_on) OVER'
    ' (PARTITION BY ext_e.investigation_id ORDER BY ext_e.decided_on, ext_e.new_due_on), ((ext_e.started_'
    "on + interval '4 months')::date)))) AS late FROM (SELECT e.investigation_id, ev.started_on, e.decide"
    'd_on, e.new_due_on FROM socialtjanst_investigationextension e JOIN socialtjanst_investigation ev ON '
    "ev.id = e.investigation_id WHERE ev.started_on <= '2199-12-31'::date) ext_e) ext_v) ext_w GROUP BY e"
    'xt_w.investigation_id, ext_w.started_on) d ON d.investigation_id = g.investigation_id) ext ON ext.in'
    "vestigation_id = v.id WHERE v.started_on <= '2199-12-31'::date AND (v.started_on IS NULL OR v.starte"
    "d_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date) AND ext.valid IS NOT FALSE AND v.started_on "
    "< '1898-08-29'::date AND ext.due_in_period) x) k UNION ALL SELECT 'verkstallighet' AS kind, k.case_i"
    'd, k.pk, k.sub, k.due_on AS day, k.done_on, NULL::date AS started_on FROM (SELECT * FROM (SELECT d.c'
    'ase_id, d.id AS pk, COALESCE(iv.id, 0) AS sub, d.decided_on AS start_on, iv.started_on AS done_on, ('
    "(d.decided_on + interval '3 months')::date) AS due_on, NULL::integer AS responsible_id, NULL::date A"
    "S extended_due_on, NULL::date AS extension_decided_on, d.legal_basis, COALESCE(iv.kind, '') AS inter"
    'vention_kind FROM socialtjanst_decision d LEFT JOIN socialtjanst_intervention iv ON iv.decision_id ='
    " d.id WHERE d.kind = ANY('{bistand,vard,omedelbart_omhandertagande}') AND d.voided_reason = '' AND d"
    ".decided_on BETWEEN '1898-09-28'::date AND '2199-12-31'::date AND (d.decided_on IS NULL OR d.decided"
    "_on BETWEEN '1900-01-01'::date AND '2100-12-31'::date)) x) k UNION ALL SELECT 'days' AS kind, v.case"
    '_id, v.id AS pk, 0 AS sub, v.completed_on AS day, v.completed_on AS done_on, v.started_on FROM socia'
    'ltjanst_investigation v WHERE v.completed_on IS NOT NULL) o JOIN socialtjanst_case c ON c.id = o.cas'
    "e_id LEFT JOIN socialtjanst_person p ON p.id = CASE WHEN o.kind = 'days' THEN c.person_id END WHERE "
    "(o.case_id = ANY(cases)) AND (o.kind <> 'days' OR (p.birth_date IS NOT NULL AND (extract(year FROM o"
    '.started_on)::int - extract(year FROM p.birth_date)::int - CASE WHEN (extract(month FROM o.started_o'
    'n), extract(day FROM o.started_on)) < (extract(month FROM p.birth_date), extract(day FROM p.birth_da'
    'te)) THEN 1 ELSE 0 END) <= 20)); END IF; END $fn$'
)


def _previous() -> str:
    return importlib.import_module("socialtjanst.migrations.0024_deadline_kept").REFRESH


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0028_choice_checks")]

    operations = [migrations.RunSQL(REFRESH, _previous())]
