"""Slot for engineer B (filled by them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0015_care_clock")]

    operations = []
