"""National scale (issue 19 point 3): a dirty month's roll-up reads only the placements that overlap it.

budget/fresh.py probes the counted range (`period && daterange(lo, hi)`) and the end dates of the month; the
exclusion constraint's GiST index leads with the person and covers only 24-hour care, so neither probe had an
index and one month scanned every placement. The price periods are reached by placement (their exclusion
constraint's index leads with it), so they need none.
"""

from django.db import migrations

FORWARD = """
CREATE INDEX placement_counted_period ON placements_placement USING gist (period) WHERE voided_reason = '';
CREATE INDEX placement_counted_end_on ON placements_placement (end_on) WHERE voided_reason = '' AND end_on IS NOT NULL;
"""

BACKWARD = """
DROP INDEX placement_counted_end_on;
DROP INDEX placement_counted_period;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0011_skr_payments'),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
