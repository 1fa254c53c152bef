"""A dirty month recomputes only what a change touched (issue 19 point 3).

A fact row's key is the month, the cost centre, the care type, the provider and the legal basis, and the cost
centre is resolved from the placement within its (care type, provider, legal basis). So a change of a placement,
price period or payment can only alter the facts of the months it touches within its placement's slice
(care type, provider or 0, legal basis) — before and after the change. Every such change now marks those slices
(budget_dirtyslice) besides the month, which it marks with whole = false; a whole month stays whole. The roll-up
recomputes a month that is not whole slice by slice, reading only that slice's placements (placements/0018's
index), and a whole month as before.

Whole months are still marked by cost-centre mapping changes, by hand (mark_months: the nightly reconciler,
closing), by statements inserting more than BULK_ROWS rows (an import) and, after BULK_MARKS slice marks in one
transaction, by every further change: a bulk change costs what it cost before, never more. The month's row is
written before its slices, in the order the roll-up locks them (the month FOR UPDATE, then its slices), so a
change and a roll-up wait for each other rather than deadlock, and a slice committed after the roll-up read the
month stays marked. The months marked are those of budget/0011 (tests/budget/test_marks.py compares them), and
one more: a placement that changes slice (or is voided or deleted) now also marks the months of its foster-care
payments, which count in their month even outside the placement's days and so moved with it unmarked.
"""

import importlib

from django.db import migrations, models

CAP = "date_trunc('month', current_date)::date"  # months after the current one are not marked (budget/0002)
MONTH_NUMBER = "(extract(year FROM {m}) * 12 + extract(month FROM {m}))::int"  # as budget/0011 keeps them
BULK_ROWS = 16  # an INSERT statement with more rows marks whole months
BULK_MARKS = 200  # slice marks per transaction before further changes mark whole months


PAYMENT_MONTHS = "ARRAY(SELECT fp.month FROM placements_fostercarepayment fp WHERE fp.placement_id = {row}.id)"


def _slice_of(row: str) -> str:
    return f"{row}.care_type_id, COALESCE({row}.provider_id, 0), {row}.legal_basis"


