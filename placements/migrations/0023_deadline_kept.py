from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0022_deadline_scale")]

    operations = []
