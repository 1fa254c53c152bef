"""A plain Python reference for the roll-up: walks every day of every placement.

Deliberately naive and independent of the SQL: it is the tests' oracle on small random data
and the baseline `make bench` measures the roll-up against. Never used by the product.

A placement paid by SKR's familjehem rule (it has FosterCareTerms) is priced here, from its first terms
on, straight from the rule's definition (issue 20; shared/domain.md §4.2), not from its price periods nor
from placements.skr: per day, the month amount in force that day, spread over the month's days."""

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from placements.models import (
    CareType,
    ExpensesBand,
    FosterCareFeeLevel,
    FosterCarePayment,
    FosterCareTerms,
    Placement,
    PriceBaseAmount,
    PricePeriod,
)
from socialtjanst.identity import parse_id_number

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


def _latest_by_year(values: dict, year: int):
    earlier = [y for y in values if y <= year]
    return values[max(earlier)] if earlier else None


def _kronor(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


class _SkrDefinition:
    """SKR's familjehem rule as issue 20 states it: arvode (the year's grundarvode, raised or reduced by a
    stated amount or % step, not below 0) + omkostnad (the age band's %, raised by points up to the band's
    ceiling, of the year's prisbasbelopp ÷ 12, whole kronor) − barnbidrag/studiebidrag (at most the sum),
    or a negotiated arvode + omkostnad instead. The band follows the age the child reaches in the month;
    a year without figures uses the latest earlier year."""

    def __init__(self):
        self.price_base = {r.year: r.amount for r in PriceBaseAmount.objects.all()}
        self.fees = {r.year: r.monthly_fee for r in FosterCareFeeLevel.objects.all()}
        self.bands = list(ExpensesBand.objects.all())
        self.terms = defaultdict(list)
        for t in FosterCareTerms.objects.order_by("valid_from"):
            self.terms[t.placement_id].append(t)

    @staticmethod
    def birth(person):
        if person.birth_date is not None:
            return person.birth_date
        try:
            return parse_id_number(person.id_number).birth_date
        except ValidationError:  # no readable date: no band
            return None

    def starts(self, p):
        terms = self.terms.get(p.pk)
        return max(p.start_on, terms[0].valid_from) if terms else None

    def amount(self, p, birth, day):
        t = [t for t in self.terms[p.pk] if t.valid_from <= day][-1]
        if t.fee_kind == "avtalat":
            fee, expenses = t.negotiated_fee, t.negotiated_expenses
        else:
            base_fee = _latest_by_year(self.fees, day.year)
            price_base = _latest_by_year(self.price_base, day.year)
            age = None if birth is None else day.year - birth.year - (day.month < birth.month)
            band = next((b for b in self.bands if age is not None and b.from_age <= age <= b.to_age), None)
            if base_fee is None or price_base is None or band is None:
                return None
            fee = base_fee
            if t.fee_kind in ("forhojt", "reducerat"):
                step = t.fee_change if t.fee_change is not None else _kronor(base_fee * t.fee_change_percent / 100)
                fee = max(base_fee + step if t.fee_kind == "forhojt" else base_fee - step, Decimal(0))
            percent = min(band.base_percent + (t.expenses_raise_percent or 0), band.ceiling_percent)
            expenses = _kronor(Decimal(price_base) * percent / 1200)
        return fee + expenses - min(t.child_benefit_deduction, fee + expenses)


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

    skr = _SkrDefinition()
    facts: dict[tuple, dict] = {}
    persons: dict[tuple, set] = defaultdict(set)
    for p in Placement.objects.filter(voided_reason="").select_related("person"):
        rule_from = skr.starts(p)
        birth = skr.birth(p.person) if rule_from is not None else None
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
                if rule_from is not None and day >= rule_from:
                    amount = skr.amount(p, birth, day)
                    if amount is not None:
                        priced += 1
                        monthly_amount_days += amount
                    continue
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