FORWARD = rf"""
CREATE SEQUENCE budget_dirtyslice_seq;

-- The months from lo's up to the one before hi (NULL hi: open), never after the current month.
CREATE FUNCTION budget_months(lo date, hi date) RETURNS date[] LANGUAGE sql STABLE AS $$
  SELECT ARRAY(SELECT m::date FROM generate_series(date_trunc('month', lo), date_trunc('month', LEAST(hi - 1, {CAP})),
                                                   interval '1 month') AS m
               WHERE lo IS NOT NULL);
$$;
CREATE FUNCTION budget_range_months(r daterange) RETURNS date[] LANGUAGE sql STABLE AS $$
  SELECT budget_months(lower(r), upper(r));  -- empty or NULL: no months
$$;

-- Whole months (budget/0011), now also turning a month marked by slices only into a whole one.
CREATE OR REPLACE FUNCTION budget_mark_month_list(wanted date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  done int[];
  fresh date[];
BEGIN
  done := COALESCE(NULLIF(current_setting('budget.marked_months', true), ''), '{{}}')::int[];
  SELECT array_agg(DISTINCT m) INTO fresh FROM unnest(wanted) AS m
  WHERE m <= {CAP} AND NOT ({MONTH_NUMBER.format(m="m")} = ANY(done));
  IF fresh IS NULL THEN RETURN; END IF;
  INSERT INTO budget_dirtymonth (month, seq, marked_at, whole)
  SELECT f, nextval('budget_dirtymonth_seq'), clock_timestamp(), true FROM unnest(fresh) AS f
  ON CONFLICT (month) DO UPDATE SET seq = EXCLUDED.seq, marked_at = EXCLUDED.marked_at, whole = true;
  PERFORM set_config('budget.marked_months',
                     (done || ARRAY(SELECT {MONTH_NUMBER.format(m="f")} FROM unnest(fresh) AS f))::text, true);
END $$;

-- One slice in some months: the month first (not whole, once per transaction), then the slice (rewritten at most
-- once per transaction: a row this transaction wrote keeps its seq).
CREATE FUNCTION budget_mark_slice_list(wanted date[], ct bigint, prov bigint, lb text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  marks int;
  whole_done int[];
  done int[];
  fresh date[];
BEGIN
  wanted := ARRAY(SELECT DISTINCT m FROM unnest(wanted) AS m WHERE m IS NOT NULL AND m <= {CAP});
  IF cardinality(wanted) = 0 THEN RETURN; END IF;
  marks := COALESCE(NULLIF(current_setting('budget.slice_marks', true), ''), '0')::int + 1;
  PERFORM set_config('budget.slice_marks', marks::text, true);
  IF marks > {BULK_MARKS} THEN
    PERFORM budget_mark_month_list(wanted);  -- a bulk change: whole months, as before slices
    RETURN;
  END IF;
  -- A month already whole in this transaction needs no slice.
  whole_done := COALESCE(NULLIF(current_setting('budget.marked_months', true), ''), '{{}}')::int[];
  wanted := ARRAY(SELECT m FROM unnest(wanted) AS m WHERE NOT ({MONTH_NUMBER.format(m="m")} = ANY(whole_done)));
  IF cardinality(wanted) = 0 THEN RETURN; END IF;
  done := COALESCE(NULLIF(current_setting('budget.marked_slice_months', true), ''), '{{}}')::int[];
  fresh := ARRAY(SELECT m FROM unnest(wanted) AS m WHERE NOT ({MONTH_NUMBER.format(m="m")} = ANY(done)));
  IF cardinality(fresh) > 0 THEN
    INSERT INTO budget_dirtymonth (month, seq, marked_at, whole)
    SELECT f, nextval('budget_dirtymonth_seq'), clock_timestamp(), false FROM unnest(fresh) AS f
    ON CONFLICT (month) DO UPDATE SET seq = EXCLUDED.seq, marked_at = EXCLUDED.marked_at;
    PERFORM set_config('budget.marked_slice_months',
                       (done || ARRAY(SELECT {MONTH_NUMBER.format(m="f")} FROM unnest(fresh) AS f))::text, true);
  END IF;
  INSERT INTO budget_dirtyslice (month, care_type_id, provider_key, legal_basis, seq, xact, marked_at)
  SELECT m, ct, prov, lb, nextval('budget_dirtyslice_seq'), txid_current(), clock_timestamp() FROM unnest(wanted) AS m
  ON CONFLICT ON CONSTRAINT dirtyslice_key DO UPDATE
    SET seq = EXCLUDED.seq, xact = EXCLUDED.xact, marked_at = EXCLUDED.marked_at
    WHERE budget_dirtyslice.xact <> EXCLUDED.xact;
END $$;

CREATE OR REPLACE FUNCTION budget_marks_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A mark this transaction made may be gone: mark again on the next change.
  PERFORM set_config('budget.marked_months', '', true);
  PERFORM set_config('budget.marked_slice_months', '', true);
  RETURN NULL;
END $$;

-- budget/0008's months, each in the slice of the placement as it was (OLD) or is (NEW).
CREATE OR REPLACE FUNCTION budget_placement_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_upper date;
  new_upper date;
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.period, OLD.care_type_id, OLD.provider_id, OLD.cost_centre, OLD.legal_basis,
                           OLD.person_id, OLD.voided_reason)
                     IS NOT DISTINCT FROM (NEW.period, NEW.care_type_id, NEW.provider_id, NEW.cost_centre,
                           NEW.legal_basis, NEW.person_id, NEW.voided_reason) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND (OLD.start_on, OLD.care_type_id, OLD.provider_id, OLD.cost_centre, OLD.legal_basis,
                           OLD.person_id, OLD.voided_reason)
                     IS NOT DISTINCT FROM (NEW.start_on, NEW.care_type_id, NEW.provider_id, NEW.cost_centre,
                           NEW.legal_basis, NEW.person_id, NEW.voided_reason) THEN
    old_upper := upper(OLD.period);  -- NULL = ongoing
    new_upper := upper(NEW.period);
    PERFORM budget_mark_slice_list(
      CASE WHEN old_upper IS NULL OR new_upper IS NULL THEN budget_months(COALESCE(old_upper, new_upper), NULL)
           ELSE budget_months(LEAST(old_upper, new_upper), GREATEST(old_upper, new_upper)) END
      || budget_months(OLD.end_on, OLD.end_on + 1) || budget_months(NEW.end_on, NEW.end_on + 1),
      {_slice_of("NEW")});
    RETURN NULL;
  END IF;
  -- The months of its foster-care payments too: they count in their month even outside the placement's days.
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM budget_mark_slice_list(budget_range_months(OLD.period) || budget_months(OLD.end_on, OLD.end_on + 1)
                                   || {PAYMENT_MONTHS.format(row="OLD")}, {_slice_of("OLD")});
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM budget_mark_slice_list(budget_range_months(NEW.period) || budget_months(NEW.end_on, NEW.end_on + 1)
                                   || {PAYMENT_MONTHS.format(row="NEW")}, {_slice_of("NEW")});
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION budget_priceperiod_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM budget_mark_slice_list(budget_range_months(OLD.period * p.period), {_slice_of("p")})
    FROM placements_placement p WHERE p.id = OLD.placement_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM budget_mark_slice_list(budget_range_months(NEW.period * p.period), {_slice_of("p")})
    FROM placements_placement p WHERE p.id = NEW.placement_id;
  END IF;
  RETURN NULL;
END $$;

-- A payment counts in its month even outside the placement's days; without its placement (deleted in the same
-- statement), the whole month.
CREATE OR REPLACE FUNCTION budget_payment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM budget_mark_slice_list(budget_months(OLD.month, OLD.month + 1), {_slice_of("p")})
    FROM placements_placement p WHERE p.id = OLD.placement_id;
    IF NOT FOUND THEN PERFORM budget_mark_months(OLD.month, OLD.month + 1); END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM budget_mark_slice_list(budget_months(NEW.month, NEW.month + 1), {_slice_of("p")})
    FROM placements_placement p WHERE p.id = NEW.placement_id;
    IF NOT FOUND THEN PERFORM budget_mark_months(NEW.month, NEW.month + 1); END IF;
  END IF;
  RETURN NULL;
END $$;

-- Inserted placements (budget/0011): a few are marked by slice, row by row; many as whole months.
CREATE OR REPLACE FUNCTION budget_placements_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF (SELECT count(*) FROM new_rows) > {BULK_ROWS} THEN
    PERFORM budget_mark_month_list(ARRAY(
      SELECT m FROM new_rows n, unnest(budget_range_months(n.period) || budget_months(n.end_on, n.end_on + 1)) AS m));
    RETURN NULL;
  END IF;
  FOR r IN SELECT * FROM new_rows LOOP
    PERFORM budget_mark_slice_list(budget_range_months(r.period) || budget_months(r.end_on, r.end_on + 1),
                                   {_slice_of("r")});
  END LOOP;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION budget_priceperiods_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF (SELECT count(*) FROM new_rows) > {BULK_ROWS} THEN
    PERFORM budget_mark_month_list(ARRAY(
      SELECT m FROM new_rows n JOIN placements_placement p ON p.id = n.placement_id,
                    unnest(budget_range_months(n.period * p.period)) AS m));
    RETURN NULL;
  END IF;
  FOR r IN SELECT n.period * p.period AS counted, p.care_type_id, p.provider_id, p.legal_basis
           FROM new_rows n JOIN placements_placement p ON p.id = n.placement_id LOOP
    PERFORM budget_mark_slice_list(budget_range_months(r.counted), {_slice_of("r")});
  END LOOP;
  RETURN NULL;
END $$;
"""

