# Placeholder filled by the hardening work (issue 12); kept in order so parallel work never forks the graph.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("budget", "0005_date_window")]
    operations = []
