"""`make bench ARGS="--scale national"` (issue 19 point 4): a national-scale municipality built set-based in SQL.

Into a freshly migrated database: the demo units and users (socialtjanst.demo.load_demo with no persons), then
with generate_series, in minutes: persons, about 300 000 placements with a price period per calendar year, and
1 000 000 cases, each with an intake, most with a screening, some with an investigation and a decision. The
dirty-month and pghistory triggers are off during the load, as in bench/generate.py. Every NOT NULL column the
statements do not set takes its Django default (insert_select), so a new column does not break the bench.
The numbers are synthetic: personnummer in Skatteverket's test series, Luhn digit included.
"""

import re
import time

from django.db import connection, transaction

from common import kept

LOADED_TABLES = ("socialtjanst_person", "placements_provider", "placements_placement", "placements_priceperiod",
                 "socialtjanst_case", "socialtjanst_intake", "socialtjanst_screening", "socialtjanst_investigation",
                 "socialtjanst_decision", "socialtjanst_intervention")
OFF_DURING_LOAD = "tgname LIKE 'pgtrigger_%%' OR tgname LIKE 'budget_%%'"
# The trigger-kept report tables' triggers (common.kept's registered ones, on whatever table they sit) are off too:
# on, each bulk INSERT of the load would refresh every person or case at once (one such refresh ran for over 16
# minutes). The tables are made anew once afterwards (common.kept.refill). ALTER TABLE rather than common.kept.paused:
# a paused trigger still collects its statement's transition table, a million rows here.

LUHN = """CREATE FUNCTION pg_temp.luhn(digits text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT (10 - SUM(CASE WHEN d > 9 THEN d - 9 ELSE d END) % 10) % 10
  FROM (SELECT substr(digits, i, 1)::int * (2 - (i - 1) % 2) AS d FROM generate_series(1, length(digits)) AS i) x
$$"""


def insert_select(cur, model, values: dict[str, str], from_sql: str, params: dict | None = None) -> int:
    """INSERT INTO the model's table SELECT `values` (column → SQL) FROM `from_sql`; every other NOT NULL
    column gets the model field's default. Returns the row count."""
    params = dict(params or {})
    columns, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "generated", False):
            continue
        if f.column in values:
            columns.append(f.column)
            exprs.append(values[f.column])
        elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            columns.append(f.column)
            exprs.append("now()")
        elif not f.null and not f.has_db_default():
            key = f"default_{f.column}"
            params[key] = f.get_db_prep_value(f.get_default(), connection)
            columns.append(f.column)
            exprs.append(f"%({key})s")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {from_sql}"
    cur.execute(re.sub(r"%(?!\()", "%%", sql), params)  # the statements' own % is modulo
    return cur.rowcount


def _id_number(birth: str, serial: str) -> str:
    """SQL for a test-series personnummer from a birth date and a serial 0–19."""
    short = f"to_char({birth}, 'YYMMDD') || (980 + {serial})::text"
    return f"to_char({birth}, 'YYYYMMDD') || '-' || (980 + {serial})::text || pg_temp.luhn({short})::text"


