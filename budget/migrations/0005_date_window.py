"""The date window (issue 12, common.date_window): a cost-centre mapping within the roll-up's years.

NOT VALID (common.migration_ops): new rows are held to the window, rows stored before it stay and
are shown with the marker, so migrate never fails on an old database."""

import datetime

from django.db import migrations, models

from common.migration_ops import AddConstraintNotValid


class Migration(migrations.Migration):
    dependencies = [("budget", "0004_statement_level_fact_guard")]
    operations = [
        AddConstraintNotValid(
            model_name="costcentremapping",
            constraint=models.CheckConstraint(condition=models.Q(("valid_from__gte", datetime.date(2000, 1, 1)), ("valid_from__lte", datetime.date(2100, 12, 31))), name="costcentremapping_valid_from_in_window"),
        ),
    ]
