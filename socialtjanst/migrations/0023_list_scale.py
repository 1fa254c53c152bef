from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0022_todo_parts_scale")]

    operations = []
