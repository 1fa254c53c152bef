"""Övervägande/omprövning's kept items and the registered Att göra parts can be paused by a bulk load
(common.kept.paused), as the case flow's tables are (socialtjanst 0027_kept_pause)."""

from django.db import migrations

from common.migration_ops import pausable_triggers


class Migration(migrations.Migration):
    dependencies = [("placements", "0024_todo_kept"), ("socialtjanst", "0027_kept_pause")]

    operations = [pausable_triggers("care\\_review\\_kept\\_%", "todo\\_reg\\_%")]
