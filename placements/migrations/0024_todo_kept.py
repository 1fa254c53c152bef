from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0023_deadline_kept")]

    operations = []
