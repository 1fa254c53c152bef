"""The closed-month guard on monthly facts checks each statement's rows at once (transition tables) instead of
one trigger call per row: a full-year roll-up writes about a thousand rows (make bench). Same rule, same message:
no row booked in a closed month is inserted, changed or deleted."""

from django.db import migrations

FORWARD = r"""
DROP TRIGGER budget_fact_closed_guard ON budget_monthlyfact;
DROP FUNCTION budget_fact_guard();

CREATE FUNCTION budget_fact_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  closed date;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT min(r.booking_month) INTO closed FROM old_rows r
    WHERE EXISTS (SELECT 1 FROM budget_monthclosing c WHERE c.month = r.booking_month AND c.reopened_at IS NULL);
  END IF;
  IF closed IS NULL AND TG_OP IN ('UPDATE', 'INSERT') THEN
    SELECT min(r.booking_month) INTO closed FROM new_rows r
    WHERE EXISTS (SELECT 1 FROM budget_monthclosing c WHERE c.month = r.booking_month AND c.reopened_at IS NULL);
  END IF;
  IF closed IS NOT NULL THEN
    RAISE EXCEPTION 'Månaden % är stängd: dess fakta kan inte ändras.', to_char(closed, 'YYYY-MM')
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NULL;
END $$;

-- A trigger with transition tables has one event each.
CREATE TRIGGER budget_fact_closed_guard_insert AFTER INSERT ON budget_monthlyfact
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION budget_fact_guard();
CREATE TRIGGER budget_fact_closed_guard_update AFTER UPDATE ON budget_monthlyfact
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION budget_fact_guard();
CREATE TRIGGER budget_fact_closed_guard_delete AFTER DELETE ON budget_monthlyfact
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION budget_fact_guard();
"""

BACKWARD = r"""
DROP TRIGGER budget_fact_closed_guard_insert ON budget_monthlyfact;
DROP TRIGGER budget_fact_closed_guard_update ON budget_monthlyfact;
DROP TRIGGER budget_fact_closed_guard_delete ON budget_monthlyfact;
DROP FUNCTION budget_fact_guard();

CREATE FUNCTION budget_fact_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
      SELECT 1 FROM budget_monthclosing WHERE month = OLD.booking_month AND reopened_at IS NULL) THEN
    RAISE EXCEPTION 'Månaden % är stängd: dess fakta kan inte ändras.', to_char(OLD.booking_month, 'YYYY-MM')
      USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (
      SELECT 1 FROM budget_monthclosing WHERE month = NEW.booking_month AND reopened_at IS NULL) THEN
    RAISE EXCEPTION 'Månaden % är stängd: dess fakta kan inte ändras.', to_char(NEW.booking_month, 'YYYY-MM')
      USING ERRCODE = 'P0001';
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;
CREATE TRIGGER budget_fact_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON budget_monthlyfact
  FOR EACH ROW EXECUTE FUNCTION budget_fact_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("budget", "0003_narrow_placement_marks")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
