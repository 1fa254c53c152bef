"""Slot for engineer E (filled by them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0017_followup_scale")]

    operations = []
