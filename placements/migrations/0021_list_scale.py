from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0020_todo_scale")]

    operations = []