def build(*, persons: int = 300_000, cases: int = 1_000_000) -> dict:
    """Loads the national set into a migrated, empty database; returns the counts and seconds."""
    from django.contrib.auth.models import User

    from placements.models import CareType, Placement, PricePeriod, Provider
    from socialtjanst.demo import load_demo
    from socialtjanst.models import Unit

    started = time.perf_counter()
    load_demo(persons=0)
    units = dict(Unit.objects.values_list("code", "id"))
    worker = User.objects.get(username="handlaggare").pk
    counts = {}
    with transaction.atomic(), connection.cursor() as cur:
        triggers = _triggers_off(cur)
        cur.execute("SELECT setseed(0.19)")
        cur.execute(LUHN)
        counts["persons"] = insert_select(cur, _model("socialtjanst", "Person"), {
            "id_number": _id_number("(date '1950-01-01' + (i / 20)::int)", "(i % 20)"),
            "id_kind": "'personnummer'", "first_name": "'Test'", "last_name": "'Nationell ' || i",
            "gender": "CASE WHEN i % 2 = 0 THEN 'kvinna' ELSE 'man' END",
            "birth_date": "date '1950-01-01' + (i / 20)::int"}, "generate_series(0, %(n)s - 1) AS i", {"n": persons})
        insert_select(cur, Provider, {
            "name": "'Nationell utförare ' || i || ' AB'",
            "org_number": "'559' || lpad(i::text, 3, '0') || '-' || lpad(i::text, 3, '0') "
                          "|| pg_temp.luhn('559' || lpad(i::text, 3, '0') || lpad(i::text, 3, '0'))::text",
            "code": "'NAT-' || i"}, "generate_series(1, 120) AS i")
        care = list(CareType.objects.values_list("id", "regime", "target_group"))
        cur.execute("CREATE TEMP TABLE bench_care ON COMMIT DROP AS SELECT * FROM unnest(%s::bigint[], %s::text[], "
                    "%s::text[]) WITH ORDINALITY AS c(id, regime, target_group, k)",
                    [[c[0] for c in care], [c[1] for c in care], [c[2] for c in care]])
        placements = int(persons * 0.99)
        counts["placements"] = insert_select(cur, Placement, {
            "person_id": "p.id", "care_type_id": "c.id",
            "provider_id": "CASE WHEN c.regime = 'kopt' "
                           "THEN (SELECT min(id) FROM placements_provider) + p.id % 120 END",
            "unit_id": f"CASE WHEN c.target_group = 'vuxna' THEN {units['VUXEN']} ELSE {units['FAMHEM']} END",
            "cost_centre": "ct.activity_code", "legal_basis": "CASE WHEN p.id % 7 = 0 THEN 'LVU' ELSE 'SoL' END",
            "start_on": "s.start_on",
            "end_on": "CASE WHEN p.id % 4 = 0 THEN NULL ELSE s.start_on + (10 + p.id % 900)::int END",
            "end_reason": "CASE WHEN p.id % 4 = 0 THEN '' ELSE 'enligt_plan' END",
            "ivo_checked_on": "CASE WHEN ct.requires_ivo_check THEN s.start_on END",
            "ivo_check_result": "CASE WHEN ct.requires_ivo_check THEN 'utan_anmarkning' ELSE '' END",
            "external_id": "'NAT-' || p.id", "is_24h": "ct.is_24h"},
            "(SELECT id FROM socialtjanst_person ORDER BY id LIMIT %(n)s) p "
            "JOIN bench_care c ON c.k = 1 + p.id % (SELECT count(*) FROM bench_care) "
            "JOIN placements_caretype ct ON ct.id = c.id "
            "CROSS JOIN LATERAL (SELECT date '2021-01-01' + ((p.id * 7919) % 1826)::int AS start_on) s",
            {"n": placements})
        counts["child_placements"] = _children(cur, units)
        counts["price_periods"] = insert_select(cur, PricePeriod, {
            "placement_id": "pl.id", "valid_from": "greatest(pl.start_on, make_date(y, 1, 1))",
            "valid_to": "CASE WHEN y < extract(year FROM COALESCE(pl.end_on, date '2026-06-30'))::int "
                        "THEN make_date(y + 1, 1, 1) END",
            "daily_price": "CASE WHEN ct.pricing_unit <> 'manad' THEN 1500 + pl.id % 4000 + (y - 2021) * 100 END",
            "monthly_amount": "CASE WHEN ct.pricing_unit = 'manad' THEN 20000 + pl.id % 9000 + (y - 2021) * 500 END"},
            "placements_placement pl JOIN placements_caretype ct ON ct.id = pl.care_type_id, "
            "generate_series(extract(year FROM pl.start_on)::int, "
            "extract(year FROM COALESCE(pl.end_on, date '2026-06-30'))::int) AS y")
        counts.update(_casework(cur, units, worker, persons=persons, cases=cases))
        _triggers_on(cur, triggers)
        kept.refill(cur)
        cur.execute("DELETE FROM budget_dirtymonth")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    counts["seconds"] = time.perf_counter() - started
    return counts


def _children(cur, units: dict) -> int:
    """Every other placement in a care type for children and young people is a child's: its person is born
    2008–2019 (under 18 on every start, 2021–2025) and the placement is held by the utredningsenhet for barn,
    where the person's cases lie, so Att göra and the deadline report find the follow-up clocks of issue 16
    (övervägande, vårdplan, vårdnadsöverflyttning) at national scale. Their personnummer follow the new birth
    dates; the (birth date, serial) pairs are numbered, so no two persons share one. About 106 000 placements,
    42 000 of them ongoing heldygnsvård: the order of Sweden's 27 000 children in heldygnsvård on a day. No review
    or plan is registered, so every child's clocks are open: an upper bound for the pages."""
    birth = "date '2008-01-01' + (k.r / 20)::int"
    cur.execute(f"""
        WITH k AS (SELECT pl.id AS placement_id, pl.person_id, row_number() OVER (ORDER BY pl.person_id) - 1 AS r
                   FROM placements_placement pl JOIN bench_care c ON c.id = pl.care_type_id
                   WHERE c.target_group <> 'vuxna' AND pl.person_id % 2 = 0),
             persons AS (UPDATE socialtjanst_person p SET birth_date = {birth},
                                id_number = {_id_number(birth, "(k.r % 20)")}
                         FROM k WHERE p.id = k.person_id RETURNING p.id)
        UPDATE placements_placement pl SET unit_id = {units['UTR_BARN']} FROM k WHERE pl.id = k.placement_id""")
    return cur.rowcount


