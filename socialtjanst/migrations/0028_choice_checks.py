"""A choice column holds one of its choices, in the database as in the forms (NOT VALID: a row stored before
stays; every new insert and update is checked)."""

from django.conf import settings
from django.db import migrations, models

from common.migration_ops import AddConstraintNotValid


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0027_kept_pause'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddConstraintNotValid(
            model_name='intake',
            constraint=models.CheckConstraint(condition=models.Q(('reporter_category', ''), ('reporter_category__in', ['socialtjanst_egen', 'socialtjanst_annan', 'polis', 'skola', 'forskola', 'halso_sjukvard', 'tandvard', 'allmanhet', 'anhorig', 'annan_myndighet', 'anonym', 'den_enskilde', 'annan']), _connector='OR'), name='intake_reporter_category_valid'),
        ),
    ]
