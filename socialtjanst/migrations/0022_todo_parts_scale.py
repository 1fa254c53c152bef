from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0021_intake_scale")]

    operations = []
