from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0023_list_scale")]

    operations = []
