# The workers' own records (issue 12 point 6): delivery counts per task message, so a message that
# keeps killing its worker is stopped after a few deliveries, and the tasks that finally failed, for
# the controller's closing page.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("budget", "0005_date_window")]

    operations = [
        migrations.CreateModel(
            name='TaskDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('task_id', models.CharField(max_length=64, verbose_name='uppgiftens id')),
                ('attempt', models.PositiveIntegerField(verbose_name='försök')),
                ('task_name', models.CharField(max_length=200, verbose_name='uppgift')),
                ('deliveries', models.PositiveIntegerField(default=1, verbose_name='leveranser')),
                ('first_delivered_at', models.DateTimeField(verbose_name='först levererad')),
            ],
            options={
                'verbose_name': 'leverans av bakgrundsjobb',
                'verbose_name_plural': 'leveranser av bakgrundsjobb',
                'constraints': [models.UniqueConstraint(fields=('task_id', 'attempt'), name='taskdelivery_one_per_attempt')],
            },
        ),
        migrations.CreateModel(
            name='TaskFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('task_name', models.CharField(max_length=200, verbose_name='uppgift')),
                ('task_id', models.CharField(max_length=64, verbose_name='uppgiftens id')),
                ('arguments', models.JSONField(default=dict, verbose_name='argument')),
                ('deliveries', models.PositiveIntegerField(verbose_name='leveranser')),
                ('error', models.TextField(verbose_name='fel')),
                ('failed_at', models.DateTimeField(verbose_name='misslyckades')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='löst')),
            ],
            options={
                'verbose_name': 'misslyckat bakgrundsjobb',
                'verbose_name_plural': 'misslyckade bakgrundsjobb',
                'ordering': ['-failed_at'],
                'indexes': [models.Index(condition=models.Q(('resolved_at__isnull', True)), fields=['failed_at'], name='taskfailure_open')],
                'constraints': [models.CheckConstraint(condition=models.Q(('deliveries__gte', 1)), name='taskfailure_delivered'), models.CheckConstraint(condition=models.Q(('resolved_at__isnull', True), ('resolved_at__gte', models.F('failed_at')), _connector='OR'), name='taskfailure_resolved_after_failed')],
            },
        ),
    ]
