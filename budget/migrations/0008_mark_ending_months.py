"""Every change to a placement also marks its end date's month, which carries the 'ended' count.

The counted range stops the day before the end date, so a placement ending on the 1st of a month
(counted as ended in that month, budget/fresh.py) marked no month that holds its ending when it was
inserted, voided or moved to another care type; only an end-date-only change marked it (0003)."""

from django.db import migrations

FORWARD = r"""
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
    IF old_upper IS NULL OR new_upper IS NULL THEN
      PERFORM budget_mark_months(COALESCE(old_upper, new_upper), NULL);
    ELSE
      PERFORM budget_mark_months(LEAST(old_upper, new_upper), GREATEST(old_upper, new_upper));
    END IF;
    PERFORM budget_mark_months(OLD.end_on, OLD.end_on + 1);
    PERFORM budget_mark_months(NEW.end_on, NEW.end_on + 1);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM budget_mark_range(OLD.period);
    PERFORM budget_mark_months(OLD.end_on, OLD.end_on + 1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM budget_mark_range(NEW.period);
    PERFORM budget_mark_months(NEW.end_on, NEW.end_on + 1);
  END IF;
  RETURN NULL;
END $$;
"""

BACKWARD = r"""
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
    IF old_upper IS NULL OR new_upper IS NULL THEN
      PERFORM budget_mark_months(COALESCE(old_upper, new_upper), NULL);
    ELSE
      PERFORM budget_mark_months(LEAST(old_upper, new_upper), GREATEST(old_upper, new_upper));
    END IF;
    PERFORM budget_mark_months(OLD.end_on, OLD.end_on + 1);
    PERFORM budget_mark_months(NEW.end_on, NEW.end_on + 1);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM budget_mark_range(OLD.period); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM budget_mark_range(NEW.period); END IF;
  RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("budget", "0007_reopen_reason_length")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
