"""A demo general ledger for 'Demokommunen' (issue 17), imported through the public CSV format, so the result
report, the cost per vårddygn and the reconciliation have something to show.

From January last year through last month, per verksamhet and month: purchased care on 4610 at the
placements' cost (last month 4 % short: an invoice that has not arrived, which the reconciliation proposes to
accrue), staff on 5010 at a fifth of it, statsbidrag on 3590 at 4 % and kommunbidrag on 3810 (mapped 'räknas
inte'). The budget on the same lines is the demo budget's net amount as kostnader × 1,2 and intäkter × 0,2.
Idempotent: months already in the ledger, and closed months, are left as they are."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from .. import rollup
from ..models import AccountMapping, Budget, LedgerBudget, LedgerEntry, LedgerLine, MonthClosing, MonthlyFact
from .importing import import_ledger

SHORT_LAST_MONTH = Decimal("0.96")


def _kr(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def load_demo_ledger(*, today: datetime.date | None = None) -> int:
    """Imports the demo ledger's missing months; returns how many months were imported."""
    today = today or timezone.localdate()
    first, last = datetime.date(today.year - 1, 1, 1), rollup.add_months(today.replace(day=1), -1)
    rollup.rollup_dirty(limit=10_000)
    AccountMapping.objects.get_or_create(account_from=3800, account_to=3899,
                                         defaults={"line": LedgerLine.EXCLUDED})
    done = set(LedgerEntry.objects.values_list("month", flat=True).distinct())
    done |= set(MonthClosing.objects.active().values_list("month", flat=True))
    facts = (MonthlyFact.objects.filter(origin_month__gte=first, origin_month__lte=last, cost_centre__isnull=False)
             .values("origin_month", "cost_centre__code").annotate(cost=Sum("cost")))
    rows = []
    months = set()
    for f in facts:
        month, code, cost = f["origin_month"], f["cost_centre__code"], f["cost"]
        if month in done or not cost:
            continue
        months.add(month)
        booked = cost * SHORT_LAST_MONTH if month == last else cost
        key = (month.year, month.month, code)
        rows += [(*key, 4610, _kr(booked)), (*key, 5010, _kr(cost / 5)), (*key, 3590, _kr(-cost * Decimal("0.04"))),
                 (*key, 3810, _kr(-cost * Decimal("1.16")))]
    if rows:
        lines = ["år;månad;verksamhet;konto;belopp"] + [";".join(str(v) for v in r) for r in rows]
        import_ledger(content="\n".join(lines).encode(), filename="demo_huvudbok.csv")
    _demo_budget_lines(first.year, today.year)
    return len(months)


def _demo_budget_lines(first_year: int, last_year: int) -> None:
    net: dict = defaultdict(Decimal)
    for b in Budget.objects.filter(year__gte=first_year, year__lte=last_year).values("year", "cost_centre_id",
                                                                                      "amount"):
        net[(b["year"], b["cost_centre_id"])] += b["amount"]
    for (year, centre), amount in net.items():
        LedgerBudget.objects.get_or_create(year=year, month=0, cost_centre_id=centre,
                                           defaults={"revenue": amount / 5, "cost": amount * Decimal("1.2")})
