from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0025_intake_kept")]

    operations = []
