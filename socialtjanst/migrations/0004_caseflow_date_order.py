"""Date order across rows of the case flow, as BEFORE triggers raising check_violation
with a named constraint, so services can turn them into Swedish messages."""

from django.db import migrations

CHECKS = [
    # (table, trigger/constraint name, condition that must hold, parent join)
    ("socialtjanst_screening", "screening_after_intake",
     "NEW.decided_on >= (SELECT received_on FROM socialtjanst_intake WHERE id = NEW.intake_id)"),
    ("socialtjanst_investigation", "investigation_after_screening",
     "NEW.screening_id IS NULL OR NEW.started_on >= "
     "(SELECT decided_on FROM socialtjanst_screening WHERE id = NEW.screening_id)"),
    ("socialtjanst_investigationextension", "investigationextension_after_start",
     "NEW.decided_on >= (SELECT started_on FROM socialtjanst_investigation WHERE id = NEW.investigation_id)"),
    ("socialtjanst_childinterview", "childinterview_after_start",
     "NEW.held_on IS NULL OR NEW.held_on >= "
     "(SELECT started_on FROM socialtjanst_investigation WHERE id = NEW.investigation_id)"),
    ("socialtjanst_decision", "decision_after_investigation_start",
     "NEW.investigation_id IS NULL OR NEW.decided_on >= "
     "(SELECT started_on FROM socialtjanst_investigation WHERE id = NEW.investigation_id)"),
    ("socialtjanst_intervention", "intervention_after_decision",
     "NEW.started_on IS NULL OR NEW.started_on >= "
     "(SELECT decided_on FROM socialtjanst_decision WHERE id = NEW.decision_id)"),
]


def forward_sql():
    statements = []
    for table, name, condition in CHECKS:
        statements.append(f"""
CREATE FUNCTION {name}_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ({condition}) THEN
    RAISE EXCEPTION 'date order violated: {name}' USING ERRCODE = 'check_violation', CONSTRAINT = '{name}';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_check();
""")
    return "\n".join(statements)


def backward_sql():
    return "\n".join(
        f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}_check();"
        for table, name, _ in CHECKS
    )


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0003_caseflow")]
    operations = [migrations.RunSQL(forward_sql(), backward_sql())]
