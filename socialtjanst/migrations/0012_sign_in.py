"""Sign-in: an account's identity at the municipality's IdP (OIDC), matched on (issuer, subject); the
systemförvaltare's group gets the rights to keep them (socialtjanst.roles)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def role_groups_update(apps, schema_editor):
    from socialtjanst.roles import role_groups_sync

    role_groups_sync(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('socialtjanst', '0011_role_groups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExternalIdentity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('issuer', models.CharField(max_length=255, verbose_name='utfärdare (issuer)')),
                ('subject', models.CharField(max_length=255, verbose_name='identitet hos IdP (subject)')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name='external_identities', to=settings.AUTH_USER_MODEL,
                                           verbose_name='användare')),
            ],
            options={
                'verbose_name': 'extern identitet',
                'verbose_name_plural': 'externa identiteter',
                'constraints': [
                    models.UniqueConstraint(fields=('issuer', 'subject'),
                                            name='externalidentity_issuer_subject_unique'),
                    models.CheckConstraint(
                        condition=models.Q(models.Q(('issuer', ''), _negated=True),
                                           models.Q(('subject', ''), _negated=True)),
                        name='externalidentity_not_blank'),
                ],
            },
        ),
        migrations.RunPython(role_groups_update, migrations.RunPython.noop),
    ]
