"""Slot reserved for parallel work; filled in by its owner."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('budget', '0009_familjehem_report'),
    ]

    operations = []