def _triggers_off(cur) -> list[tuple[str, str]]:
    cur.execute("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND ((c.relname = ANY(%s) AND"
                f" ({OFF_DURING_LOAD})) OR {kept.trigger_condition()})",
                [list(LOADED_TABLES)])
    triggers = cur.fetchall()
    for table, trigger in triggers:
        cur.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{trigger}"')
    return triggers


def _triggers_on(cur, triggers) -> None:
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, trigger in triggers:
        cur.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{trigger}"')


CASEWORK_TABLES = ("socialtjanst_intervention", "socialtjanst_decision", "socialtjanst_investigationextension",
                   "socialtjanst_investigation", "socialtjanst_screening", "socialtjanst_intake", "socialtjanst_case")


def rebuild_casework(*, persons: int = 300_000, cases: int = 1_000_000) -> dict:
    """The case flow of an already built national set made again (--casework-only), its placements kept."""
    from django.contrib.auth.models import User

    from socialtjanst.models import Unit

    started = time.perf_counter()
    units = dict(Unit.objects.values_list("code", "id"))
    worker = User.objects.get(username="handlaggare").pk
    with transaction.atomic(), connection.cursor() as cur:
        triggers = _triggers_off(cur)
        for table in CASEWORK_TABLES:
            cur.execute(f"DELETE FROM {table}")
        counts = _casework(cur, units, worker, persons=persons, cases=cases)
        _triggers_on(cur, triggers)
        kept.refill(cur)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    counts["seconds"] = time.perf_counter() - started
    return counts


# A stable pseudo-random percentile 0–99 of (row id, salt): the case flow's choices are drawn with it rather than
# with `id % n`, which made every choice follow the case's own number. (With `% n` every intake without a
# förhandsbedömning, open investigation and waiting decision fell in a closed case or an adult unit: an
# enhetschef's Att göra at national scale was empty, and each unit got exactly one kind of aktualisering.)
PICK = """CREATE FUNCTION pg_temp.pick(x bigint, salt int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT (hashint8(x * 16 + salt) & 2147483647) % 100
$$"""


