"""A plain Python reference for the roll-up: walks every day of every placement.

Deliberately naive and independent of the SQL: it is the tests' oracle on small random data
and the baseline `make bench` measures the roll-up against. Never used by the product."""

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from placements.models import CareType, FosterCarePayment, Placement, PricePeriod

from .models import CostCentre, CostCentreMapping

ONE_DAY = datetime.timedelta(days=1)
CENT = Decimal("0.01")


def _counted(day, start, end) -> bool:
    if end is None:
        return day >= start
    if end == start:
        return day == start
    return start <= day < end


def _ended_in(end_on, month) -> bool:
    """A placement ends in the calendar month of its end date, the day the person left (shared/domain.md §5),
    whether or not that month holds one of its counted days: ending on 1 March is an ending in March."""
    return end_on is not None and (end_on.year, end_on.month) == (month.year, month.month)


def reference_facts(months: list[datetime.date]) -> dict[tuple, dict]:
    """{(month, cost_centre_id, care_type_id, provider_id, legal_basis): measures} for the months."""
    care_types = {c.pk: c for c in CareType.objects.all()}
    centres_by_code = {c.code: c.pk for c in CostCentre.objects.all()}
    mappings = defaultdict(list)
    for m in CostCentreMapping.objects.order_by("valid_from"):
        mappings[m.care_type_id].append((m.valid_from, m.cost_centre_id))
    prices = defaultdict(list)
    for pp in PricePeriod.objects.all():
        prices[pp.placement_id].append(pp)
    payments = defaultdict(Decimal)
    for fp in FosterCarePayment.objects.all():
        sign = -1 if fp.kind == "avdrag_barnbidrag" else 1
        payments[(fp.placement_id, fp.month)] += sign * fp.amount

    facts: dict[tuple, dict] = {}
    persons: dict[tuple, set] = defaultdict(set)
    for p in Placement.objects.filter(voided_reason=""):
        for month in months:
            length = calendar.monthrange(month.year, month.month)[1]
            days = priced = 0
            daily_cost = Decimal(0)
            monthly_amount_days = Decimal(0)
            for i in range(length):
                day = month + i * ONE_DAY
                if not _counted(day, p.start_on, p.end_on):
                    continue
                days += 1
                for pp in prices[p.pk]:
                    if pp.valid_from <= day and (pp.valid_to is None or day < pp.valid_to):
                        priced += 1
                        if pp.daily_price is not None:
                            daily_cost += pp.daily_price
                        else:
                            monthly_amount_days += pp.monthly_amount
                        break
            paid = payments.get((p.pk, month))
            ended = _ended_in(p.end_on, month)
            if days == 0 and paid is None and not ended:
                continue
            cost = (daily_cost + monthly_amount_days / length).quantize(CENT, rounding=ROUND_HALF_UP)
            cost += paid or 0
            centre = centres_by_code.get(p.cost_centre) if p.cost_centre else None
            if centre is None:
                for valid_from, cc in mappings[p.care_type_id]:
                    if valid_from <= month:
                        centre = cc
            key = (month, centre, p.care_type_id, p.provider_id, p.legal_basis)
            row = facts.setdefault(key, {
                "care_days": 0, "cost": Decimal(0), "persons": 0, "started": 0, "ended": 0, "unpriced_days": 0,
                "regime": care_types[p.care_type_id].regime, "target_group": care_types[p.care_type_id].target_group,
            })
            row["care_days"] += days
            row["cost"] += cost
            row["unpriced_days"] += days - priced
            row["ended"] += ended
            if days:
                persons[key].add(p.person_id)
                month_end = month + length * ONE_DAY
                row["started"] += month <= p.start_on < month_end
    for key, row in facts.items():
        row["persons"] = len(persons[key])
    return facts
