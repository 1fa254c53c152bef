"""Slot for engineer A (filled by them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0014_history_privileges")]

    operations = []