# Back to budget/0002, 0008 and 0011's functions (tests/budget/test_marks.py runs changes under these too).
BACKWARD = importlib.import_module("budget.migrations.0008_mark_ending_months").FORWARD + rf"""
CREATE OR REPLACE FUNCTION budget_placements_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION budget_priceperiods_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM budget_mark_month_list(ARRAY(
    SELECT m::date FROM (SELECT n.period * p.period AS r FROM new_rows n
                         JOIN placements_placement p ON p.id = n.placement_id) x,
      generate_series(date_trunc('month', lower(x.r)), date_trunc('month', LEAST(upper(x.r) - 1, {CAP})),
                      interval '1 month') AS m
    WHERE x.r IS NOT NULL AND NOT isempty(x.r)));
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION budget_payment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM budget_mark_months(OLD.month, OLD.month + 1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM budget_mark_months(NEW.month, NEW.month + 1); END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION budget_priceperiod_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM budget_mark_range(OLD.period * p.period) FROM placements_placement p WHERE p.id = OLD.placement_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM budget_mark_range(NEW.period * p.period) FROM placements_placement p WHERE p.id = NEW.placement_id;
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION budget_marks_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('budget.marked_months', '', true);
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION budget_mark_month_list(wanted date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  done int[];
  fresh date[];
BEGIN
  done := COALESCE(NULLIF(current_setting('budget.marked_months', true), ''), '{{}}')::int[];
  SELECT array_agg(DISTINCT m) INTO fresh FROM unnest(wanted) AS m
  WHERE m <= {CAP} AND NOT ({MONTH_NUMBER.format(m="m")} = ANY(done));
  IF fresh IS NULL THEN RETURN; END IF;
  INSERT INTO budget_dirtymonth (month, seq, marked_at)
  SELECT f, nextval('budget_dirtymonth_seq'), clock_timestamp() FROM unnest(fresh) AS f
  ON CONFLICT (month) DO UPDATE SET seq = EXCLUDED.seq, marked_at = EXCLUDED.marked_at;
  PERFORM set_config('budget.marked_months',
                     (done || ARRAY(SELECT {MONTH_NUMBER.format(m="f")} FROM unnest(fresh) AS f))::text, true);
END $$;
DROP FUNCTION budget_mark_slice_list(date[], bigint, bigint, text);
DROP FUNCTION budget_range_months(daterange);
DROP FUNCTION budget_months(date, date);
DROP SEQUENCE budget_dirtyslice_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("budget", "0011_scale")]

    operations = [
        migrations.AddField(
            model_name="dirtymonth",
            name="whole",
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.CreateModel(
            name="DirtySlice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("care_type_id", models.BigIntegerField()),
                ("provider_key", models.BigIntegerField()),
                ("legal_basis", models.CharField(max_length=5)),
                ("seq", models.BigIntegerField()),
                ("xact", models.BigIntegerField()),
                ("marked_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "del av månad att räkna om",
                "verbose_name_plural": "delar av månader att räkna om",
                "constraints": [models.UniqueConstraint(fields=("month", "care_type_id", "provider_key", "legal_basis"),
                                                        name="dirtyslice_key")],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
