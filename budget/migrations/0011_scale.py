"""National scale (issue 19 point 1).

Marks made once per transaction: a placement import changes thousands of placements and price periods in one
transaction, and every one of them upserted the same few budget_dirtymonth rows again. Each upsert left one more
row version that the next probe had to walk (the versions are the open transaction's own, so nothing can prune
them), so the import grew with the square of the file. budget_mark_months now remembers, in a transaction-local
setting, the months it has already marked in this transaction and skips them. The set of marked months is
unchanged (tests/budget/test_marks.py runs random changes under both versions); only the repeated rewrites go.
The memory is forgotten whenever marks are deleted in the transaction (the roll-up clears what it computed, a
test empties the table), and a rolled-back savepoint rolls the setting back with its marks.
Months are kept as year * 12 + month numbers, so no DateStyle can change how they read back.
Inserted placements and price periods are marked once per statement, from the statement's new rows (a
transition table), rather than once per row: the import writes them a thousand at a time. Updates and
deletes stay row by row (what they mark depends on each row's old and new values, budget/0003 and 0008).

The indexes the one-month roll-up reads through are placements/0012_scale.
"""

from django.db import migrations

CAP = "date_trunc('month', current_date)::date"  # months after the current one are not marked (budget/0002)

CACHED = rf"""
CREATE FUNCTION budget_mark_month_list(wanted date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  done int[];
  fresh date[];
BEGIN
  done := COALESCE(NULLIF(current_setting('budget.marked_months', true), ''), '{{}}')::int[];
  SELECT array_agg(DISTINCT m) INTO fresh FROM unnest(wanted) AS m
  WHERE m <= {CAP} AND NOT ((extract(year FROM m) * 12 + extract(month FROM m))::int = ANY(done));
  IF fresh IS NULL THEN RETURN; END IF;
  INSERT INTO budget_dirtymonth (month, seq, marked_at)
  SELECT f, nextval('budget_dirtymonth_seq'), clock_timestamp() FROM unnest(fresh) AS f
  ON CONFLICT (month) DO UPDATE SET seq = EXCLUDED.seq, marked_at = EXCLUDED.marked_at;
  PERFORM set_config('budget.marked_months',
                     (done || ARRAY(SELECT (extract(year FROM f) * 12 + extract(month FROM f))::int
                                    FROM unnest(fresh) AS f))::text,
                     true);
END $$;

CREATE OR REPLACE FUNCTION budget_mark_months(lo date, hi date) RETURNS void LANGUAGE sql AS $$
  SELECT budget_mark_month_list(ARRAY(
    SELECT m::date FROM generate_series(date_trunc('month', lo), date_trunc('month', LEAST(hi - 1, {CAP})),
                                        interval '1 month') AS m
    WHERE lo IS NOT NULL));
$$;

CREATE FUNCTION budget_marks_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A mark this transaction made may be gone: mark again on the next change.
  PERFORM set_config('budget.marked_months', '', true);
  RETURN NULL;
END $$;
CREATE TRIGGER budget_dirtymonth_forget AFTER DELETE OR TRUNCATE ON budget_dirtymonth
  FOR EACH STATEMENT EXECUTE FUNCTION budget_marks_deleted();

-- Inserted placements: their counted range and the month of their end date (budget/0008).
CREATE FUNCTION budget_placements_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM budget_mark_month_list(ARRAY(
    SELECT m::date FROM new_rows n,
      generate_series(date_trunc('month', lower(n.period)), date_trunc('month', LEAST(upper(n.period) - 1, {CAP})),
                      interval '1 month') AS m
    WHERE n.period IS NOT NULL AND NOT isempty(n.period)
    UNION
    SELECT date_trunc('month', n.end_on)::date FROM new_rows n WHERE n.end_on IS NOT NULL));
  RETURN NULL;
END $$;
DROP TRIGGER budget_placement_dirty ON placements_placement;
CREATE TRIGGER budget_placement_dirty AFTER UPDATE OR DELETE ON placements_placement
  FOR EACH ROW EXECUTE FUNCTION budget_placement_changed();
CREATE TRIGGER budget_placement_dirty_inserted AFTER INSERT ON placements_placement
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION budget_placements_inserted();

-- Inserted price periods: where they overlap their placement's counted range (budget/0002).
CREATE FUNCTION budget_priceperiods_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM budget_mark_month_list(ARRAY(
    SELECT m::date FROM (SELECT n.period * p.period AS r FROM new_rows n
                         JOIN placements_placement p ON p.id = n.placement_id) x,
      generate_series(date_trunc('month', lower(x.r)), date_trunc('month', LEAST(upper(x.r) - 1, {CAP})),
                      interval '1 month') AS m
    WHERE x.r IS NOT NULL AND NOT isempty(x.r)));
  RETURN NULL;
END $$;
DROP TRIGGER budget_priceperiod_dirty ON placements_priceperiod;
CREATE TRIGGER budget_priceperiod_dirty AFTER UPDATE OR DELETE ON placements_priceperiod
  FOR EACH ROW EXECUTE FUNCTION budget_priceperiod_changed();
CREATE TRIGGER budget_priceperiod_dirty_inserted AFTER INSERT ON placements_priceperiod
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION budget_priceperiods_inserted();
"""

# Everything as budget/0002 and 0008 left it: the backward migration, and the tests run random changes under it
# and under CACHED (tests/budget/test_marks.py).
UNCACHED = r"""
DROP TRIGGER budget_priceperiod_dirty_inserted ON placements_priceperiod;
DROP TRIGGER budget_priceperiod_dirty ON placements_priceperiod;
CREATE TRIGGER budget_priceperiod_dirty AFTER INSERT OR UPDATE OR DELETE ON placements_priceperiod
  FOR EACH ROW EXECUTE FUNCTION budget_priceperiod_changed();
DROP FUNCTION budget_priceperiods_inserted();
DROP TRIGGER budget_placement_dirty_inserted ON placements_placement;
DROP TRIGGER budget_placement_dirty ON placements_placement;
CREATE TRIGGER budget_placement_dirty AFTER INSERT OR UPDATE OR DELETE ON placements_placement
  FOR EACH ROW EXECUTE FUNCTION budget_placement_changed();
DROP FUNCTION budget_placements_inserted();
DROP TRIGGER budget_dirtymonth_forget ON budget_dirtymonth;
DROP FUNCTION budget_marks_deleted();
CREATE OR REPLACE FUNCTION budget_mark_months(lo date, hi date) RETURNS void LANGUAGE sql AS $$
  INSERT INTO budget_dirtymonth (month, seq, marked_at)
  SELECT m::date, nextval('budget_dirtymonth_seq'), clock_timestamp()
  FROM generate_series(
         date_trunc('month', lo),
         date_trunc('month', LEAST(hi - 1, (date_trunc('month', current_date) + interval '1 month - 1 day')::date)),
         interval '1 month') AS m
  WHERE lo IS NOT NULL
  ON CONFLICT (month) DO UPDATE SET seq = EXCLUDED.seq, marked_at = EXCLUDED.marked_at;
$$;
DROP FUNCTION budget_mark_month_list(date[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('budget', '0010_ledger'),
    ]

    operations = [migrations.RunSQL(CACHED, UNCACHED)]
