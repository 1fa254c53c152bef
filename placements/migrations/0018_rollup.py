"""Slot for engineer D (filled by them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0017_lilla_hjartat")]

    operations = []
