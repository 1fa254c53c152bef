from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0019_review_clock")]

    operations = []
