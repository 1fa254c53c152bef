"""Demo budgets for 'Demokommunen': a budget per cost centre and care type (shared/domain.md §6, §10) for the
last two years and the current one, in årsplaceringar sized on the demo placements, so that the report
"Placeringsdygn och à-pris" has a budget on every care type and the driftsredovisning the sum per verksamhet.

Each year's volume is the placement years the demo placements actually have of the care type in that year (for
the current, unfinished year: its months before the current one, as a rate over a whole year), moved by a fixed
−12 … +8 % per care type and year; the budgeted à-pris is the actual à-pris moved by −3 … +4 %, so the
follow-up shows both over- and underspending, in volume and in price. A care type without placements that year
is budgeted at half a placement year at a realistic à-pris (shared/domain.md §4.1, 2024 prices, +3 % a year).
Idempotent: a year and cost centre that already has a budget (an earlier run's, a controller's, or the older
demo's one row per verksamhet) is left as it is, so nothing is ever overwritten or counted twice.
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from placements.models import CareType

from . import fresh
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
MIN_VOLUME = Decimal("0.5")


def placement_figures(year: int, through_month: int = 12) -> dict[tuple[str, str], tuple[int, Decimal]]:
    """Actual (care days, cost) per (cost centre code, care type code) in the year through `through_month`,
    computed by the roll-up's own statement (its day count, prices and cost-centre resolution) without writing
    any facts."""
    months = [datetime.date(year, m, 1) for m in range(1, through_month + 1)]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT c.code, ct.code, SUM(f.care_days), SUM(f.cost) FROM ({fresh.FRESH_SQL}) f "
            "JOIN budget_costcentre c ON c.id = f.cost_centre_id JOIN placements_caretype ct ON ct.id = f.care_type_id "
            "GROUP BY c.code, ct.code",
            fresh.fresh_params(months),
        )
        return {(cc, ct): (int(days), cost) for cc, ct, days, cost in cur.fetchall() if days}


def placement_years_by_cost_centre(year: int) -> dict[str, Decimal]:
    """Actual placement years (days ÷ days in the year) per cost centre code."""
    years: dict[str, Decimal] = {}
    for (cc, _ct), (days, _cost) in placement_figures(year).items():
        years[cc] = years.get(cc, Decimal(0)) + Decimal(days) / days_in_year(year)
    return years


def demo_budget_figures(*, code: str, care_type: str, year: int, days_counted: int,
                        actual: tuple[int, Decimal] | None) -> tuple[Decimal, Decimal]:
    """(volume in årsplaceringar, amount in kr) for one cost centre, care type and year, sized on `actual`
    (care days, cost) counted over `days_counted` calendar days."""
    rng = random.Random(f"demo-budget-{code}-{care_type}-{year}")
    volume_factor = Decimal(str(round(rng.uniform(0.88, 1.08), 4)))
    price_factor = Decimal(str(round(rng.uniform(0.97, 1.04), 4)))
    if actual:
        days, cost = actual
        placement_years = Decimal(days) / days_counted
        price = cost / days * price_factor
    else:
        placement_years = Decimal(0)
        price = PRICE_PER_DAY_2024.get(code, DEFAULT_PRICE_PER_DAY_2024) * YEARLY_INCREASE ** (year - 2024)
    volume = max(MIN_VOLUME, (placement_years * volume_factor).quantize(Decimal("0.1"), ROUND_HALF_UP))
    amount = (volume * days_in_year(year) * price).quantize(Decimal("1E3"), ROUND_HALF_UP)  # whole thousands
    return volume, amount


@transaction.atomic
def load_demo_budget(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    years = [today.year - 2, today.year - 1, today.year]
    # The current year's budget as if set on the months gone by (none in January: last year's, then).
    through = today.month - 1
    sized = {y: (y, 12) for y in years[:-1]}
    sized[today.year] = (today.year, through) if through else (today.year - 1, 12)
    actual = {y: placement_figures(*sized[y]) for y in years}
    counted = {y: (datetime.date(sized[y][0], sized[y][1], 1) + datetime.timedelta(days=31)).replace(day=1)
               - datetime.date(sized[y][0], 1, 1) for y in years}
    centres = {c.code: c for c in CostCentre.objects.filter(active=True)}
    care_types = list(CareType.objects.filter(active=True, activity_code__in=centres).order_by("code"))
    budgeted = set(Budget.objects.filter(year__in=years).values_list("year", "cost_centre__code"))
    rows = []
    for year in years:
        for ct in care_types:
            if (year, ct.activity_code) in budgeted:
                continue
            volume, amount = demo_budget_figures(code=ct.activity_code, care_type=ct.code, year=year,
                                                 days_counted=counted[year].days,
                                                 actual=actual[year].get((ct.activity_code, ct.code)))
            rows.append(Budget(year=year, cost_centre=centres[ct.activity_code], care_type=ct, amount=amount,
                               volume=volume, volume_unit=VolumeUnit.PLACEMENT_YEARS))
    Budget.objects.bulk_create(rows)
    return {"created": len(rows), "total": Budget.objects.filter(year__in=years).count()}
