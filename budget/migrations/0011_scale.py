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

The indexes the one-month roll-up reads through are placements/0012_scale.
"""

from django.db import migrations

CACHED = r"""
CREATE OR REPLACE FUNCTION budget_mark_months(lo date, hi date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  done int[];
  fresh date[];
BEGIN
  IF lo IS NULL THEN RETURN; END IF;
  done := COALESCE(NULLIF(current_setting('budget.marked_months', true), ''), '{}')::int[];
  SELECT array_agg(m::date) INTO fresh
  FROM generate_series(
         date_trunc('month', lo),
         date_trunc('month', LEAST(hi - 1, (date_trunc('month', current_date) + interval '1 month - 1 day')::date)),
         interval '1 month') AS m
  WHERE NOT ((extract(year FROM m) * 12 + extract(month FROM m))::int = ANY(done));
  IF fresh IS NULL THEN RETURN; END IF;
  INSERT INTO budget_dirtymonth (month, seq, marked_at)
  SELECT f, nextval('budget_dirtymonth_seq'), clock_timestamp() FROM unnest(fresh) AS f
  ON CONFLICT (month) DO UPDATE SET seq = EXCLUDED.seq, marked_at = EXCLUDED.marked_at;
  PERFORM set_config('budget.marked_months',
                     (done || ARRAY(SELECT (extract(year FROM f) * 12 + extract(month FROM f))::int
                                    FROM unnest(fresh) AS f))::text,
                     true);
END $$;

CREATE FUNCTION budget_marks_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A mark this transaction made may be gone: mark again on the next change.
  PERFORM set_config('budget.marked_months', '', true);
  RETURN NULL;
END $$;
CREATE TRIGGER budget_dirtymonth_forget AFTER DELETE OR TRUNCATE ON budget_dirtymonth
  FOR EACH STATEMENT EXECUTE FUNCTION budget_marks_deleted();
"""

# The function as budget/0002 made it: the tests run random changes under it and under CACHED.
UNCACHED_FUNCTION = r"""
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
"""

UNCACHED = """
DROP TRIGGER budget_dirtymonth_forget ON budget_dirtymonth;
DROP FUNCTION budget_marks_deleted();
""" + UNCACHED_FUNCTION


class Migration(migrations.Migration):

    dependencies = [
        ('budget', '0010_ledger'),
    ]

    operations = [migrations.RunSQL(CACHED, UNCACHED)]
