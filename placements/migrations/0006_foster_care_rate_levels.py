"""Example levels of SKR's recommended monthly arvode and omkostnadsersättning for own
familjehem, 2024–2026, per age band. EXAMPLE LEVELS: plausible figures for demonstration and
tests, not SKR's published figures. The municipality must check them against SKR's current
cirkulär (and its own decisions) and add the correct levels as new rows in the admin.
Idempotent (keyed on age band and date); never edits an existing row."""

from decimal import Decimal

from django.db import migrations

NOTE = "Exempelnivå – kommunen ska kontrollera mot SKR:s aktuella rekommendation"

# valid_from, age band, arvode, omkostnadsersättning (kr per month)
LEVELS = [
    ("2024-01-01", "0-12", "6200.00", "5900.00"),
    ("2024-01-01", "13-20", "6900.00", "7100.00"),
    ("2025-01-01", "0-12", "6400.00", "6100.00"),
    ("2025-01-01", "13-20", "7100.00", "7350.00"),
    ("2026-01-01", "0-12", "6550.00", "6250.00"),
    ("2026-01-01", "13-20", "7300.00", "7550.00"),
]


def load(apps, schema_editor):
    FosterCareRate = apps.get_model("placements", "FosterCareRate")
    for valid_from, band, fee, expenses in LEVELS:
        FosterCareRate.objects.get_or_create(valid_from=valid_from, age_band=band, defaults={
            "fee": Decimal(fee), "expenses": Decimal(expenses), "note": NOTE,
        })


class Migration(migrations.Migration):
    dependencies = [("placements", "0005_foster_care_rate_and_history")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
