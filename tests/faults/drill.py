"""Set-up and checks run inside the drill's own database: `python -m tests.faults.drill seed|facts`,
with DATABASE_URL pointing at the private cluster. Prints one JSON object."""

import datetime
import json
import os
import sys
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PASSWORD = "drill-losen-2026"  # noqa: S105


def seed() -> dict:
    from socialtjanst.roles import Role
    from tests.budget.conftest import ensure_cost_centres
    from tests.factories import CaseFactory, UnitFactory, UserFactory
    from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

    ensure_cost_centres()
    unit = UnitFactory(code="DRILL_BARN", name="Övningsenheten barn")
    made = []
    for i, code in enumerate(["HVB_BOU", "FH_EGET", "SIS_LVU"]):
        p = PlacementFactory(care_type=care_type(code), unit=unit, start_on=datetime.date(2024, 1 + i, 3 + i))
        price = {"monthly_amount": Decimal("31000")} if code == "FH_EGET" else {"daily_price": Decimal(4100 + i)}
        PricePeriodFactory(placement=p, **price)
        CaseFactory(unit=unit, person=p.person)  # the handläggare sees a person through a case in the unit
        made.append(p.pk)
    handlaggare = UserFactory(username="drill-hanna", role=Role.HANDLAGGARE, units=[unit])
    controller = UserFactory(username="drill-carl", role=Role.CONTROLLER)
    for user in (handlaggare, controller):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return {"placements": made}


def facts() -> dict:
    """Whether the 2024 facts equal the Python reference (a clean run), and how many months are dirty."""
    from budget import rollup
    from budget.models import DirtyMonth, MonthlyFact
    from budget.reference import reference_facts

    stored = sorted(
        (str(f.booking_month), str(f.cost_centre_id), f.care_type_id, str(f.provider_id), f.legal_basis,
         f.care_days, str(f.cost), f.persons, f.started, f.ended, f.unpriced_days)
        for f in MonthlyFact.objects.filter(origin_month__year=2024)
    )
    reference = sorted(
        (str(k[0]), str(k[1]), k[2], str(k[3]), k[4], v["care_days"], str(v["cost"]), v["persons"], v["started"],
         v["ended"], v["unpriced_days"])
        for k, v in reference_facts(rollup.year_months(2024)).items()
    )
    return {"equal": stored == reference, "rows": len(stored), "dirty": DirtyMonth.objects.count()}


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps({"seed": seed, "facts": facts}[sys.argv[1]]()))
