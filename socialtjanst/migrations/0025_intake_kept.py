from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0024_deadline_kept")]

    operations = []
