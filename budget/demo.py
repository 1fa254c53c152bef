"""Demo budgets for 'Demokommunen': one budget per cost centre for the last two years and the current one,
in årsplaceringar sized on the demo placements (shared/domain.md §6).

Each year's volume is the placement years the demo placements actually have in that year (for the current,
unfinished year: last year's), moved by a fixed −10 … +10 % per cost centre and year, so that the follow-up
shows both over- and underspending. The amount is the volume at a realistic à-pris per dygn of the cost
centre's care types (shared/domain.md §4.1, 2024 prices, +3 % a year). Idempotent: an existing budget of
(year, cost centre) is left as it is, so a rerun, or a controller's later edit, is never overwritten.
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from . import fresh, rollup
from .budgeting import days_in_year
from .models import Budget, CostCentre, VolumeUnit

# Average à-pris per dygn in 2024 of the care types mapped to each default cost centre (migration 0002).
PRICE_PER_DAY_2024 = {
    "5731": Decimal(5200),  # HVB 4 600–5 900, SiS LVU ~7 000, stödboende 1 900–3 000
    "5732": Decimal(1400),  # eget familjehem ~900–1 000, jourhem higher, konsulentstött 2 500+
    "5733": Decimal(1600),  # extern öppenvård 1 200–2 000 per dag, kontaktfamilj
    "571": Decimal(3600),  # HVB vuxna ~3 000, SiS LVM 5 200–5 800
    "572": Decimal(2400),  # stödboende vuxna 1 900–2 600, skyddat boende 2 200–3 000
}
DEFAULT_PRICE_PER_DAY_2024 = Decimal(2500)
YEARLY_INCREASE = Decimal("1.03")
MIN_VOLUME = Decimal(1)

def placement_years_by_cost_centre(year: int) -> dict[str, Decimal]:
    """Actual placement years (days ÷ days in the year) per cost centre code, computed by the roll-up's own
    statement (its day count and cost-centre resolution) without writing any facts."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT c.code, SUM(f.care_days) FROM ({fresh.FRESH_SQL}) f "
            "JOIN budget_costcentre c ON c.id = f.cost_centre_id GROUP BY c.code",
            fresh.fresh_params(rollup.year_months(year)),
        )
        return {code: Decimal(days) / days_in_year(year) for code, days in cur.fetchall() if days}


def demo_budget_figures(*, code: str, year: int, placement_years: Decimal) -> tuple[Decimal, Decimal]:
    """(volume in årsplaceringar, amount in kr) for one cost centre and year."""
    factor = Decimal(str(random.Random(f"demo-budget-{code}-{year}").uniform(0.9, 1.1)))
    volume = max(MIN_VOLUME, (placement_years * factor).quantize(Decimal("0.1"), ROUND_HALF_UP))
    price = PRICE_PER_DAY_2024.get(code, DEFAULT_PRICE_PER_DAY_2024) * YEARLY_INCREASE ** (year - 2024)
    amount = (volume * days_in_year(year) * price).quantize(Decimal("-3"), ROUND_HALF_UP)
    return volume, amount


@transaction.atomic
def load_demo_budget(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    years = [today.year - 2, today.year - 1, today.year]
    actual = {y: placement_years_by_cost_centre(y) for y in years if y < today.year}
    created = 0
    for centre in CostCentre.objects.filter(active=True).order_by("code"):
        for year in years:
            sized_on = actual[min(year, today.year - 1)]
            volume, amount = demo_budget_figures(code=centre.code, year=year,
                                                 placement_years=sized_on.get(centre.code, Decimal(0)))
            _, was_created = Budget.objects.get_or_create(
                year=year, cost_centre=centre, care_type=None,
                defaults={"amount": amount, "volume": volume, "volume_unit": VolumeUnit.PLACEMENT_YEARS})
            created += was_created
    return {"created": created, "total": Budget.objects.filter(year__in=years).count()}
