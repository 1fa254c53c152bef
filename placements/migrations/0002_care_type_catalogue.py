"""The care type catalogue of shared/formats.md and shared/domain.md §4.1 as reference data.
Idempotent (keyed on code); the admin may edit names and codes afterwards."""

from django.db import migrations

# code, name, regime, target group, heldygn, pricing unit, activity code, IVO check before placing
CATALOGUE = [
    ("FH_EGET", "Familjehem, eget", "egen", "barn_unga", True, "manad", "5732", False),
    ("FH_JOUR", "Jourhem", "egen", "barn_unga", True, "manad", "5732", False),
    ("FH_NATVERK", "Nätverkshem", "egen", "barn_unga", True, "manad", "5732", False),
    ("FH_KONSULENT", "Familjehem, konsulentstött", "kopt", "barn_unga", True, "dygn", "5732", False),
    ("HVB_BOU", "HVB barn och unga", "kopt", "barn_unga", True, "dygn", "5731", True),
    ("STODBOENDE_BOU", "Stödboende unga", "kopt", "barn_unga", True, "dygn", "5731", True),
    ("SIS_LVU", "SiS, LVU", "kopt", "barn_unga", True, "dygn", "5731", False),
    ("HVB_VUXEN", "HVB / behandlingshem vuxna", "kopt", "vuxna", True, "dygn", "571", False),
    ("SIS_LVM", "SiS, LVM", "kopt", "vuxna", True, "dygn", "571", False),
    ("STODBOENDE_VUXEN", "Stödboende vuxna", "kopt", "vuxna", True, "dygn", "572", False),
    ("SKYDDAT_BOENDE", "Skyddat boende", "kopt", "vuxna", True, "dygn", "572", False),
    ("KONTAKTFAMILJ", "Kontaktfamilj / kontaktperson", "egen", "barn_unga", False, "manad", "5733", False),
    ("OPPENVARD_EXTERN_BOU", "Extern öppenvård barn och unga", "kopt", "barn_unga", False, "dag", "5733", False),
    ("VARDNADSOVERFLYTT", "Vårdnadsöverflytt", "egen", "barn_unga", False, "manad", "5732", False),
]


def load(apps, schema_editor):
    CareType = apps.get_model("placements", "CareType")
    for code, name, regime, target_group, is_24h, pricing_unit, activity_code, ivo in CATALOGUE:
        CareType.objects.get_or_create(code=code, defaults={
            "name": name, "regime": regime, "target_group": target_group, "is_24h": is_24h,
            "pricing_unit": pricing_unit, "activity_code": activity_code, "requires_ivo_check": ivo,
        })


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
