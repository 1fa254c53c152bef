"""Slot for engineer C (filled by them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0016_care_plans")]

    operations = []
