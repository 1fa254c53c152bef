from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("budget", "0012_rollup")]

    operations = []
