"""Issue 20: SKR's familjehem rule since 2023 — prisbasbelopp and grundarvode per year, the omkostnad
bands as data, a placement's terms (förhöjt/reducerat arvode, höjd omkostnad, avdrag, avtalat belopp), and the
deduction as a part of a price period. The shipped figures are EXAMPLES marked "kontrollera": the
systemförvaltare checks them against SKR's cirkulär and the prisbasbelopp decided by the government.

Grundarvode 2024 = 2023's 11 237 kr + 1,6 % = 11 416,79, rounded half away from zero to whole kronor: 11 417.
"""

import datetime
import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

# year, prisbasbelopp (kr); all examples to check
PRICE_BASE_AMOUNTS = [(2021, 47600), (2023, 52500), (2024, 57300), (2025, 58800)]
# year, grundarvode per month (kr)
FEE_LEVELS = [(2023, "11237.00", "SKR 2023: ett grundarvode för barn 0–19 år"),
              (2024, "11417.00", "2023 + 1,6 % (11 416,79), avrundat till hela kronor")]
# from age, to age, grundkostnad %, högsta skattefria nivå %
BANDS = [(0, 12, "110.00", "155.00"), (13, 19, "125.00", "175.00")]
EXAMPLE_NOTE = "Exempel – kontrollera"


def load(apps, schema_editor):
    from decimal import Decimal

    PriceBaseAmount = apps.get_model("placements", "PriceBaseAmount")
    FosterCareFeeLevel = apps.get_model("placements", "FosterCareFeeLevel")
    ExpensesBand = apps.get_model("placements", "ExpensesBand")
    for year, amount in PRICE_BASE_AMOUNTS:
        PriceBaseAmount.objects.get_or_create(year=year, defaults={
            "amount": amount, "to_be_checked": True, "note": EXAMPLE_NOTE})
    for year, fee, note in FEE_LEVELS:
        FosterCareFeeLevel.objects.get_or_create(year=year, defaults={
            "monthly_fee": Decimal(fee), "to_be_checked": True, "note": f"{EXAMPLE_NOTE}. {note}"})
    for from_age, to_age, base, ceiling in BANDS:
        ExpensesBand.objects.get_or_create(from_age=from_age, defaults={
            "to_age": to_age, "base_percent": Decimal(base), "ceiling_percent": Decimal(ceiling)})


