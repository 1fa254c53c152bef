"""The case flow's kept report tables can be paused by a bulk load (common.kept.paused): their triggers run only
while the transaction has not paused them. The demo load writes row by row and remakes the tables once at the end."""

from django.db import migrations

from common.migration_ops import pausable_triggers


class Migration(migrations.Migration):
    dependencies = [("socialtjanst", "0026_todo_kept")]

    operations = [pausable_triggers("deadline\\_kept\\_%", "statistics\\_%", "todo\\_flow\\_%")]
