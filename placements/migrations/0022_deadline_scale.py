from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0021_list_scale")]

    operations = []
