"""Slot reserved for parallel work; filled in by its owner."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0011_skr_payments'),
    ]

    operations = []
