from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0020_deadline_scale")]

    operations = []
