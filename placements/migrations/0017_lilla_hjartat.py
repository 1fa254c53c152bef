"""Lex lilla hjärtat and omplacering (issue 16 points 4 and 5): the child's participation in a move, the
flyttningsförbud and vårdnadsöverflyttning considerations, and the follow-up after LVU care."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("placements", "0016_care_plans"), ("socialtjanst", "0016_journal"),
                    migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name='CustodyTransferConsideration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('considered_on', models.DateField(verbose_name='beslutsdatum')),
                ('outcome', models.CharField(choices=[('ansokan', 'Ansökan om vårdnadsöverflyttning'), ('inte_aktuellt', 'Vårdnadsöverflyttning är inte aktuell nu')], max_length=20, verbose_name='ställningstagande')),
                ('motivation', models.TextField(verbose_name='motivering')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrerat')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registrerat av')),
                ('journal_entry', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='socialtjanst.journalentry', verbose_name='journalanteckning')),
                ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='custody_considerations', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'verbose_name': 'övervägande av vårdnadsöverflyttning',
                'verbose_name_plural': 'överväganden av vårdnadsöverflyttning',
                'ordering': ['-considered_on', '-pk'],
                'indexes': [models.Index(fields=['placement', 'considered_on'], name='custody_placement_considered')],
                'constraints': [models.CheckConstraint(condition=models.Q(('outcome__in', ['ansokan', 'inte_aktuellt'])), name='custody_outcome_valid'), models.CheckConstraint(condition=models.Q(('motivation__regex', '\\S')), name='custody_motivated'), models.CheckConstraint(condition=models.Q(('considered_on__gte', datetime.date(1900, 1, 1)), ('considered_on__lte', datetime.date(2100, 12, 31))), name='custody_considered_on_in_window')],
            },
        ),
        migrations.CreateModel(
            name='LvuFollowUp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('care_ended_on', models.DateField(verbose_name='LVU-vården upphörde')),
                ('due_on', models.DateField(verbose_name='avslutas senast')),
                ('finished_on', models.DateField(blank=True, null=True, verbose_name='avslutad')),
                ('summary', models.TextField(blank=True, verbose_name='sammanfattning')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('finished_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='avslutad av')),
                ('journal_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='socialtjanst.journalentry', verbose_name='journalanteckning')),
                ('placement', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='lvu_followup', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'verbose_name': 'uppföljning efter LVU-vård',
                'verbose_name_plural': 'uppföljningar efter LVU-vård',
                'ordering': ['due_on', 'pk'],
                'indexes': [models.Index(condition=models.Q(('finished_on__isnull', True)), fields=['due_on'], name='lvufollowup_open_due')],
                'constraints': [models.CheckConstraint(condition=models.Q(('due_on__gt', models.F('care_ended_on'))), name='lvufollowup_due_after_end'), models.CheckConstraint(condition=models.Q(models.Q(('finished_by__isnull', True), ('finished_on__isnull', True), ('summary', '')), models.Q(('finished_by__isnull', False), ('finished_on__isnull', False), ('summary__regex', '\\S')), _connector='OR'), name='lvufollowup_finished_with_summary'), models.CheckConstraint(condition=models.Q(('finished_on__isnull', True), ('finished_on__gte', models.F('care_ended_on')), _connector='OR'), name='lvufollowup_finished_after_end'), models.CheckConstraint(condition=models.Q(('care_ended_on__gte', datetime.date(1900, 1, 1)), ('care_ended_on__lte', datetime.date(2100, 12, 31))), name='lvufollowup_care_ended_on_in_window'), models.CheckConstraint(condition=models.Q(('finished_on__isnull', True), models.Q(('finished_on__gte', datetime.date(1900, 1, 1)), ('finished_on__lte', datetime.date(2100, 12, 31))), _connector='OR'), name='lvufollowup_finished_on_in_window')],
            },
        ),
        migrations.CreateModel(
            name='MoveParticipation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('informed', models.BooleanField(verbose_name='barnet har fått information om flytten')),
                ('heard', models.BooleanField(verbose_name='barnet har fått framföra sina åsikter')),
                ('child_view', models.TextField(blank=True, verbose_name='barnets inställning')),
                ('reason_not', models.TextField(blank=True, verbose_name='skäl till att barnet inte informerats eller hörts')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrerad')),
                ('journal_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='socialtjanst.journalentry', verbose_name='journalanteckning')),
                ('moved_from', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='move_participation', to='placements.placement', verbose_name='flyttad från')),
                ('moved_to', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='arrival_participation', to='placements.placement', verbose_name='flyttad till')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registrerad av')),
            ],
            options={
                'verbose_name': 'barnets delaktighet vid flytt',
                'verbose_name_plural': 'barnets delaktighet vid flyttar',
                'constraints': [models.CheckConstraint(condition=models.Q(('heard', False), ('child_view__regex', '\\S'), _connector='OR'), name='moveparticipation_view_when_heard'), models.CheckConstraint(condition=models.Q(models.Q(('heard', True), ('informed', True)), ('reason_not__regex', '\\S'), _connector='OR'), name='moveparticipation_reason_when_not'), models.CheckConstraint(condition=models.Q(('moved_from', models.F('moved_to')), _negated=True), name='moveparticipation_two_placements')],
            },
        ),
        migrations.CreateModel(
            name='RemovalBanConsideration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('considered_on', models.DateField(verbose_name='datum för övervägandet')),
                ('outcome', models.CharField(choices=[('ansokan', 'Ansökan om flyttningsförbud'), ('ej_skal', 'Skäl för flyttningsförbud saknas')], max_length=20, verbose_name='ställningstagande')),
                ('motivation', models.TextField(verbose_name='motivering')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrerat')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registrerat av')),
                ('journal_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='socialtjanst.journalentry', verbose_name='journalanteckning')),
                ('placement', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='removal_ban_consideration', to='placements.placement', verbose_name='placering')),
            ],
            options={
                'verbose_name': 'övervägande av flyttningsförbud',
                'verbose_name_plural': 'överväganden av flyttningsförbud',
                'constraints': [models.CheckConstraint(condition=models.Q(('outcome__in', ['ansokan', 'ej_skal'])), name='removalban_outcome_valid'), models.CheckConstraint(condition=models.Q(('motivation__regex', '\\S')), name='removalban_motivated'), models.CheckConstraint(condition=models.Q(('considered_on__gte', datetime.date(1900, 1, 1)), ('considered_on__lte', datetime.date(2100, 12, 31))), name='removalban_considered_on_in_window')],
            },
        ),
    ]