def sync_roles(apps, schema_editor):
    # The systemförvaltare enters the figures in the admin (socialtjanst.roles.ROLE_PERMISSIONS).
    from socialtjanst.roles import role_groups_sync

    role_groups_sync(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0010_everyday'),
        ('pghistory', '0007_auto_20250421_0444'),
        ('socialtjanst', '0011_role_groups'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExpensesBand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_age', models.PositiveSmallIntegerField(unique=True, verbose_name='från ålder')),
                ('to_age', models.PositiveSmallIntegerField(verbose_name='till och med ålder')),
                ('base_percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='grundkostnad, % av prisbasbeloppet')),
                ('ceiling_percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='högsta skattefria nivå, % av prisbasbeloppet')),
            ],
            options={
                'verbose_name': 'åldersgrupp för omkostnadsersättning',
                'verbose_name_plural': 'åldersgrupper för omkostnadsersättning',
                'ordering': ['from_age'],
            },
        ),
        migrations.CreateModel(
            name='FosterCareFeeLevel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='år')),
                ('monthly_fee', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='grundarvode per månad, kr')),
                ('to_be_checked', models.BooleanField(default=False, help_text='Exempelvärde som ska kontrolleras mot SKR:s cirkulär.', verbose_name='kontrollera')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='källa / anmärkning')),
            ],
            options={
                'verbose_name': 'grundarvode (SKR)',
                'verbose_name_plural': 'grundarvoden (SKR)',
                'ordering': ['year'],
            },
        ),
        migrations.CreateModel(
            name='FosterCareFeeLevelEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('year', models.PositiveSmallIntegerField(verbose_name='år')),
                ('monthly_fee', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='grundarvode per månad, kr')),
                ('to_be_checked', models.BooleanField(default=False, help_text='Exempelvärde som ska kontrolleras mot SKR:s cirkulär.', verbose_name='kontrollera')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='källa / anmärkning')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='FosterCareTerms',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(verbose_name='gäller från')),
                ('fee_kind', models.CharField(choices=[('grund', 'Grundarvode'), ('forhojt', 'Förhöjt arvode'), ('reducerat', 'Reducerat arvode'), ('avtalat', 'Avtalat belopp (konsulentstött/kontrakterat)')], default='grund', max_length=10, verbose_name='arvode')),
                ('fee_change', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='höjning/sänkning, kr per månad')),
                ('fee_change_percent', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='höjning/sänkning, % av grundarvodet')),
                ('fee_reason', models.CharField(blank=True, max_length=200, verbose_name='skäl för förhöjt/reducerat arvode')),
                ('expenses_raise_percent', models.DecimalField(blank=True, decimal_places=2, help_text='Höjs högst till åldersgruppens högsta skattefria nivå.', max_digits=5, null=True, verbose_name='höjd omkostnad, procentenheter över grundkostnaden')),
                ('expenses_reason', models.CharField(blank=True, max_length=200, verbose_name='skäl för höjd omkostnad')),
                ('child_benefit_deduction', models.DecimalField(decimal_places=2, default=0, help_text='När bidraget betalas direkt till familjehemmet.', max_digits=12, verbose_name='avdrag barnbidrag/studiebidrag, kr per månad')),
                ('negotiated_fee', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='avtalat arvode, kr per månad')),
                ('negotiated_expenses', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='avtalad omkostnad, kr per månad')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrerad')),
            ],
            options={
                'verbose_name': 'familjehemsersättning, villkor',
                'verbose_name_plural': 'familjehemsersättning, villkor',
                'ordering': ['placement', 'valid_from'],
            },
        ),
        migrations.CreateModel(
            name='FosterCareTermsEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('valid_from', models.DateField(verbose_name='gäller från')),
                ('fee_kind', models.CharField(choices=[('grund', 'Grundarvode'), ('forhojt', 'Förhöjt arvode'), ('reducerat', 'Reducerat arvode'), ('avtalat', 'Avtalat belopp (konsulentstött/kontrakterat)')], default='grund', max_length=10, verbose_name='arvode')),
                ('fee_change', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='höjning/sänkning, kr per månad')),
                ('fee_change_percent', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='höjning/sänkning, % av grundarvodet')),
                ('fee_reason', models.CharField(blank=True, max_length=200, verbose_name='skäl för förhöjt/reducerat arvode')),
                ('expenses_raise_percent', models.DecimalField(blank=True, decimal_places=2, help_text='Höjs högst till åldersgruppens högsta skattefria nivå.', max_digits=5, null=True, verbose_name='höjd omkostnad, procentenheter över grundkostnaden')),
                ('expenses_reason', models.CharField(blank=True, max_length=200, verbose_name='skäl för höjd omkostnad')),
                ('child_benefit_deduction', models.DecimalField(decimal_places=2, default=0, help_text='När bidraget betalas direkt till familjehemmet.', max_digits=12, verbose_name='avdrag barnbidrag/studiebidrag, kr per månad')),
                ('negotiated_fee', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='avtalat arvode, kr per månad')),
                ('negotiated_expenses', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='avtalad omkostnad, kr per månad')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrerad')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='PriceBaseAmount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='år')),
                ('amount', models.PositiveIntegerField(verbose_name='prisbasbelopp, kr')),
                ('to_be_checked', models.BooleanField(default=False, help_text='Exempelvärde som ska kontrolleras mot gällande beslut.', verbose_name='kontrollera')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='källa / anmärkning')),
            ],
            options={
                'verbose_name': 'prisbasbelopp',
                'verbose_name_plural': 'prisbasbelopp',
                'ordering': ['year'],
            },
        ),
        migrations.CreateModel(
            name='PriceBaseAmountEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('year', models.PositiveSmallIntegerField(verbose_name='år')),
                ('amount', models.PositiveIntegerField(verbose_name='prisbasbelopp, kr')),
                ('to_be_checked', models.BooleanField(default=False, help_text='Exempelvärde som ska kontrolleras mot gällande beslut.', verbose_name='kontrollera')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='källa / anmärkning')),
            ],
            options={
                'abstract': False,
            },
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='priceperiod',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='priceperiod',
            name='update_update',
        ),
        migrations.RemoveConstraint(
            model_name='priceperiod',
            name='priceperiod_parts_sum_to_monthly',
        ),
        migrations.AddField(
            model_name='priceperiod',
            name='deduction',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='avdrag barnbidrag/studiebidrag'),
        ),
        migrations.AddField(
            model_name='priceperiodevent',
            name='deduction',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='avdrag barnbidrag/studiebidrag'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='priceperiod',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "placements_priceperiodevent" ("daily_price", "deduction", "expenses", "fee", "id", "monthly_amount", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "placement_id", "valid_from", "valid_to") VALUES (NEW."daily_price", NEW."deduction", NEW."expenses", NEW."fee", NEW."id", NEW."monthly_amount", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."placement_id", NEW."valid_from", NEW."valid_to"); RETURN NULL;', hash='9eb015f0bee8d54c46c0ed7144959ac08b65144a', operation='INSERT', pgid='pgtrigger_insert_insert_498fe', table='placements_priceperiod', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='priceperiod',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."daily_price" IS DISTINCT FROM (NEW."daily_price") OR OLD."deduction" IS DISTINCT FROM (NEW."deduction") OR OLD."expenses" IS DISTINCT FROM (NEW."expenses") OR OLD."fee" IS DISTINCT FROM (NEW."fee") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."monthly_amount" IS DISTINCT FROM (NEW."monthly_amount") OR OLD."placement_id" IS DISTINCT FROM (NEW."placement_id") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_to" IS DISTINCT FROM (NEW."valid_to"))', func='INSERT INTO "placements_priceperiodevent" ("daily_price", "deduction", "expenses", "fee", "id", "monthly_amount", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "placement_id", "valid_from", "valid_to") VALUES (NEW."daily_price", NEW."deduction", NEW."expenses", NEW."fee", NEW."id", NEW."monthly_amount", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."placement_id", NEW."valid_from", NEW."valid_to"); RETURN NULL;', hash='1e25f655ca91bcb783e60658379bb42d49fcde1a', operation='UPDATE', pgid='pgtrigger_update_update_65d9e', table='placements_priceperiod', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='priceperiod',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('deduction__isnull', True), ('expenses__isnull', True), ('fee__isnull', True)), ('monthly_amount', django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.F('fee'), '+', models.F('expenses')), '-', django.db.models.functions.comparison.Coalesce('deduction', models.Value(0)))), _connector='OR'), name='priceperiod_parts_sum_to_monthly'),
        ),
        migrations.AddConstraint(
            model_name='priceperiod',
            constraint=models.CheckConstraint(condition=models.Q(('deduction__isnull', True), ('deduction__gte', 0), _connector='OR'), name='priceperiod_deduction_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='expensesband',
            constraint=models.CheckConstraint(condition=models.Q(('to_age__gte', models.F('from_age'))), name='expensesband_ages_in_order'),
        ),
        migrations.AddConstraint(
            model_name='expensesband',
            constraint=models.CheckConstraint(condition=models.Q(('base_percent__gt', 0), ('ceiling_percent__gte', models.F('base_percent'))), name='expensesband_ceiling_not_below_base'),
        ),
        migrations.AddConstraint(
            model_name='fostercarefeelevel',
            constraint=models.CheckConstraint(condition=models.Q(('monthly_fee__gt', 0)), name='fostercarefeelevel_positive'),
        ),
        migrations.AddConstraint(
            model_name='fostercarefeelevel',
            constraint=models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100)), name='fostercarefeelevel_year_in_window'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='fostercarefeelevel',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "placements_fostercarefeelevelevent" ("id", "monthly_fee", "note", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "to_be_checked", "year") VALUES (NEW."id", NEW."monthly_fee", NEW."note", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."to_be_checked", NEW."year"); RETURN NULL;', hash='ec71912196baa328ad404ed6d28777233852748e', operation='INSERT', pgid='pgtrigger_insert_insert_14efb', table='placements_fostercarefeelevel', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='fostercarefeelevel',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "placements_fostercarefeelevelevent" ("id", "monthly_fee", "note", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "to_be_checked", "year") VALUES (NEW."id", NEW."monthly_fee", NEW."note", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."to_be_checked", NEW."year"); RETURN NULL;', hash='f3c3f37617791ce9bd78920ea9224257e09c6356', operation='UPDATE', pgid='pgtrigger_update_update_53b94', table='placements_fostercarefeelevel', when='AFTER')),
        ),
        migrations.AddField(
            model_name='fostercarefeelevelevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='fostercarefeelevelevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='placements.fostercarefeelevel'),
        ),
        migrations.AddField(
            model_name='fostercareterms',
            name='placement',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='foster_care_terms', to='placements.placement', verbose_name='placering'),
        ),
        migrations.AddField(
            model_name='fostercaretermsevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='fostercaretermsevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='placements.fostercareterms'),
        ),
        migrations.AddField(
            model_name='fostercaretermsevent',
            name='placement',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='placements.placement', verbose_name='placering'),
        ),
        migrations.AddConstraint(
            model_name='pricebaseamount',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='pricebaseamount_positive'),
        ),
        migrations.AddConstraint(
            model_name='pricebaseamount',
            constraint=models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100)), name='pricebaseamount_year_in_window'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='pricebaseamount',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "placements_pricebaseamountevent" ("amount", "id", "note", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "to_be_checked", "year") VALUES (NEW."amount", NEW."id", NEW."note", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."to_be_checked", NEW."year"); RETURN NULL;', hash='d8fba987a4d29dc7d059ca1aa4e832094e72f377', operation='INSERT', pgid='pgtrigger_insert_insert_4142e', table='placements_pricebaseamount', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='pricebaseamount',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "placements_pricebaseamountevent" ("amount", "id", "note", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "to_be_checked", "year") VALUES (NEW."amount", NEW."id", NEW."note", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."to_be_checked", NEW."year"); RETURN NULL;', hash='ad89c8bf0b9fb75bd0c66b2248274efcae3c31cc', operation='UPDATE', pgid='pgtrigger_update_update_0d287', table='placements_pricebaseamount', when='AFTER')),
        ),
        migrations.AddField(
            model_name='pricebaseamountevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='pricebaseamountevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='placements.pricebaseamount'),
        ),
        migrations.AddConstraint(
            model_name='fostercareterms',
            constraint=models.UniqueConstraint(fields=('placement', 'valid_from'), name='fostercareterms_one_per_date'),
        ),
        migrations.AddConstraint(
            model_name='fostercareterms',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('fee_kind__in', ['forhojt', 'reducerat']), models.Q(models.Q(('fee_change__gt', 0), ('fee_change__isnull', False), ('fee_change_percent__isnull', True)), models.Q(('fee_change__isnull', True), ('fee_change_percent__gt', 0), ('fee_change_percent__isnull', False)), _connector='OR'), models.Q(('fee_reason', ''), _negated=True)), models.Q(models.Q(('fee_kind__in', ['forhojt', 'reducerat']), _negated=True), ('fee_change__isnull', True), ('fee_change_percent__isnull', True)), _connector='OR'), name='fostercareterms_adjustment_with_reason'),
        ),
        migrations.AddConstraint(
            model_name='fostercareterms',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('expenses_raise_percent__isnull', True), ('fee_kind', 'avtalat'), ('negotiated_expenses__gte', 0), ('negotiated_fee__gte', 0)), models.Q(models.Q(('fee_kind', 'avtalat'), _negated=True), ('negotiated_expenses__isnull', True), ('negotiated_fee__isnull', True)), _connector='OR'), name='fostercareterms_negotiated_amounts'),
        ),
        migrations.AddConstraint(
            model_name='fostercareterms',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('expenses_raise_percent__isnull', True), ('expenses_reason', '')), models.Q(('expenses_raise_percent__gt', 0), models.Q(('expenses_reason', ''), _negated=True)), _connector='OR'), name='fostercareterms_raise_with_reason'),
        ),
        migrations.AddConstraint(
            model_name='fostercareterms',
            constraint=models.CheckConstraint(condition=models.Q(('child_benefit_deduction__gte', 0)), name='fostercareterms_deduction_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='fostercareterms',
            constraint=models.CheckConstraint(condition=models.Q(('valid_from__gte', datetime.date(2000, 1, 1)), ('valid_from__lte', datetime.date(2100, 12, 31))), name='fostercareterms_valid_from_in_window'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='fostercareterms',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "placements_fostercaretermsevent" ("child_benefit_deduction", "created_at", "expenses_raise_percent", "expenses_reason", "fee_change", "fee_change_percent", "fee_kind", "fee_reason", "id", "negotiated_expenses", "negotiated_fee", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "placement_id", "valid_from") VALUES (NEW."child_benefit_deduction", NEW."created_at", NEW."expenses_raise_percent", NEW."expenses_reason", NEW."fee_change", NEW."fee_change_percent", NEW."fee_kind", NEW."fee_reason", NEW."id", NEW."negotiated_expenses", NEW."negotiated_fee", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."placement_id", NEW."valid_from"); RETURN NULL;', hash='86094eb0126e39777414fecc6e652a5ddd7f7a6d', operation='INSERT', pgid='pgtrigger_insert_insert_30d23', table='placements_fostercareterms', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='fostercareterms',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "placements_fostercaretermsevent" ("child_benefit_deduction", "created_at", "expenses_raise_percent", "expenses_reason", "fee_change", "fee_change_percent", "fee_kind", "fee_reason", "id", "negotiated_expenses", "negotiated_fee", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "placement_id", "valid_from") VALUES (NEW."child_benefit_deduction", NEW."created_at", NEW."expenses_raise_percent", NEW."expenses_reason", NEW."fee_change", NEW."fee_change_percent", NEW."fee_kind", NEW."fee_reason", NEW."id", NEW."negotiated_expenses", NEW."negotiated_fee", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."placement_id", NEW."valid_from"); RETURN NULL;', hash='5a59c6152141868a3a10be0627e38ac2aa0e2c24', operation='UPDATE', pgid='pgtrigger_update_update_a5aa7', table='placements_fostercareterms', when='AFTER')),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
