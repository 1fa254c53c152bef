"""Följa vården (issue 16 points 1 and 3): a placed child's övervägande/omprövning and contacts."""

import datetime
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0012_scale'),
        ('socialtjanst', '0016_journal'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CareReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('overvagande', 'Övervägande'), ('omprovning', 'Omprövning')], max_length=20, verbose_name='slag')),
                ('decided_on', models.DateField(verbose_name='beslutsdatum')),
                ('outcome', models.CharField(choices=[('fortsatt_vard', 'Fortsatt vård'), ('varden_upphor', 'Vården upphör'), ('annat', 'Annat')], max_length=20, verbose_name='utfall')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrerat')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registrerat av')),
                ('journal_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='socialtjanst.journalentry', verbose_name='journalanteckning')),
                ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='care_reviews', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'verbose_name': 'övervägande/omprövning',
                'verbose_name_plural': 'överväganden/omprövningar',
                'ordering': ['-decided_on', '-pk'],
                'indexes': [models.Index(fields=['placement', 'decided_on'], name='carereview_placement_decided')],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['overvagande', 'omprovning'])), name='carereview_kind_valid'), models.CheckConstraint(condition=models.Q(('outcome__in', ['fortsatt_vard', 'varden_upphor', 'annat'])), name='carereview_outcome_valid'), models.CheckConstraint(condition=models.Q(('decided_on__gte', datetime.date(1900, 1, 1)), ('decided_on__lte', datetime.date(2100, 12, 31))), name='carereview_decided_on_in_window')],
            },
        ),
        migrations.CreateModel(
            name='ChildContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contacted_on', models.DateField(verbose_name='datum')),
                ('kind', models.CharField(choices=[('besok', 'Besök'), ('enskilt_samtal', 'Enskilt samtal'), ('telefon', 'Telefon'), ('annat', 'Annat')], max_length=20, verbose_name='slag')),
                ('spoken_alone', models.BooleanField(default=False, verbose_name='barnet talade med socialsekreteraren enskilt')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='kort anteckning')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrerad')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registrerad av')),
                ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='child_contacts', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'verbose_name': 'kontakt med barnet',
                'verbose_name_plural': 'kontakter med barnet',
                'ordering': ['-contacted_on', '-pk'],
                'indexes': [models.Index(fields=['placement', 'contacted_on'], name='childcontact_placement_date')],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['besok', 'enskilt_samtal', 'telefon', 'annat'])), name='childcontact_kind_valid'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'enskilt_samtal'), _negated=True), ('spoken_alone', True), _connector='OR'), name='childcontact_private_conversation_is_alone'), models.CheckConstraint(condition=models.Q(('contacted_on__gte', datetime.date(1900, 1, 1)), ('contacted_on__lte', datetime.date(2100, 12, 31))), name='childcontact_contacted_on_in_window')],
            },
        ),
    ]
