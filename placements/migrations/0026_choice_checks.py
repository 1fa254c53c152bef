"""A choice column holds one of its choices, in the database as in the forms (NOT VALID: a row stored before
stays; every new insert and update is checked)."""

from django.db import migrations, models

from common.migration_ops import AddConstraintNotValid


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0025_kept_pause'),
        ('socialtjanst', '0028_choice_checks'),
    ]

    operations = [
        AddConstraintNotValid(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(('end_reason', ''), ('end_reason__in', ['enligt_plan', 'flytt', 'hemflytt', 'sammanbrott', 'aldersgrans', 'vardnadsoverflyttning', 'annat']), _connector='OR'), name='placement_end_reason_valid'),
        ),
    ]
