"""Database rules of the roll-up (shared/domain.md §6):

- every change of a placement, price period, foster-care payment or cost-centre mapping marks
  the months it touches dirty, in the same transaction (so a lost Redis message loses nothing:
  the reconciler finds the marks in PostgreSQL). Months after the current one are not marked:
  they have no facts yet, and the nightly reconciler marks each new month as it begins;
- facts booked in a closed month can be neither inserted, changed nor deleted;
- the default cost centres of the national activity codes, mapped from each care type."""

from django.db import migrations

FORWARD = r"""
CREATE SEQUENCE budget_dirtymonth_seq;

CREATE FUNCTION budget_mark_months(lo date, hi date) RETURNS void LANGUAGE sql AS $$
  INSERT INTO budget_dirtymonth (month, seq, marked_at)
  SELECT m::date, nextval('budget_dirtymonth_seq'), clock_timestamp()
  FROM generate_series(
         date_trunc('month', lo),
         date_trunc('month', LEAST(hi - 1, (date_trunc('month', current_date) + interval '1 month - 1 day')::date)),
         interval '1 month') AS m
  WHERE lo IS NOT NULL
  ON CONFLICT (month) DO UPDATE SET seq = EXCLUDED.seq, marked_at = EXCLUDED.marked_at;
$$;

CREATE FUNCTION budget_mark_range(r daterange) RETURNS void LANGUAGE sql AS $$
  SELECT budget_mark_months(lower(r), upper(r)) WHERE r IS NOT NULL AND NOT isempty(r);
$$;

CREATE FUNCTION budget_placement_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.period, OLD.care_type_id, OLD.provider_id, OLD.cost_centre, OLD.legal_basis,
                           OLD.person_id, OLD.voided_reason)
                     IS NOT DISTINCT FROM (NEW.period, NEW.care_type_id, NEW.provider_id, NEW.cost_centre,
                           NEW.legal_basis, NEW.person_id, NEW.voided_reason) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM budget_mark_range(OLD.period); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM budget_mark_range(NEW.period); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER budget_placement_dirty AFTER INSERT OR UPDATE OR DELETE ON placements_placement
  FOR EACH ROW EXECUTE FUNCTION budget_placement_changed();

CREATE FUNCTION budget_priceperiod_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM budget_mark_range(OLD.period * p.period) FROM placements_placement p WHERE p.id = OLD.placement_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM budget_mark_range(NEW.period * p.period) FROM placements_placement p WHERE p.id = NEW.placement_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER budget_priceperiod_dirty AFTER INSERT OR UPDATE OR DELETE ON placements_priceperiod
  FOR EACH ROW EXECUTE FUNCTION budget_priceperiod_changed();

CREATE FUNCTION budget_payment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM budget_mark_months(OLD.month, OLD.month + 1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM budget_mark_months(NEW.month, NEW.month + 1); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER budget_payment_dirty AFTER INSERT OR UPDATE OR DELETE ON placements_fostercarepayment
  FOR EACH ROW EXECUTE FUNCTION budget_payment_changed();

CREATE FUNCTION budget_mapping_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM budget_mark_months(OLD.valid_from, NULL); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM budget_mark_months(NEW.valid_from, NULL); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER budget_mapping_dirty AFTER INSERT OR UPDATE OR DELETE ON budget_costcentremapping
  FOR EACH ROW EXECUTE FUNCTION budget_mapping_changed();

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

-- TRUNCATE needs no trigger: the application's role was never granted it (socialtjanst/0002).
"""

BACKWARD = r"""
DROP TRIGGER budget_fact_closed_guard ON budget_monthlyfact;
DROP FUNCTION budget_fact_guard();
DROP TRIGGER budget_mapping_dirty ON budget_costcentremapping;
DROP FUNCTION budget_mapping_changed();
DROP TRIGGER budget_payment_dirty ON placements_fostercarepayment;
DROP FUNCTION budget_payment_changed();
DROP TRIGGER budget_priceperiod_dirty ON placements_priceperiod;
DROP FUNCTION budget_priceperiod_changed();
DROP TRIGGER budget_placement_dirty ON placements_placement;
DROP FUNCTION budget_placement_changed();
DROP FUNCTION budget_mark_range(daterange);
DROP FUNCTION budget_mark_months(date, date);
DROP SEQUENCE budget_dirtymonth_seq;
"""

# (code, name, activity code, care types mapped to it by default)
DEFAULT_COST_CENTRES = [
    ("5731", "Institutionsvård barn och unga", "5731", ["HVB_BOU", "STODBOENDE_BOU", "SIS_LVU"]),
    ("5732", "Familjehemsvård barn och unga", "5732",
     ["FH_EGET", "FH_JOUR", "FH_NATVERK", "FH_KONSULENT", "VARDNADSOVERFLYTT"]),
    ("5733", "Öppenvård barn och unga", "5733", ["KONTAKTFAMILJ", "OPPENVARD_EXTERN_BOU"]),
    ("571", "Missbrukarvård vuxna", "571", ["HVB_VUXEN", "SIS_LVM"]),
    ("572", "Övrig vuxenvård", "572", ["STODBOENDE_VUXEN", "SKYDDAT_BOENDE"]),
]


def load_cost_centres(apps, schema_editor):
    import datetime

    CostCentre = apps.get_model("budget", "CostCentre")
    Mapping = apps.get_model("budget", "CostCentreMapping")
    CareType = apps.get_model("placements", "CareType")
    for code, name, activity, care_codes in DEFAULT_COST_CENTRES:
        centre, _ = CostCentre.objects.get_or_create(code=code, defaults={"name": name, "activity_code": activity})
        for care_type in CareType.objects.filter(code__in=care_codes):
            Mapping.objects.get_or_create(care_type=care_type, valid_from=datetime.date(2000, 1, 1),
                                          defaults={"cost_centre": centre})


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0001_initial"),
        ("placements", "0004_foster_care_payment"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(load_cost_centres, migrations.RunPython.noop),
    ]
