"""The four role groups and their permissions (socialtjanst.roles), so `migrate` on an empty database gives them.

Depends on the newest placements and budget migrations only so that their models' permissions get Django's
own names here; role_groups_sync creates any permission row a model not yet migrated needs by itself.
"""

from django.db import migrations


def role_groups_create(apps, schema_editor):
    from socialtjanst.roles import role_groups_sync

    role_groups_sync(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0010_cross_unit'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('placements', '0009_price_version'),
        ('budget', '0008_mark_ending_months'),
    ]

    # Reversing keeps the groups: removing them would take every user's role away.
    operations = [migrations.RunPython(role_groups_create, migrations.RunPython.noop)]
