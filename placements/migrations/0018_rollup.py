"""Issue 19 point 3: the roll-up recomputes a dirty month slice by slice (budget/0012), reading only the placements
of one care type, provider (0 = none, as budget/fresh.py keys it) and legal basis that overlap the month. The
GiST index of placements/0012 has the period alone, so a slice read every placement of the month; and the endings
of a month (by end date) are read per slice the same way."""

from django.db import migrations

FORWARD = """
CREATE INDEX placement_counted_slice ON placements_placement
  USING gist (care_type_id, (COALESCE(provider_id, 0)), legal_basis, period) WHERE voided_reason = '';
CREATE INDEX placement_counted_slice_end_on ON placements_placement
  (care_type_id, (COALESCE(provider_id, 0)), legal_basis, end_on) WHERE voided_reason = '' AND end_on IS NOT NULL;
"""

BACKWARD = "DROP INDEX placement_counted_slice_end_on; DROP INDEX placement_counted_slice;"


class Migration(migrations.Migration):
    dependencies = [("placements", "0017_lilla_hjartat")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
