# Optimistic locking of a placement's price list (issue 12 point 9): see Placement.price_version. A database
# default too, so a bulk load that writes placements with COPY (make bench) need not know the column.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("placements", "0008_date_window")]
    operations = [
        migrations.AddField(
            model_name="placement",
            name="price_version",
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False, verbose_name="prislistans version"),
        ),
    ]
