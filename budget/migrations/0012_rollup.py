"""Slot for engineer D (filled by them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("budget", "0011_scale")]

    operations = []