def _casework(cur, units: dict, worker: int, *, persons: int, cases: int) -> dict:
    """1 M cases (30 % open), each with one aktualisering; the open items (no förhandsbedömning, an open
    utredning, a favourable decision not verkställd) only in open cases, as a closed case has none."""
    from django.contrib.auth.models import User

    from socialtjanst.models import Case, Decision, Intake, Intervention, Investigation, Screening

    cur.execute(PICK)
    counts = {}
    # The handläggare answer for the cases in turn, so one handläggare's Att göra is a share of the unit's.
    staff = list(User.objects.filter(username__startswith="handlaggare").order_by("pk").values_list("pk", flat=True))
    intake_units = [units["MOTT_BARN"], units["MOTT_VUXEN"], units["UTR_BARN"], units["VUXEN"]]
    counts["cases"] = insert_select(cur, Case, {
        "person_id": "1 + (i * 7) % %(persons)s + (SELECT min(id) FROM socialtjanst_person) - 1",
        "unit_id": f"(ARRAY{intake_units})[(1 + i % 4)::int]",
        "responsible_id": f"(ARRAY{staff})[1 + pg_temp.pick(i, 13) % {len(staff)}]",
        "opened_on": "date '2022-01-01' + ((i * 31) % 1460)::int",
        "closed_on": "CASE WHEN pg_temp.pick(i, 0) < 70 "
                     "THEN date '2022-01-01' + ((i * 31) % 1460 + 20 + i % 300)::int END",
        "status": "CASE WHEN pg_temp.pick(i, 0) < 70 THEN 'avslutat' ELSE 'pagaende' END"},
        "generate_series(0, %(n)s - 1) AS i", {"n": cases, "persons": persons})
    counts["intakes"] = insert_select(cur, Intake, {
        "case_id": "c.id",
        "kind": "(ARRAY['orosanmalan','orosanmalan','ansokan','information'])[1 + pg_temp.pick(c.id, 1) % 4]",
        "received_at": "c.opened_on + time '10:00'", "received_on": "c.opened_on",
        "channel": "(ARRAY['telefon','e_tjanst','brev','e_post'])[1 + pg_temp.pick(c.id, 2) % 4]",
        "target_group": "u.target_group", "reporter_category": "'skola'", "registered_by_id": str(worker),
        "safety_assessed_on": "CASE WHEN pg_temp.pick(c.id, 3) < 50 THEN c.opened_on END",
        "safety_result": "CASE WHEN pg_temp.pick(c.id, 3) < 50 THEN 'inget_akut_skyddsbehov' ELSE '' END"},
        "socialtjanst_case c JOIN socialtjanst_unit u ON u.id = c.unit_id")
    # One in ten open cases still waits for its förhandsbedömning.
    counts["screenings"] = insert_select(cur, Screening, {
        "intake_id": "n.id", "decided_on": "n.received_on + pg_temp.pick(n.id, 4) % 20",
        "outcome": "CASE WHEN pg_temp.pick(n.id, 5) < 40 THEN 'inleda' ELSE 'inte_inleda' END",
        "decided_by_id": str(worker)},
        "socialtjanst_intake n JOIN socialtjanst_case c ON c.id = n.case_id "
        "WHERE c.status = 'avslutat' OR pg_temp.pick(n.id, 6) >= 10")
    # Two in five of an open case's utredningar are still open.
    counts["investigations"] = insert_select(cur, Investigation, {
        "case_id": "n.case_id", "screening_id": "s.id", "started_on": "s.decided_on",
        "responsible_id": "c.responsible_id",
        "completed_on": "CASE WHEN c.status = 'avslutat' OR pg_temp.pick(s.id, 7) >= 40 "
                        "THEN s.decided_on + 30 + pg_temp.pick(s.id, 8) * 3 / 2 END",
        "outcome": "CASE WHEN c.status = 'avslutat' OR pg_temp.pick(s.id, 7) >= 40 "
                   "THEN (ARRAY['insats','ingen_insats'])[1 + pg_temp.pick(s.id, 9) % 2] ELSE '' END"},
        "socialtjanst_screening s JOIN socialtjanst_intake n ON n.id = s.intake_id "
        "JOIN socialtjanst_case c ON c.id = n.case_id WHERE s.outcome = 'inleda'")
    counts["decisions"] = insert_select(cur, Decision, {
        "case_id": "v.case_id", "investigation_id": "v.id", "legal_basis": "'SoL'",
        "kind": "(ARRAY['bistand','avslag','vard'])[1 + pg_temp.pick(v.id, 10) % 3]", "decided_on": "v.completed_on",
        "decided_by_id": str(worker)},
        "socialtjanst_investigation v WHERE v.outcome = 'insats'")
    # A favourable decision's insats is verkställd, except for three in ten of an open case's.
    counts["interventions"] = insert_select(cur, Intervention, {
        "decision_id": "d.id", "kind": "'annat'", "started_on": "d.decided_on + pg_temp.pick(d.id, 11)"},
        "socialtjanst_decision d JOIN socialtjanst_case c ON c.id = d.case_id "
        "WHERE d.kind IN ('bistand', 'vard') AND (c.status = 'avslutat' OR pg_temp.pick(d.id, 12) >= 30)")
    # A placed child's ongoing heldygnsvård is followed in an open case of its own in the placement's unit, which
    # the drawn cases above seldom are: without it Att göra would find none of the children's clocks. The load's
    # tables have no statistics yet inside its transaction: without ANALYZE the NOT EXISTS below is planned as a
    # nested loop over a million cases per child.
    cur.execute("ANALYZE socialtjanst_case, placements_placement")
    counts["child_cases"] = insert_select(cur, Case, {
        "person_id": "k.person_id", "unit_id": "k.unit_id", "opened_on": "k.start_on", "status": "'pagaende'",
        "responsible_id": f"(ARRAY{staff})[1 + k.person_id % {len(staff)}]"},
        f"(SELECT DISTINCT ON (pl.person_id) pl.person_id, pl.unit_id, pl.start_on FROM placements_placement pl "
        f"WHERE pl.unit_id = {units['UTR_BARN']} AND pl.end_on IS NULL AND pl.voided_reason = '' "
        "AND NOT EXISTS (SELECT 1 FROM socialtjanst_case c WHERE c.person_id = pl.person_id "
        "AND c.unit_id = pl.unit_id AND c.status = 'pagaende') ORDER BY pl.person_id, pl.start_on) k")
    return counts


def _model(app: str, name: str):
    from django.apps import apps

    return apps.get_model(app, name)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from .run import _n, _s, django_setup

    parser = argparse.ArgumentParser(description="Bygger den nationella datamängden (make bench --scale national)")
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--casework-only", action="store_true",
                        help="gör om ärendeflödet i en redan byggd nationell databas (placeringarna står kvar)")
    args = parser.parse_args(argv)
    django_setup()
    counts = (rebuild_casework if args.casework_only else build)(persons=args.persons, cases=args.cases)
    print("Nationell datamängd / national data set: " + ", ".join(
        f"{k} {_n(v)}" for k, v in counts.items() if k != "seconds") + f" — byggd på {_s(counts['seconds'])}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
