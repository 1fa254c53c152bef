"""Att göra's kept open items (issue 19 point 2), the case flow's parts: socialtjanst_todo_item, the function that
refreshes a set of persons' items through the live list's own statement, the statement triggers on every table those
parts read (socialtjanst.todo_kept.FLOW_TABLES), and the fill from the rows already stored. placements 0024_todo_kept
adds the registered parts (övervägande, vårdplan, ...) to the same table.

FORWARD is a frozen copy of socialtjanst.todo_kept.install_sql(flow=True) as it was when this was written: the
function's body is the live statement socialtjanst/todo_parts.py compiles (one rule, one home), frozen so a later
change to the app cannot change what this migration did. tests/web/test_todo_kept.py compares the database's
function with what the app writes now: if a rule changes, a new migration takes a new copy. No model."""

from django.conf import settings
from django.db import migrations

FORWARD = [
    ('CREATE TABLE IF NOT EXISTS socialtjanst_todo_item (part smallint NOT NULL, obj bigint NOT NULL, case'
     '_id bigint NOT NULL, person_id bigint NOT NULL, unit_id bigint NOT NULL, resp_id bigint, due_on date'
     ', kind text NOT NULL, visible_from date, visible_until date, lead_due date, PRIMARY KEY (part, obj))'),
    ("COMMENT ON TABLE socialtjanst_todo_item IS 'Att göra: öppna punkter, hållna av triggrar (socialtjans"
     "t 0026_todo_kept, placements 0024_todo_kept); skrivs aldrig av applikationen'"),
    ('CREATE INDEX IF NOT EXISTS todo_item_unit ON socialtjanst_todo_item (unit_id, due_on) INCLUDE (part,'
     ' obj, case_id, resp_id, visible_from, visible_until, lead_due)'),
    ('CREATE INDEX IF NOT EXISTS todo_item_resp ON socialtjanst_todo_item (resp_id, due_on) INCLUDE (part,'
     ' obj, case_id, unit_id, visible_from, visible_until, lead_due)'),
    ('CREATE INDEX IF NOT EXISTS todo_item_order ON socialtjanst_todo_item (due_on NULLS FIRST, case_id, ('
     'GREATEST(part - 1, 0)), obj, part) INCLUDE (unit_id, resp_id, visible_from, visible_until, lead_due)'),
    ('CREATE INDEX IF NOT EXISTS todo_item_person ON socialtjanst_todo_item (person_id)'),
    ('CREATE INDEX IF NOT EXISTS todo_item_case ON socialtjanst_todo_item (case_id)'),
    ('CREATE OR REPLACE FUNCTION socialtjanst_todo_refresh_flow(todo_persons bigint[]) RETURNS void LANGUA'
     'GE plpgsql SET plan_cache_mode = force_generic_plan AS $todo$ BEGIN PERFORM pg_advisory_xact_lock(19'
     '26, b.bucket) FROM (SELECT DISTINCT (p % 256)::int AS bucket FROM unnest(todo_persons) p ORDER BY 1)'
     ' b; DELETE FROM socialtjanst_todo_item WHERE person_id = ANY(todo_persons) AND part < 100; IF cardin'
     'ality(todo_persons) > 2000 THEN EXECUTE $bulk$INSERT INTO socialtjanst_todo_item (part, obj, case_id'
     ', person_id, unit_id, resp_id, due_on, kind, visible_from, visible_until, lead_due) SELECT i.t_part,'
     ' i.t_obj, i.t_case, c.person_id, i.t_unit_id, i.t_resp, i.t_due, i.t_kind, i.t_from, i.t_until, i.t_'
     'lead FROM ((SELECT 0 AS "t_part", "socialtjanst_intake"."id" AS "t_obj", "socialtjanst_intake"."case'
     '_id" AS "t_case", "socialtjanst_case"."responsible_id" AS "t_resp", false AS "t_by_case", CASE WHEN '
     '("socialtjanst_intake"."received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."received_on" <'
     '= \'2100-12-31\'::date) THEN ("socialtjanst_intake"."received_on") ELSE NULL END AS "t_due", CASE WHEN'
     ' ("socialtjanst_intake"."received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."received_on" '
     "<= '2100-12-31'::date) THEN 'Omedelbar skyddsbedömning' ELSE 'Omedelbar skyddsbedömning (Datum utanf"
     'ör giltigt intervall)\' END AS "t_kind", "socialtjanst_case"."unit_id" AS "t_unit_id", (NULL)::date A'
     'S "t_from", (NULL)::date AS "t_until", (NULL)::date AS "t_lead" FROM "socialtjanst_intake" INNER JOI'
     'N "socialtjanst_case" ON ("socialtjanst_intake"."case_id" = "socialtjanst_case"."id") WHERE ("social'
     'tjanst_intake"."case_id" IN (SELECT U0."id" FROM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SE'
     'LECT unnest($1)) AND U0."status" = \'pagaende\')) AND "socialtjanst_intake"."id" IN (SELECT intake_id '
     'FROM socialtjanst_intake_awaiting_screening) AND ("socialtjanst_intake"."kind" = \'orosanmalan\' AND "'
     'socialtjanst_intake"."target_group" = \'barn_unga\') AND "socialtjanst_intake"."safety_assessed_on" IS'
     ' NULL)) UNION ALL (SELECT 1 AS "t_part", "socialtjanst_intake"."id" AS "t_obj", "socialtjanst_intake'
     '"."case_id" AS "t_case", "socialtjanst_case"."responsible_id" AS "t_resp", false AS "t_by_case", CAS'
     'E WHEN ("socialtjanst_intake"."received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."receive'
     'd_on" <= \'2100-12-31\'::date) THEN ("socialtjanst_intake"."received_on" + 14) ELSE NULL END AS "t_due'
     '", CASE WHEN ("socialtjanst_intake"."received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."r'
     'eceived_on" <= \'2100-12-31\'::date) THEN \'Förhandsbedömning\' ELSE \'Förhandsbedömning (Datum utanför g'
     'iltigt intervall)\' END AS "t_kind", "socialtjanst_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t'
     '_from", (NULL)::date AS "t_until", (NULL)::date AS "t_lead" FROM "socialtjanst_intake" INNER JOIN "s'
     'ocialtjanst_case" ON ("socialtjanst_intake"."case_id" = "socialtjanst_case"."id") WHERE ("socialtjan'
     'st_intake"."case_id" IN (SELECT U0."id" FROM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SELECT'
     ' unnest($1)) AND U0."status" = \'pagaende\')) AND "socialtjanst_intake"."id" IN (SELECT intake_id FROM'
     ' socialtjanst_intake_awaiting_screening) AND "socialtjanst_intake"."target_group" IN (\'barn_unga\')))'
     ' UNION ALL (SELECT 2 AS "t_part", "socialtjanst_investigation"."id" AS "t_obj", "socialtjanst_invest'
     'igation"."case_id" AS "t_case", "socialtjanst_investigation"."responsible_id" AS "t_resp", false AS '
     '"t_by_case", CASE WHEN ("socialtjanst_investigation"."started_on" >= \'1900-01-01\'::date AND "socialt'
     'janst_investigation"."started_on" <= \'2100-12-31\'::date AND NOT ("socialtjanst_investigation"."id" I'
     'N (SELECT U0."investigation_id" AS "investigation_id" FROM "socialtjanst_investigationextension" U0 '
     'WHERE NOT (U0."decided_on" >= \'1900-01-01\'::date AND U0."decided_on" <= \'2100-12-31\'::date AND U0."n'
     'ew_due_on" >= \'1900-01-01\'::date AND U0."new_due_on" <= \'2100-12-31\'::date)))) THEN COALESCE((SELECT'
     ' U0."new_due_on" AS "new_due_on" FROM "socialtjanst_investigationextension" U0 WHERE U0."investigati'
     'on_id" = ("socialtjanst_investigation"."id") ORDER BY U0."decided_on" DESC, 1 DESC LIMIT 1), (("soci'
     'altjanst_investigation"."started_on" + interval \'4 months\')::date)) ELSE NULL END AS "t_due", CASE W'
     'HEN ("socialtjanst_investigation"."started_on" >= \'1900-01-01\'::date AND "socialtjanst_investigation'
     '"."started_on" <= \'2100-12-31\'::date AND NOT ("socialtjanst_investigation"."id" IN (SELECT U0."inves'
     'tigation_id" AS "investigation_id" FROM "socialtjanst_investigationextension" U0 WHERE NOT (U0."deci'
     'ded_on" >= \'1900-01-01\'::date AND U0."decided_on" <= \'2100-12-31\'::date AND U0."new_due_on" >= \'1900'
     '-01-01\'::date AND U0."new_due_on" <= \'2100-12-31\'::date)))) THEN \'Utredning\' ELSE \'Utredning (Datum '
     'utanför giltigt intervall)\' END AS "t_kind", "socialtjanst_case"."unit_id" AS "t_unit_id", (NULL)::d'
     'ate AS "t_from", (NULL)::date AS "t_until", (NULL)::date AS "t_lead" FROM "socialtjanst_investigatio'
     'n" INNER JOIN "socialtjanst_case" ON ("socialtjanst_investigation"."case_id" = "socialtjanst_case"."'
     'id") WHERE ("socialtjanst_investigation"."case_id" IN (SELECT U0."id" FROM "socialtjanst_case" U0 WH'
     'ERE (U0."person_id" IN (SELECT unnest($1)) AND U0."status" = \'pagaende\')) AND "socialtjanst_investig'
     'ation"."completed_on" IS NULL)) UNION ALL (SELECT 3 AS "t_part", "socialtjanst_decision"."id" AS "t_'
     'obj", "socialtjanst_decision"."case_id" AS "t_case", "socialtjanst_case"."responsible_id" AS "t_resp'
     '", false AS "t_by_case", CASE WHEN ("socialtjanst_decision"."decided_on" >= \'1900-01-01\'::date AND "'
     'socialtjanst_decision"."decided_on" <= \'2100-12-31\'::date) THEN (("socialtjanst_decision"."decided_o'
     'n" + interval \'3 months\')::date) ELSE NULL END AS "t_due", CASE WHEN ("socialtjanst_decision"."decid'
     'ed_on" >= \'1900-01-01\'::date AND "socialtjanst_decision"."decided_on" <= \'2100-12-31\'::date) THEN \'V'
     'erkställighet\' ELSE \'Verkställighet (Datum utanför giltigt intervall)\' END AS "t_kind", "socialtjans'
     't_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t_from", (NULL)::date AS "t_until", (NULL)::date '
     'AS "t_lead" FROM "socialtjanst_decision" INNER JOIN "socialtjanst_case" ON ("socialtjanst_decision".'
     '"case_id" = "socialtjanst_case"."id") WHERE ("socialtjanst_decision"."case_id" IN (SELECT U0."id" FR'
     'OM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SELECT unnest($1)) AND U0."status" = \'pagaende\')'
     ') AND "socialtjanst_decision"."id" IN (SELECT decision_id FROM socialtjanst_decision_awaiting_enforc'
     'ement)))) i JOIN socialtjanst_case c ON c.id = i.t_case ON CONFLICT (part, obj) DO NOTHING$bulk$ USI'
     'NG todo_persons; ELSE INSERT INTO socialtjanst_todo_item (part, obj, case_id, person_id, unit_id, re'
     'sp_id, due_on, kind, visible_from, visible_until, lead_due) SELECT i.t_part, i.t_obj, i.t_case, c.pe'
     'rson_id, i.t_unit_id, i.t_resp, i.t_due, i.t_kind, i.t_from, i.t_until, i.t_lead FROM ((SELECT 0 AS '
     '"t_part", "socialtjanst_intake"."id" AS "t_obj", "socialtjanst_intake"."case_id" AS "t_case", "socia'
     'ltjanst_case"."responsible_id" AS "t_resp", false AS "t_by_case", CASE WHEN ("socialtjanst_intake"."'
     'received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."received_on" <= \'2100-12-31\'::date) TH'
     'EN ("socialtjanst_intake"."received_on") ELSE NULL END AS "t_due", CASE WHEN ("socialtjanst_intake".'
     '"received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."received_on" <= \'2100-12-31\'::date) T'
     "HEN 'Omedelbar skyddsbedömning' ELSE 'Omedelbar skyddsbedömning (Datum utanför giltigt intervall)' E"
     'ND AS "t_kind", "socialtjanst_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t_from", (NULL)::date'
     ' AS "t_until", (NULL)::date AS "t_lead" FROM "socialtjanst_intake" INNER JOIN "socialtjanst_case" ON'
     ' ("socialtjanst_intake"."case_id" = "socialtjanst_case"."id") WHERE ("socialtjanst_intake"."case_id"'
     ' IN (SELECT U0."id" FROM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SELECT unnest(todo_persons'
     ')) AND U0."status" = \'pagaende\')) AND "socialtjanst_intake"."id" IN (SELECT intake_id FROM socialtja'
     'nst_intake_awaiting_screening) AND ("socialtjanst_intake"."kind" = \'orosanmalan\' AND "socialtjanst_i'
     'ntake"."target_group" = \'barn_unga\') AND "socialtjanst_intake"."safety_assessed_on" IS NULL)) UNION '
     'ALL (SELECT 1 AS "t_part", "socialtjanst_intake"."id" AS "t_obj", "socialtjanst_intake"."case_id" AS'
     ' "t_case", "socialtjanst_case"."responsible_id" AS "t_resp", false AS "t_by_case", CASE WHEN ("socia'
     'ltjanst_intake"."received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."received_on" <= \'2100'
     '-12-31\'::date) THEN ("socialtjanst_intake"."received_on" + 14) ELSE NULL END AS "t_due", CASE WHEN ('
     '"socialtjanst_intake"."received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."received_on" <='
     " '2100-12-31'::date) THEN 'Förhandsbedömning' ELSE 'Förhandsbedömning (Datum utanför giltigt interva"
     'll)\' END AS "t_kind", "socialtjanst_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t_from", (NULL)'
     '::date AS "t_until", (NULL)::date AS "t_lead" FROM "socialtjanst_intake" INNER JOIN "socialtjanst_ca'
     'se" ON ("socialtjanst_intake"."case_id" = "socialtjanst_case"."id") WHERE ("socialtjanst_intake"."ca'
     'se_id" IN (SELECT U0."id" FROM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SELECT unnest(todo_p'
     'ersons)) AND U0."status" = \'pagaende\')) AND "socialtjanst_intake"."id" IN (SELECT intake_id FROM soc'
     'ialtjanst_intake_awaiting_screening) AND "socialtjanst_intake"."target_group" IN (\'barn_unga\'))) UNI'
     'ON ALL (SELECT 2 AS "t_part", "socialtjanst_investigation"."id" AS "t_obj", "socialtjanst_investigat'
     'ion"."case_id" AS "t_case", "socialtjanst_investigation"."responsible_id" AS "t_resp", false AS "t_b'
     'y_case", CASE WHEN ("socialtjanst_investigation"."started_on" >= \'1900-01-01\'::date AND "socialtjans'
     't_investigation"."started_on" <= \'2100-12-31\'::date AND NOT ("socialtjanst_investigation"."id" IN (S'
     'ELECT U0."investigation_id" AS "investigation_id" FROM "socialtjanst_investigationextension" U0 WHER'
     'E NOT (U0."decided_on" >= \'1900-01-01\'::date AND U0."decided_on" <= \'2100-12-31\'::date AND U0."new_d'
     'ue_on" >= \'1900-01-01\'::date AND U0."new_due_on" <= \'2100-12-31\'::date)))) THEN COALESCE((SELECT U0.'
     '"new_due_on" AS "new_due_on" FROM "socialtjanst_investigationextension" U0 WHERE U0."investigation_i'
     'd" = ("socialtjanst_investigation"."id") ORDER BY U0."decided_on" DESC, 1 DESC LIMIT 1), (("socialtj'
     'anst_investigation"."started_on" + interval \'4 months\')::date)) ELSE NULL END AS "t_due", CASE WHEN '
     '("socialtjanst_investigation"."started_on" >= \'1900-01-01\'::date AND "socialtjanst_investigation"."s'
     'tarted_on" <= \'2100-12-31\'::date AND NOT ("socialtjanst_investigation"."id" IN (SELECT U0."investiga'
     'tion_id" AS "investigation_id" FROM "socialtjanst_investigationextension" U0 WHERE NOT (U0."decided_'
     'on" >= \'1900-01-01\'::date AND U0."decided_on" <= \'2100-12-31\'::date AND U0."new_due_on" >= \'1900-01-'
     '01\'::date AND U0."new_due_on" <= \'2100-12-31\'::date)))) THEN \'Utredning\' ELSE \'Utredning (Datum utan'
     'för giltigt intervall)\' END AS "t_kind", "socialtjanst_case"."unit_id" AS "t_unit_id", (NULL)::date '
     'AS "t_from", (NULL)::date AS "t_until", (NULL)::date AS "t_lead" FROM "socialtjanst_investigation" I'
     'NNER JOIN "socialtjanst_case" ON ("socialtjanst_investigation"."case_id" = "socialtjanst_case"."id")'
     ' WHERE ("socialtjanst_investigation"."case_id" IN (SELECT U0."id" FROM "socialtjanst_case" U0 WHERE '
     '(U0."person_id" IN (SELECT unnest(todo_persons)) AND U0."status" = \'pagaende\')) AND "socialtjanst_in'
     'vestigation"."completed_on" IS NULL)) UNION ALL (SELECT 3 AS "t_part", "socialtjanst_decision"."id" '
     'AS "t_obj", "socialtjanst_decision"."case_id" AS "t_case", "socialtjanst_case"."responsible_id" AS "'
     't_resp", false AS "t_by_case", CASE WHEN ("socialtjanst_decision"."decided_on" >= \'1900-01-01\'::date'
     ' AND "socialtjanst_decision"."decided_on" <= \'2100-12-31\'::date) THEN (("socialtjanst_decision"."dec'
     'ided_on" + interval \'3 months\')::date) ELSE NULL END AS "t_due", CASE WHEN ("socialtjanst_decision".'
     '"decided_on" >= \'1900-01-01\'::date AND "socialtjanst_decision"."decided_on" <= \'2100-12-31\'::date) T'
     'HEN \'Verkställighet\' ELSE \'Verkställighet (Datum utanför giltigt intervall)\' END AS "t_kind", "socia'
     'ltjanst_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t_from", (NULL)::date AS "t_until", (NULL):'
     ':date AS "t_lead" FROM "socialtjanst_decision" INNER JOIN "socialtjanst_case" ON ("socialtjanst_deci'
     'sion"."case_id" = "socialtjanst_case"."id") WHERE ("socialtjanst_decision"."case_id" IN (SELECT U0."'
     'id" FROM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SELECT unnest(todo_persons)) AND U0."statu'
     's" = \'pagaende\')) AND "socialtjanst_decision"."id" IN (SELECT decision_id FROM socialtjanst_decision'
     '_awaiting_enforcement)))) i JOIN socialtjanst_case c ON c.id = i.t_case ON CONFLICT (part, obj) DO N'
     'OTHING; END IF; END $todo$'),
    ('CREATE OR REPLACE FUNCTION todo_flow_case_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DECLARE'
     ' todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT r.person_id FROM changed '
     'r) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM socialtjanst_todo_refres'
     'h_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_case_ins ON socia'
     'ltjanst_case; CREATE TRIGGER todo_flow_case_ins AFTER INSERT ON socialtjanst_case REFERENCING NEW TA'
     'BLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_case_ins();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_case_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DECLARE'
     ' todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT r.person_id FROM changed '
     'r) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM socialtjanst_todo_refres'
     'h_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_case_del ON socia'
     'ltjanst_case; CREATE TRIGGER todo_flow_case_del AFTER DELETE ON socialtjanst_case REFERENCING OLD TA'
     'BLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_case_del();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_case_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DECLARE'
     ' todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT r.person_id FROM (SELECT '
     'b.* FROM before b JOIN changed n ON n.id = b.id WHERE b.status IS DISTINCT FROM n.status OR b.unit_i'
     'd IS DISTINCT FROM n.unit_id OR b.responsible_id IS DISTINCT FROM n.responsible_id OR b.person_id IS'
     ' DISTINCT FROM n.person_id) r UNION ALL SELECT r.person_id FROM (SELECT n.* FROM before b JOIN chang'
     'ed n ON n.id = b.id WHERE b.status IS DISTINCT FROM n.status OR b.unit_id IS DISTINCT FROM n.unit_id'
     ' OR b.responsible_id IS DISTINCT FROM n.responsible_id OR b.person_id IS DISTINCT FROM n.person_id) '
     'r) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM socialtjanst_todo_refres'
     'h_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_case_upd ON socia'
     'ltjanst_case; CREATE TRIGGER todo_flow_case_upd AFTER UPDATE ON socialtjanst_case REFERENCING OLD TA'
     'BLE AS before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_case_upd();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_intake_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DECLA'
     'RE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM change'
     'd r JOIN socialtjanst_case c ON c.id = r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(to'
     'do_p) > 0 THEN PERFORM socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DRO'
     'P TRIGGER IF EXISTS todo_flow_intake_ins ON socialtjanst_intake; CREATE TRIGGER todo_flow_intake_ins'
     ' AFTER INSERT ON socialtjanst_intake REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUN'
     'CTION todo_flow_intake_ins();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_intake_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DECLA'
     'RE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM change'
     'd r JOIN socialtjanst_case c ON c.id = r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(to'
     'do_p) > 0 THEN PERFORM socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DRO'
     'P TRIGGER IF EXISTS todo_flow_intake_del ON socialtjanst_intake; CREATE TRIGGER todo_flow_intake_del'
     ' AFTER DELETE ON socialtjanst_intake REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUN'
     'CTION todo_flow_intake_del();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_intake_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DECLA'
     'RE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM (SELEC'
     'T b.* FROM before b JOIN changed n ON n.id = b.id WHERE b.case_id IS DISTINCT FROM n.case_id OR b.re'
     'ceived_on IS DISTINCT FROM n.received_on OR b.kind IS DISTINCT FROM n.kind OR b.target_group IS DIST'
     'INCT FROM n.target_group OR b.safety_assessed_on IS DISTINCT FROM n.safety_assessed_on) r JOIN socia'
     'ltjanst_case c ON c.id = r.case_id UNION ALL SELECT c.person_id FROM (SELECT n.* FROM before b JOIN '
     'changed n ON n.id = b.id WHERE b.case_id IS DISTINCT FROM n.case_id OR b.received_on IS DISTINCT FRO'
     'M n.received_on OR b.kind IS DISTINCT FROM n.kind OR b.target_group IS DISTINCT FROM n.target_group '
     'OR b.safety_assessed_on IS DISTINCT FROM n.safety_assessed_on) r JOIN socialtjanst_case c ON c.id = '
     'r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM socialtjanst_tod'
     'o_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_intake_up'
     'd ON socialtjanst_intake; CREATE TRIGGER todo_flow_intake_upd AFTER UPDATE ON socialtjanst_intake RE'
     'FERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_int'
     'ake_upd();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_intakeawaitingscreening_ins() RETURNS trigger LANGUAGE plpgsql '
     'AS $$ BEGIN DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.pers'
     'on_id FROM changed r JOIN socialtjanst_intake i ON i.id = r.intake_id JOIN socialtjanst_case c ON c.'
     'id = i.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM socialtjans'
     't_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_inta'
     'keawaitingscreening_ins ON socialtjanst_intake_awaiting_screening; CREATE TRIGGER todo_flow_intakeaw'
     'aitingscreening_ins AFTER INSERT ON socialtjanst_intake_awaiting_screening REFERENCING NEW TABLE AS '
     'changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_intakeawaitingscreening_ins();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_intakeawaitingscreening_del() RETURNS trigger LANGUAGE plpgsql '
     'AS $$ BEGIN DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.pers'
     'on_id FROM changed r JOIN socialtjanst_intake i ON i.id = r.intake_id JOIN socialtjanst_case c ON c.'
     'id = i.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM socialtjans'
     't_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_inta'
     'keawaitingscreening_del ON socialtjanst_intake_awaiting_screening; CREATE TRIGGER todo_flow_intakeaw'
     'aitingscreening_del AFTER DELETE ON socialtjanst_intake_awaiting_screening REFERENCING OLD TABLE AS '
     'changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_intakeawaitingscreening_del();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_investigation_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGI'
     'N DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM'
     ' changed r JOIN socialtjanst_case c ON c.id = r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardina'
     'lity(todo_p) > 0 THEN PERFORM socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END '
     '$$; DROP TRIGGER IF EXISTS todo_flow_investigation_ins ON socialtjanst_investigation; CREATE TRIGGER'
     ' todo_flow_investigation_ins AFTER INSERT ON socialtjanst_investigation REFERENCING NEW TABLE AS cha'
     'nged FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_investigation_ins();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_investigation_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGI'
     'N DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM'
     ' changed r JOIN socialtjanst_case c ON c.id = r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardina'
     'lity(todo_p) > 0 THEN PERFORM socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END '
     '$$; DROP TRIGGER IF EXISTS todo_flow_investigation_del ON socialtjanst_investigation; CREATE TRIGGER'
     ' todo_flow_investigation_del AFTER DELETE ON socialtjanst_investigation REFERENCING OLD TABLE AS cha'
     'nged FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_investigation_del();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_investigation_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGI'
     'N DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM'
     ' (SELECT b.* FROM before b JOIN changed n ON n.id = b.id WHERE b.case_id IS DISTINCT FROM n.case_id '
     'OR b.started_on IS DISTINCT FROM n.started_on OR b.completed_on IS DISTINCT FROM n.completed_on OR b'
     '.responsible_id IS DISTINCT FROM n.responsible_id) r JOIN socialtjanst_case c ON c.id = r.case_id UN'
     'ION ALL SELECT c.person_id FROM (SELECT n.* FROM before b JOIN changed n ON n.id = b.id WHERE b.case'
     '_id IS DISTINCT FROM n.case_id OR b.started_on IS DISTINCT FROM n.started_on OR b.completed_on IS DI'
     'STINCT FROM n.completed_on OR b.responsible_id IS DISTINCT FROM n.responsible_id) r JOIN socialtjans'
     't_case c ON c.id = r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFO'
     'RM socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS '
     'todo_flow_investigation_upd ON socialtjanst_investigation; CREATE TRIGGER todo_flow_investigation_up'
     'd AFTER UPDATE ON socialtjanst_investigation REFERENCING OLD TABLE AS before NEW TABLE AS changed FO'
     'R EACH STATEMENT EXECUTE FUNCTION todo_flow_investigation_upd();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_investigationextension_ins() RETURNS trigger LANGUAGE plpgsql A'
     'S $$ BEGIN DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.perso'
     'n_id FROM changed r JOIN socialtjanst_investigation v ON v.id = r.investigation_id JOIN socialtjanst'
     '_case c ON c.id = v.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFOR'
     'M socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS t'
     'odo_flow_investigationextension_ins ON socialtjanst_investigationextension; CREATE TRIGGER todo_flow'
     '_investigationextension_ins AFTER INSERT ON socialtjanst_investigationextension REFERENCING NEW TABL'
     'E AS changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_investigationextension_ins();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_investigationextension_del() RETURNS trigger LANGUAGE plpgsql A'
     'S $$ BEGIN DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.perso'
     'n_id FROM changed r JOIN socialtjanst_investigation v ON v.id = r.investigation_id JOIN socialtjanst'
     '_case c ON c.id = v.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFOR'
     'M socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS t'
     'odo_flow_investigationextension_del ON socialtjanst_investigationextension; CREATE TRIGGER todo_flow'
     '_investigationextension_del AFTER DELETE ON socialtjanst_investigationextension REFERENCING OLD TABL'
     'E AS changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_investigationextension_del();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_investigationextension_upd() RETURNS trigger LANGUAGE plpgsql A'
     'S $$ BEGIN DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.perso'
     'n_id FROM (SELECT b.* FROM before b JOIN changed n ON n.id = b.id WHERE b.investigation_id IS DISTIN'
     'CT FROM n.investigation_id OR b.decided_on IS DISTINCT FROM n.decided_on OR b.new_due_on IS DISTINCT'
     ' FROM n.new_due_on) r JOIN socialtjanst_investigation v ON v.id = r.investigation_id JOIN socialtjan'
     'st_case c ON c.id = v.case_id UNION ALL SELECT c.person_id FROM (SELECT n.* FROM before b JOIN chang'
     'ed n ON n.id = b.id WHERE b.investigation_id IS DISTINCT FROM n.investigation_id OR b.decided_on IS '
     'DISTINCT FROM n.decided_on OR b.new_due_on IS DISTINCT FROM n.new_due_on) r JOIN socialtjanst_invest'
     'igation v ON v.id = r.investigation_id JOIN socialtjanst_case c ON c.id = v.case_id) x(pid) WHERE x.'
     'pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM socialtjanst_todo_refresh_flow(todo_p); EN'
     'D IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_investigationextension_upd ON socia'
     'ltjanst_investigationextension; CREATE TRIGGER todo_flow_investigationextension_upd AFTER UPDATE ON '
     'socialtjanst_investigationextension REFERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH ST'
     'ATEMENT EXECUTE FUNCTION todo_flow_investigationextension_upd();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_decision_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DEC'
     'LARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM chan'
     'ged r JOIN socialtjanst_case c ON c.id = r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality('
     'todo_p) > 0 THEN PERFORM socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; D'
     'ROP TRIGGER IF EXISTS todo_flow_decision_ins ON socialtjanst_decision; CREATE TRIGGER todo_flow_deci'
     'sion_ins AFTER INSERT ON socialtjanst_decision REFERENCING NEW TABLE AS changed FOR EACH STATEMENT E'
     'XECUTE FUNCTION todo_flow_decision_ins();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_decision_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DEC'
     'LARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM chan'
     'ged r JOIN socialtjanst_case c ON c.id = r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality('
     'todo_p) > 0 THEN PERFORM socialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; D'
     'ROP TRIGGER IF EXISTS todo_flow_decision_del ON socialtjanst_decision; CREATE TRIGGER todo_flow_deci'
     'sion_del AFTER DELETE ON socialtjanst_decision REFERENCING OLD TABLE AS changed FOR EACH STATEMENT E'
     'XECUTE FUNCTION todo_flow_decision_del();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_decision_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DEC'
     'LARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.person_id FROM (SEL'
     'ECT b.* FROM before b JOIN changed n ON n.id = b.id WHERE b.case_id IS DISTINCT FROM n.case_id OR b.'
     'decided_on IS DISTINCT FROM n.decided_on) r JOIN socialtjanst_case c ON c.id = r.case_id UNION ALL S'
     'ELECT c.person_id FROM (SELECT n.* FROM before b JOIN changed n ON n.id = b.id WHERE b.case_id IS DI'
     'STINCT FROM n.case_id OR b.decided_on IS DISTINCT FROM n.decided_on) r JOIN socialtjanst_case c ON c'
     '.id = r.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM socialtjan'
     'st_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_dec'
     'ision_upd ON socialtjanst_decision; CREATE TRIGGER todo_flow_decision_upd AFTER UPDATE ON socialtjan'
     'st_decision REFERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION'
     ' todo_flow_decision_upd();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_decisionawaitingenforcement_ins() RETURNS trigger LANGUAGE plpg'
     'sql AS $$ BEGIN DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.'
     'person_id FROM changed r JOIN socialtjanst_decision d ON d.id = r.decision_id JOIN socialtjanst_case'
     ' c ON c.id = d.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM soc'
     'ialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_f'
     'low_decisionawaitingenforcement_ins ON socialtjanst_decision_awaiting_enforcement; CREATE TRIGGER to'
     'do_flow_decisionawaitingenforcement_ins AFTER INSERT ON socialtjanst_decision_awaiting_enforcement R'
     'EFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_decisionawaitingenforc'
     'ement_ins();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_decisionawaitingenforcement_del() RETURNS trigger LANGUAGE plpg'
     'sql AS $$ BEGIN DECLARE todo_p bigint[]; BEGIN todo_p := ARRAY(SELECT DISTINCT x.pid FROM (SELECT c.'
     'person_id FROM changed r JOIN socialtjanst_decision d ON d.id = r.decision_id JOIN socialtjanst_case'
     ' c ON c.id = d.case_id) x(pid) WHERE x.pid IS NOT NULL); IF cardinality(todo_p) > 0 THEN PERFORM soc'
     'ialtjanst_todo_refresh_flow(todo_p); END IF; END; RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_f'
     'low_decisionawaitingenforcement_del ON socialtjanst_decision_awaiting_enforcement; CREATE TRIGGER to'
     'do_flow_decisionawaitingenforcement_del AFTER DELETE ON socialtjanst_decision_awaiting_enforcement R'
     'EFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_decisionawaitingenforc'
     'ement_del();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_case_trunc() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELET'
     'E FROM socialtjanst_todo_item WHERE part < 100; PERFORM socialtjanst_todo_refresh_flow(ARRAY(SELECT '
     'id FROM socialtjanst_person)); RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_case_trunc ON s'
     'ocialtjanst_case; CREATE TRIGGER todo_flow_case_trunc AFTER TRUNCATE ON socialtjanst_case FOR EACH S'
     'TATEMENT EXECUTE FUNCTION todo_flow_case_trunc();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_intake_trunc() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DEL'
     'ETE FROM socialtjanst_todo_item WHERE part < 100; PERFORM socialtjanst_todo_refresh_flow(ARRAY(SELEC'
     'T id FROM socialtjanst_person)); RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_intake_trunc '
     'ON socialtjanst_intake; CREATE TRIGGER todo_flow_intake_trunc AFTER TRUNCATE ON socialtjanst_intake '
     'FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_intake_trunc();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_intakeawaitingscreening_trunc() RETURNS trigger LANGUAGE plpgsq'
     'l AS $$ BEGIN DELETE FROM socialtjanst_todo_item WHERE part < 100; PERFORM socialtjanst_todo_refresh'
     '_flow(ARRAY(SELECT id FROM socialtjanst_person)); RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_f'
     'low_intakeawaitingscreening_trunc ON socialtjanst_intake_awaiting_screening; CREATE TRIGGER todo_flo'
     'w_intakeawaitingscreening_trunc AFTER TRUNCATE ON socialtjanst_intake_awaiting_screening FOR EACH ST'
     'ATEMENT EXECUTE FUNCTION todo_flow_intakeawaitingscreening_trunc();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_investigation_trunc() RETURNS trigger LANGUAGE plpgsql AS $$ BE'
     'GIN DELETE FROM socialtjanst_todo_item WHERE part < 100; PERFORM socialtjanst_todo_refresh_flow(ARRA'
     'Y(SELECT id FROM socialtjanst_person)); RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_invest'
     'igation_trunc ON socialtjanst_investigation; CREATE TRIGGER todo_flow_investigation_trunc AFTER TRUN'
     'CATE ON socialtjanst_investigation FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_investigation_trunc'
     '();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_investigationextension_trunc() RETURNS trigger LANGUAGE plpgsql'
     ' AS $$ BEGIN DELETE FROM socialtjanst_todo_item WHERE part < 100; PERFORM socialtjanst_todo_refresh_'
     'flow(ARRAY(SELECT id FROM socialtjanst_person)); RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_fl'
     'ow_investigationextension_trunc ON socialtjanst_investigationextension; CREATE TRIGGER todo_flow_inv'
     'estigationextension_trunc AFTER TRUNCATE ON socialtjanst_investigationextension FOR EACH STATEMENT E'
     'XECUTE FUNCTION todo_flow_investigationextension_trunc();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_decision_trunc() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN D'
     'ELETE FROM socialtjanst_todo_item WHERE part < 100; PERFORM socialtjanst_todo_refresh_flow(ARRAY(SEL'
     'ECT id FROM socialtjanst_person)); RETURN NULL; END $$; DROP TRIGGER IF EXISTS todo_flow_decision_tr'
     'unc ON socialtjanst_decision; CREATE TRIGGER todo_flow_decision_trunc AFTER TRUNCATE ON socialtjanst'
     '_decision FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_decision_trunc();'),
    ('CREATE OR REPLACE FUNCTION todo_flow_decisionawaitingenforcement_trunc() RETURNS trigger LANGUAGE pl'
     'pgsql AS $$ BEGIN DELETE FROM socialtjanst_todo_item WHERE part < 100; PERFORM socialtjanst_todo_ref'
     'resh_flow(ARRAY(SELECT id FROM socialtjanst_person)); RETURN NULL; END $$; DROP TRIGGER IF EXISTS to'
     'do_flow_decisionawaitingenforcement_trunc ON socialtjanst_decision_awaiting_enforcement; CREATE TRIG'
     'GER todo_flow_decisionawaitingenforcement_trunc AFTER TRUNCATE ON socialtjanst_decision_awaiting_enf'
     'orcement FOR EACH STATEMENT EXECUTE FUNCTION todo_flow_decisionawaitingenforcement_trunc();'),
    ('INSERT INTO socialtjanst_todo_item (part, obj, case_id, person_id, unit_id, resp_id, due_on, kind, v'
     'isible_from, visible_until, lead_due) SELECT i.t_part, i.t_obj, i.t_case, c.person_id, i.t_unit_id, '
     'i.t_resp, i.t_due, i.t_kind, i.t_from, i.t_until, i.t_lead FROM ((SELECT 0 AS "t_part", "socialtjans'
     't_intake"."id" AS "t_obj", "socialtjanst_intake"."case_id" AS "t_case", "socialtjanst_case"."respons'
     'ible_id" AS "t_resp", false AS "t_by_case", CASE WHEN ("socialtjanst_intake"."received_on" >= \'1900-'
     '01-01\'::date AND "socialtjanst_intake"."received_on" <= \'2100-12-31\'::date) THEN ("socialtjanst_inta'
     'ke"."received_on") ELSE NULL END AS "t_due", CASE WHEN ("socialtjanst_intake"."received_on" >= \'1900'
     '-01-01\'::date AND "socialtjanst_intake"."received_on" <= \'2100-12-31\'::date) THEN \'Omedelbar skyddsb'
     'edömning\' ELSE \'Omedelbar skyddsbedömning (Datum utanför giltigt intervall)\' END AS "t_kind", "socia'
     'ltjanst_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t_from", (NULL)::date AS "t_until", (NULL):'
     ':date AS "t_lead" FROM "socialtjanst_intake" INNER JOIN "socialtjanst_case" ON ("socialtjanst_intake'
     '"."case_id" = "socialtjanst_case"."id") WHERE ("socialtjanst_intake"."case_id" IN (SELECT U0."id" FR'
     'OM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SELECT id FROM socialtjanst_person) AND U0."stat'
     'us" = \'pagaende\')) AND "socialtjanst_intake"."id" IN (SELECT intake_id FROM socialtjanst_intake_awai'
     'ting_screening) AND ("socialtjanst_intake"."kind" = \'orosanmalan\' AND "socialtjanst_intake"."target_'
     'group" = \'barn_unga\') AND "socialtjanst_intake"."safety_assessed_on" IS NULL)) UNION ALL (SELECT 1 A'
     'S "t_part", "socialtjanst_intake"."id" AS "t_obj", "socialtjanst_intake"."case_id" AS "t_case", "soc'
     'ialtjanst_case"."responsible_id" AS "t_resp", false AS "t_by_case", CASE WHEN ("socialtjanst_intake"'
     '."received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."received_on" <= \'2100-12-31\'::date) '
     'THEN ("socialtjanst_intake"."received_on" + 14) ELSE NULL END AS "t_due", CASE WHEN ("socialtjanst_i'
     'ntake"."received_on" >= \'1900-01-01\'::date AND "socialtjanst_intake"."received_on" <= \'2100-12-31\'::'
     'date) THEN \'Förhandsbedömning\' ELSE \'Förhandsbedömning (Datum utanför giltigt intervall)\' END AS "t_'
     'kind", "socialtjanst_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t_from", (NULL)::date AS "t_un'
     'til", (NULL)::date AS "t_lead" FROM "socialtjanst_intake" INNER JOIN "socialtjanst_case" ON ("social'
     'tjanst_intake"."case_id" = "socialtjanst_case"."id") WHERE ("socialtjanst_intake"."case_id" IN (SELE'
     'CT U0."id" FROM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SELECT id FROM socialtjanst_person)'
     ' AND U0."status" = \'pagaende\')) AND "socialtjanst_intake"."id" IN (SELECT intake_id FROM socialtjans'
     't_intake_awaiting_screening) AND "socialtjanst_intake"."target_group" IN (\'barn_unga\'))) UNION ALL ('
     'SELECT 2 AS "t_part", "socialtjanst_investigation"."id" AS "t_obj", "socialtjanst_investigation"."ca'
     'se_id" AS "t_case", "socialtjanst_investigation"."responsible_id" AS "t_resp", false AS "t_by_case",'
     ' CASE WHEN ("socialtjanst_investigation"."started_on" >= \'1900-01-01\'::date AND "socialtjanst_invest'
     'igation"."started_on" <= \'2100-12-31\'::date AND NOT ("socialtjanst_investigation"."id" IN (SELECT U0'
     '."investigation_id" AS "investigation_id" FROM "socialtjanst_investigationextension" U0 WHERE NOT (U'
     '0."decided_on" >= \'1900-01-01\'::date AND U0."decided_on" <= \'2100-12-31\'::date AND U0."new_due_on" >'
     '= \'1900-01-01\'::date AND U0."new_due_on" <= \'2100-12-31\'::date)))) THEN COALESCE((SELECT U0."new_due'
     '_on" AS "new_due_on" FROM "socialtjanst_investigationextension" U0 WHERE U0."investigation_id" = ("s'
     'ocialtjanst_investigation"."id") ORDER BY U0."decided_on" DESC, 1 DESC LIMIT 1), (("socialtjanst_inv'
     'estigation"."started_on" + interval \'4 months\')::date)) ELSE NULL END AS "t_due", CASE WHEN ("social'
     'tjanst_investigation"."started_on" >= \'1900-01-01\'::date AND "socialtjanst_investigation"."started_o'
     'n" <= \'2100-12-31\'::date AND NOT ("socialtjanst_investigation"."id" IN (SELECT U0."investigation_id"'
     ' AS "investigation_id" FROM "socialtjanst_investigationextension" U0 WHERE NOT (U0."decided_on" >= \''
     '1900-01-01\'::date AND U0."decided_on" <= \'2100-12-31\'::date AND U0."new_due_on" >= \'1900-01-01\'::dat'
     'e AND U0."new_due_on" <= \'2100-12-31\'::date)))) THEN \'Utredning\' ELSE \'Utredning (Datum utanför gilt'
     'igt intervall)\' END AS "t_kind", "socialtjanst_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t_fr'
     'om", (NULL)::date AS "t_until", (NULL)::date AS "t_lead" FROM "socialtjanst_investigation" INNER JOI'
     'N "socialtjanst_case" ON ("socialtjanst_investigation"."case_id" = "socialtjanst_case"."id") WHERE ('
     '"socialtjanst_investigation"."case_id" IN (SELECT U0."id" FROM "socialtjanst_case" U0 WHERE (U0."per'
     'son_id" IN (SELECT id FROM socialtjanst_person) AND U0."status" = \'pagaende\')) AND "socialtjanst_inv'
     'estigation"."completed_on" IS NULL)) UNION ALL (SELECT 3 AS "t_part", "socialtjanst_decision"."id" A'
     'S "t_obj", "socialtjanst_decision"."case_id" AS "t_case", "socialtjanst_case"."responsible_id" AS "t'
     '_resp", false AS "t_by_case", CASE WHEN ("socialtjanst_decision"."decided_on" >= \'1900-01-01\'::date '
     'AND "socialtjanst_decision"."decided_on" <= \'2100-12-31\'::date) THEN (("socialtjanst_decision"."deci'
     'ded_on" + interval \'3 months\')::date) ELSE NULL END AS "t_due", CASE WHEN ("socialtjanst_decision"."'
     'decided_on" >= \'1900-01-01\'::date AND "socialtjanst_decision"."decided_on" <= \'2100-12-31\'::date) TH'
     'EN \'Verkställighet\' ELSE \'Verkställighet (Datum utanför giltigt intervall)\' END AS "t_kind", "social'
     'tjanst_case"."unit_id" AS "t_unit_id", (NULL)::date AS "t_from", (NULL)::date AS "t_until", (NULL)::'
     'date AS "t_lead" FROM "socialtjanst_decision" INNER JOIN "socialtjanst_case" ON ("socialtjanst_decis'
     'ion"."case_id" = "socialtjanst_case"."id") WHERE ("socialtjanst_decision"."case_id" IN (SELECT U0."i'
     'd" FROM "socialtjanst_case" U0 WHERE (U0."person_id" IN (SELECT id FROM socialtjanst_person) AND U0.'
     '"status" = \'pagaende\')) AND "socialtjanst_decision"."id" IN (SELECT decision_id FROM socialtjanst_de'
     'cision_awaiting_enforcement)))) i JOIN socialtjanst_case c ON c.id = i.t_case ON CONFLICT (part, obj'
     ') DO NOTHING'),
    ('ANALYZE socialtjanst_todo_item'),
]

