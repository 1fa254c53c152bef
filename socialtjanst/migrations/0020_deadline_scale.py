from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0019_gallring_journal")]

    operations = []
