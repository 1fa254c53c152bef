"""Övervägande/omprövning's kept items are refreshed through a generic plan made once per connection, as the
deadline report's are (socialtjanst 0029_deadline_refresh_plan); more than 2 000 placements get a plan of
their own."""

import importlib

from django.db import migrations

# A FROZEN copy of placements.care_review_kept.refresh_function_sql()
# as written for this migration (a migration never imports app code that may change under it): the test
# comparing the database's function with the app's fails until a new migration re-creates it.
REFRESH = (
    'CREATE OR REPLACE FUNCTION placements_care_review_refresh(placements bigint[]) RETURNS void LANGUAGE'
    ' plpgsql SET plan_cache_mode = force_generic_plan AS $fn$ BEGIN PERFORM 1 FROM placements_placement '
    'WHERE id = ANY(placements) ORDER BY id FOR NO KEY UPDATE; DELETE FROM placements_care_review_item WH'
    'ERE pk = ANY(placements); IF cardinality(placements) > 2000 THEN EXECUTE $ins$INSERT INTO placements'
    '_care_review_item (unit_id, case_id, person_id, pk, sub, start_on, done_on, due_on, responsible_id, '
    'legal_basis) SELECT unit_id, case_id, person_id, pk, sub, start_on, done_on, due_on, responsible_id,'
    ' legal_basis FROM (SELECT * FROM (SELECT CASE WHEN d.case_id IS NOT NULL THEN pc.unit_id ELSE p.unit'
    '_id END AS unit_id, pc.id AS case_id, p.person_id, p.id AS pk, (n.node - p.start_on) AS sub, n.node '
    'AS start_on, lead(n.node) OVER (PARTITION BY p.id ORDER BY n.node) AS done_on, ((COALESCE(NULL::date'
    ", n.node) + interval '6 months')::date) AS due_on, pc.responsible_id, NULL::date AS extended_due_on,"
    " NULL::date AS extension_decided_on, p.legal_basis || CASE WHEN p.lvu_ground <> '' THEN ' ' || p.lvu"
    "_ground || ' §' ELSE '' END AS legal_basis, '' AS intervention_kind, p.end_on AS placement_end_on FR"
    'OM placements_placement p JOIN socialtjanst_person per ON per.id = p.person_id LEFT JOIN socialtjans'
    't_intervention iv ON iv.id = p.intervention_id LEFT JOIN socialtjanst_decision d ON d.id = iv.decisi'
    'on_id LEFT JOIN LATERAL (SELECT lc.id FROM socialtjanst_case lc WHERE d.case_id IS NULL AND lc.perso'
    'n_id = p.person_id AND lc.unit_id = p.unit_id ORDER BY lc.opened_on DESC, lc.id DESC LIMIT 1) latest'
    ' ON true LEFT JOIN LATERAL (SELECT lpc.id, lpc.unit_id, lpc.responsible_id FROM socialtjanst_case lp'
    'c WHERE lpc.id = COALESCE(d.case_id, latest.id) LIMIT 1) pc ON true CROSS JOIN LATERAL (SELECT COALE'
    'SCE(p.review_clock_from, p.start_on) AS node WHERE p.review_clock_from IS NULL OR ((COALESCE(NULL::d'
    "ate, p.review_clock_from) + interval '6 months')::date) >= p.start_on UNION SELECT r.decided_on FROM"
    ' placements_carereview r WHERE r.placement_id = p.id AND r.decided_on >= p.start_on) n WHERE p.is_24'
    "h AND p.voided_reason = '' AND p.legal_basis = ANY(ARRAY['SoL', 'LVU']) AND per.birth_date IS NOT NU"
    'LL AND (extract(year FROM p.start_on)::int - extract(year FROM per.birth_date)::int - CASE WHEN (ext'
    'ract(month FROM p.start_on), extract(day FROM p.start_on)) < (extract(month FROM per.birth_date), ex'
    "tract(day FROM per.birth_date)) THEN 1 ELSE 0 END) < 18 AND (p.start_on BETWEEN '1900-01-01'::date A"
    "ND '2100-12-31'::date) AND p.start_on <= '2199-12-31'::date AND (p.end_on IS NULL OR p.end_on >= ((("
    "'1899-01-01'::date::date + interval '-6 months')::date) - 3)) AND (p.id = ANY($1)) OFFSET 0) x WHERE"
    " x.due_on BETWEEN '1899-01-01'::date AND '2199-12-31'::date AND (x.done_on IS NOT NULL OR x.placemen"
    't_end_on IS NULL OR x.placement_end_on > x.due_on)) i$ins$ USING placements; ELSE INSERT INTO placem'
    'ents_care_review_item (unit_id, case_id, person_id, pk, sub, start_on, done_on, due_on, responsible_'
    'id, legal_basis) SELECT unit_id, case_id, person_id, pk, sub, start_on, done_on, due_on, responsible'
    '_id, legal_basis FROM (SELECT * FROM (SELECT CASE WHEN d.case_id IS NOT NULL THEN pc.unit_id ELSE p.'
    'unit_id END AS unit_id, pc.id AS case_id, p.person_id, p.id AS pk, (n.node - p.start_on) AS sub, n.n'
    'ode AS start_on, lead(n.node) OVER (PARTITION BY p.id ORDER BY n.node) AS done_on, ((COALESCE(NULL::'
    "date, n.node) + interval '6 months')::date) AS due_on, pc.responsible_id, NULL::date AS extended_due"
    "_on, NULL::date AS extension_decided_on, p.legal_basis || CASE WHEN p.lvu_ground <> '' THEN ' ' || p"
    ".lvu_ground || ' §' ELSE '' END AS legal_basis, '' AS intervention_kind, p.end_on AS placement_end_o"
    'n FROM placements_placement p JOIN socialtjanst_person per ON per.id = p.person_id LEFT JOIN socialt'
    'janst_intervention iv ON iv.id = p.intervention_id LEFT JOIN socialtjanst_decision d ON d.id = iv.de'
    'cision_id LEFT JOIN LATERAL (SELECT lc.id FROM socialtjanst_case lc WHERE d.case_id IS NULL AND lc.p'
    'erson_id = p.person_id AND lc.unit_id = p.unit_id ORDER BY lc.opened_on DESC, lc.id DESC LIMIT 1) la'
    'test ON true LEFT JOIN LATERAL (SELECT lpc.id, lpc.unit_id, lpc.responsible_id FROM socialtjanst_cas'
    'e lpc WHERE lpc.id = COALESCE(d.case_id, latest.id) LIMIT 1) pc ON true CROSS JOIN LATERAL (SELECT C'
    'OALESCE(p.review_clock_from, p.start_on) AS node WHERE p.review_clock_from IS NULL OR ((COALESCE(NUL'
    "L::date, p.review_clock_from) + interval '6 months')::date) >= p.start_on UNION SELECT r.decided_on "
    'FROM placements_carereview r WHERE r.placement_id = p.id AND r.decided_on >= p.start_on) n WHERE p.i'
    "s_24h AND p.voided_reason = '' AND p.legal_basis = ANY(ARRAY['SoL', 'LVU']) AND per.birth_date IS NO"
    'T NULL AND (extract(year FROM p.start_on)::int - extract(year FROM per.birth_date)::int - CASE WHEN '
    '(extract(month FROM p.start_on), extract(day FROM p.start_on)) < (extract(month FROM per.birth_date)'
    ", extract(day FROM per.birth_date)) THEN 1 ELSE 0 END) < 18 AND (p.start_on BETWEEN '1900-01-01'::da"
    "te AND '2100-12-31'::date) AND p.start_on <= '2199-12-31'::date AND (p.end_on IS NULL OR p.end_on >="
    " ((('1899-01-01'::date::date + interval '-6 months')::date) - 3)) AND (p.id = ANY(placements)) OFFSE"
    "T 0) x WHERE x.due_on BETWEEN '1899-01-01'::date AND '2199-12-31'::date AND (x.done_on IS NOT NULL O"
    'R x.placement_end_on IS NULL OR x.placement_end_on > x.due_on)) i; END IF; END $fn$'
)


def _previous() -> str:
    return importlib.import_module("placements.migrations.0023_deadline_kept").REFRESH


class Migration(migrations.Migration):
    dependencies = [("placements", "0026_choice_checks")]

    operations = [migrations.RunSQL(REFRESH, _previous())]
