"""Ledger import, account mapping, budget per line, accruals and closing overrides (issue 17)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('budget', '0009_familjehem_report'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('filename', models.CharField(max_length=255, verbose_name='fil')),
                ('sha256', models.CharField(max_length=64, verbose_name='kontrollsumma')),
                ('file_format', models.CharField(max_length=10, verbose_name='format')),
                ('first_month', models.DateField(verbose_name='första månad')),
                ('last_month', models.DateField(verbose_name='sista månad')),
                ('rows', models.PositiveIntegerField(verbose_name='rader')),
                ('imported_at', models.DateTimeField(auto_now_add=True, verbose_name='importerad')),
                ('imported_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'import av huvudbok',
                'verbose_name_plural': 'importer av huvudbok',
                'ordering': ['-imported_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='LedgerSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cost_centre_dimension', models.PositiveSmallIntegerField(default=1, help_text='Numret i #DIM som bär verksamheten (ofta 1 = kostnadsställe).', verbose_name='SIE-dimension för verksamhet')),
                ('accrual_threshold', models.DecimalField(decimal_places=2, default=0, help_text='Stängning spärras när avstämningens skillnad är större (0 = ingen spärr).', max_digits=14, verbose_name='spärrgräns vid bokslut, kr')),
                ('accrual_cost_account', models.PositiveSmallIntegerField(default=4600, verbose_name='konto för periodiserad kostnad')),
                ('accrual_liability_account', models.PositiveSmallIntegerField(default=2990, verbose_name='konto för upplupen kostnad')),
            ],
            options={
                'verbose_name': 'inställningar för huvudboken',
                'verbose_name_plural': 'inställningar för huvudboken',
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='ledgersettings_singleton'), models.CheckConstraint(condition=models.Q(('accrual_threshold__gte', 0)), name='ledgersettings_threshold_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='AccountMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('account_from', models.PositiveSmallIntegerField(verbose_name='från konto')),
                ('account_to', models.PositiveSmallIntegerField(verbose_name='till konto')),
                ('line', models.CharField(choices=[('intakt', 'Intäkt'), ('kostnad', 'Kostnad'), ('exkluderad', 'Räknas inte (t.ex. kommunbidrag, interna intäkter)')], max_length=12, verbose_name='rad')),
                ('changed_at', models.DateTimeField(auto_now=True, verbose_name='ändrad')),
                ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'kontokoppling',
                'verbose_name_plural': 'kontokopplingar',
                'ordering': ['account_from', 'account_to'],
                'constraints': [models.UniqueConstraint(fields=('account_from', 'account_to'), name='accountmapping_one_per_range'), models.CheckConstraint(condition=models.Q(('account_from__gte', 1000), ('account_from__lte', models.F('account_to')), ('account_to__lte', 9999)), name='accountmapping_range')],
            },
        ),
        migrations.CreateModel(
            name='Accrual',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='månad')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='belopp, kr')),
                ('comment', models.CharField(blank=True, max_length=200, verbose_name='kommentar')),
                ('changed_at', models.DateTimeField(auto_now=True, verbose_name='ändrad')),
                ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('cost_centre', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='budget.costcentre', verbose_name='verksamhet')),
            ],
            options={
                'verbose_name': 'periodisering',
                'verbose_name_plural': 'periodiseringar',
                'ordering': ['month', 'cost_centre__code'],
                'constraints': [models.UniqueConstraint(fields=('month', 'cost_centre'), name='accrual_key', nulls_distinct=False), models.CheckConstraint(condition=models.Q(('month__day', 1)), name='accrual_month_first_day')],
            },
        ),
        migrations.CreateModel(
            name='ClosingOverride',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='månad')),
                ('difference', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='skillnad, kr')),
                ('reason', models.CharField(max_length=500, verbose_name='skäl')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrerad')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'stängning trots skillnad',
                'verbose_name_plural': 'stängningar trots skillnad',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='closingoverride_reason_required')],
            },
        ),
        migrations.CreateModel(
            name='LedgerBudget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='år')),
                ('month', models.PositiveSmallIntegerField(verbose_name='månad (0 = helår)')),
                ('revenue', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='intäkter, kr')),
                ('cost', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='kostnader, kr')),
                ('cost_centre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='budget.costcentre', verbose_name='verksamhet')),
            ],
            options={
                'verbose_name': 'budget per rad',
                'verbose_name_plural': 'budget per rad',
                'ordering': ['year', 'cost_centre__code', 'month'],
                'constraints': [models.UniqueConstraint(fields=('year', 'month', 'cost_centre'), name='ledgerbudget_key'), models.CheckConstraint(condition=models.Q(('month__gte', 0), ('month__lte', 12)), name='ledgerbudget_month_0_12'), models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100)), name='ledgerbudget_year_range')],
            },
        ),
        migrations.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='månad')),
                ('account', models.PositiveSmallIntegerField(verbose_name='konto')),
                ('counterpart', models.CharField(blank=True, max_length=40, verbose_name='motpart')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='belopp, kr (debet +)')),
                ('cost_centre', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='budget.costcentre', verbose_name='verksamhet')),
                ('ledger_import', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='budget.ledgerimport')),
            ],
            options={
                'verbose_name': 'huvudboksrad',
                'verbose_name_plural': 'huvudboksrader',
                'indexes': [models.Index(fields=['month'], name='ledgerentry_month')],
                'constraints': [models.UniqueConstraint(fields=('month', 'cost_centre', 'account', 'counterpart'), name='ledgerentry_key', nulls_distinct=False), models.CheckConstraint(condition=models.Q(('month__day', 1)), name='ledgerentry_month_first_day'), models.CheckConstraint(condition=models.Q(('account__gte', 1000), ('account__lte', 9999)), name='ledgerentry_account_range')],
            },
        ),
        migrations.AddField(
            model_name='ledgersettings',
            name='placement_account_from',
            field=models.PositiveSmallIntegerField(default=4600, help_text='Avstämningen jämför placeringarnas kostnad med de här kontona (Kommun-Bas 46xx köp av huvudverksamhet).', verbose_name='placeringarnas konton från'),
        ),
        migrations.AddField(
            model_name='ledgersettings',
            name='placement_account_to',
            field=models.PositiveSmallIntegerField(default=4699, verbose_name='placeringarnas konton till'),
        ),
        migrations.AddConstraint(
            model_name='ledgersettings',
            constraint=models.CheckConstraint(condition=models.Q(('placement_account_from__gte', 1000), ('placement_account_from__lte', models.F('placement_account_to')), ('placement_account_to__lte', 9999)), name='ledgersettings_placement_accounts'),
        ),
    ]