BACKWARD = [
    ('DROP TRIGGER IF EXISTS todo_flow_case_ins ON socialtjanst_case; DROP FUNCTION IF EXISTS todo_flow_ca'
     'se_ins()'),
    ('DROP TRIGGER IF EXISTS todo_flow_case_del ON socialtjanst_case; DROP FUNCTION IF EXISTS todo_flow_ca'
     'se_del()'),
    ('DROP TRIGGER IF EXISTS todo_flow_case_upd ON socialtjanst_case; DROP FUNCTION IF EXISTS todo_flow_ca'
     'se_upd()'),
    ('DROP TRIGGER IF EXISTS todo_flow_intake_ins ON socialtjanst_intake; DROP FUNCTION IF EXISTS todo_flo'
     'w_intake_ins()'),
    ('DROP TRIGGER IF EXISTS todo_flow_intake_del ON socialtjanst_intake; DROP FUNCTION IF EXISTS todo_flo'
     'w_intake_del()'),
    ('DROP TRIGGER IF EXISTS todo_flow_intake_upd ON socialtjanst_intake; DROP FUNCTION IF EXISTS todo_flo'
     'w_intake_upd()'),
    ('DROP TRIGGER IF EXISTS todo_flow_intakeawaitingscreening_ins ON socialtjanst_intake_awaiting_screeni'
     'ng; DROP FUNCTION IF EXISTS todo_flow_intakeawaitingscreening_ins()'),
    ('DROP TRIGGER IF EXISTS todo_flow_intakeawaitingscreening_del ON socialtjanst_intake_awaiting_screeni'
     'ng; DROP FUNCTION IF EXISTS todo_flow_intakeawaitingscreening_del()'),
    ('DROP TRIGGER IF EXISTS todo_flow_investigation_ins ON socialtjanst_investigation; DROP FUNCTION IF E'
     'XISTS todo_flow_investigation_ins()'),
    ('DROP TRIGGER IF EXISTS todo_flow_investigation_del ON socialtjanst_investigation; DROP FUNCTION IF E'
     'XISTS todo_flow_investigation_del()'),
    ('DROP TRIGGER IF EXISTS todo_flow_investigation_upd ON socialtjanst_investigation; DROP FUNCTION IF E'
     'XISTS todo_flow_investigation_upd()'),
    ('DROP TRIGGER IF EXISTS todo_flow_investigationextension_ins ON socialtjanst_investigationextension; '
     'DROP FUNCTION IF EXISTS todo_flow_investigationextension_ins()'),
    ('DROP TRIGGER IF EXISTS todo_flow_investigationextension_del ON socialtjanst_investigationextension; '
     'DROP FUNCTION IF EXISTS todo_flow_investigationextension_del()'),
    ('DROP TRIGGER IF EXISTS todo_flow_investigationextension_upd ON socialtjanst_investigationextension; '
     'DROP FUNCTION IF EXISTS todo_flow_investigationextension_upd()'),
    ('DROP TRIGGER IF EXISTS todo_flow_decision_ins ON socialtjanst_decision; DROP FUNCTION IF EXISTS todo'
     '_flow_decision_ins()'),
    ('DROP TRIGGER IF EXISTS todo_flow_decision_del ON socialtjanst_decision; DROP FUNCTION IF EXISTS todo'
     '_flow_decision_del()'),
    ('DROP TRIGGER IF EXISTS todo_flow_decision_upd ON socialtjanst_decision; DROP FUNCTION IF EXISTS todo'
     '_flow_decision_upd()'),
    ('DROP TRIGGER IF EXISTS todo_flow_decisionawaitingenforcement_ins ON socialtjanst_decision_awaiting_e'
     'nforcement; DROP FUNCTION IF EXISTS todo_flow_decisionawaitingenforcement_ins()'),
    ('DROP TRIGGER IF EXISTS todo_flow_decisionawaitingenforcement_del ON socialtjanst_decision_awaiting_e'
     'nforcement; DROP FUNCTION IF EXISTS todo_flow_decisionawaitingenforcement_del()'),
    ('DROP TRIGGER IF EXISTS todo_flow_case_trunc ON socialtjanst_case; DROP FUNCTION IF EXISTS todo_flow_'
     'case_trunc()'),
    ('DROP TRIGGER IF EXISTS todo_flow_intake_trunc ON socialtjanst_intake; DROP FUNCTION IF EXISTS todo_f'
     'low_intake_trunc()'),
    ('DROP TRIGGER IF EXISTS todo_flow_intakeawaitingscreening_trunc ON socialtjanst_intake_awaiting_scree'
     'ning; DROP FUNCTION IF EXISTS todo_flow_intakeawaitingscreening_trunc()'),
    ('DROP TRIGGER IF EXISTS todo_flow_investigation_trunc ON socialtjanst_investigation; DROP FUNCTION IF'
     ' EXISTS todo_flow_investigation_trunc()'),
    ('DROP TRIGGER IF EXISTS todo_flow_investigationextension_trunc ON socialtjanst_investigationextension'
     '; DROP FUNCTION IF EXISTS todo_flow_investigationextension_trunc()'),
    ('DROP TRIGGER IF EXISTS todo_flow_decision_trunc ON socialtjanst_decision; DROP FUNCTION IF EXISTS to'
     'do_flow_decision_trunc()'),
    ('DROP TRIGGER IF EXISTS todo_flow_decisionawaitingenforcement_trunc ON socialtjanst_decision_awaiting'
     '_enforcement; DROP FUNCTION IF EXISTS todo_flow_decisionawaitingenforcement_trunc()'),
    ('DROP FUNCTION IF EXISTS socialtjanst_todo_refresh_flow(bigint[])'),
    ('DROP TABLE IF EXISTS socialtjanst_todo_item'),
]


def revoke(apps, schema_editor):
    """The triggers run as the role that made the change (the app's): they insert and delete kept rows, nothing
    more, so the app role may not rewrite or empty them."""
    role = settings.DATABASE_APP_ROLE
    if role:
        with schema_editor.connection.cursor() as cur:
            cur.execute(f"REVOKE UPDATE, TRUNCATE ON socialtjanst_todo_item FROM {schema_editor.quote_name(role)}")


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0025_intake_kept")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD), migrations.RunPython(revoke, migrations.RunPython.noop)]
