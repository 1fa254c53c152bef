"""Reconciliation at closing (issue 17 point 4): per verksamhet, care type and provider, the month's
placement-based expected cost (the monthly facts of the month as origin, i.e. what the placements cost
that month, corrections included) beside the cost booked in the ledger.

Booked cost is the ledger's amounts on the placement accounts (LedgerSettings, default 4600–4699, Kommun-Bas
köp av huvudverksamhet) per verksamhet; per provider where a ledger row's motpart is the provider's
organisation number. The accrual proposal (periodisering) per verksamhet is expected −
booked: placement days not yet invoiced, or invoiced at an old price. The controller reviews and adjusts it
(Accrual), and exports it as a SIE 4 voucher (#VER with a #TRANS per verksamhet and the balancing
liability) and as CSV. The reconciled difference (expected − booked − accrual) blocks closing above the
controller's threshold unless a reason is given (ClosingOverride)."""

import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from common.periods import month_end, month_label

from ..models import Accrual, ClosingOverride, CostCentre, LedgerEntry, LedgerImport, MonthlyFact
from .importing import ledger_settings

ZERO = Decimal("0.00")
CLOSING_BLOCKED = ("Avstämningen för {month} visar en skillnad på {difference} kr mellan placeringarna och "
                   "huvudboken (spärrgräns {threshold} kr). Periodisera skillnaden eller ange ett skäl för att "
                   "stänga ändå.")
OVERRIDE_TOO_LONG = "Skälet får vara högst 500 tecken."
ACCRUAL_SAVED = "Periodiseringen för {cost_centre} är sparad."
THRESHOLD_NEGATIVE = "Spärrgränsen kan inte vara negativ."


@dataclass
class DetailRow:
    care_type: str
    care_type_name: str
    provider: str
    expected: Decimal
    booked: Decimal | None
    care_days: int = 0
    unpriced_days: int = 0  # placement days without a known price: their cost is missing from `expected`


@dataclass
class CentreRow:
    cost_centre_id: int | None
    code: str
    name: str
    expected: Decimal = ZERO
    booked: Decimal = ZERO
    proposal: Decimal = ZERO
    accrual: Decimal = ZERO  # saved by the controller; 0 until reviewed
    accrual_comment: str = ""
    reviewed: bool = False
    details: list[DetailRow] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        return self.expected - self.booked

    @property
    def reconciled(self) -> Decimal:
        return self.expected - self.booked - self.accrual


def _digits(value: str) -> str:
    return re.sub(r"[^0-9]", "", value or "")


def reconcile(month: datetime.date) -> list[CentreRow]:
    """The month's rows per verksamhet, each with its care type / provider details."""
    month = month.replace(day=1)
    settings = ledger_settings()
    booked: dict = defaultdict(lambda: ZERO)
    booked_by_party: dict = defaultdict(lambda: ZERO)
    for r in (LedgerEntry.objects.filter(month=month, account__gte=settings.placement_account_from,
                                         account__lte=settings.placement_account_to)
              .values("cost_centre_id", "account", "counterpart").annotate(total=Sum("amount"))):
        booked[r["cost_centre_id"]] += r["total"]
        if r["counterpart"]:
            booked_by_party[(r["cost_centre_id"], _digits(r["counterpart"]))] += r["total"]
    facts = (MonthlyFact.objects.filter(origin_month=month)
             .values("cost_centre_id", "care_type__code", "care_type__name", "provider__name",
                     "provider__org_number")
             .annotate(cost=Sum("cost"), days=Sum("care_days"), unpriced=Sum("unpriced_days"))
             .order_by("care_type__code", "provider__name"))
    rows: dict = {}
    centres = CostCentre.objects.in_bulk()

    def row(cc):
        if cc not in rows:
            c = centres.get(cc)
            rows[cc] = CentreRow(cc, c.code if c else "", c.name if c else "Utan verksamhet")
        return rows[cc]

    for f in facts:
        r = row(f["cost_centre_id"])
        r.expected += f["cost"]
        party = _digits(f["provider__org_number"] or "")
        r.details.append(DetailRow(f["care_type__code"], f["care_type__name"], f["provider__name"] or "Egen regi",
                                   f["cost"], booked_by_party.get((f["cost_centre_id"], party)) if party else None,
                                   f["days"] or 0, f["unpriced"] or 0))
    for cc, amount in booked.items():
        row(cc).booked += amount
    accruals = {a.cost_centre_id: a for a in Accrual.objects.filter(month=month)}
    for cc, r in rows.items():
        r.proposal = r.expected - r.booked
        saved = accruals.get(cc)
        # Only an accrual the controller has saved counts; the proposal is what the form starts from.
        r.accrual, r.reviewed = (saved.amount, True) if saved else (ZERO, False)
        r.accrual_comment = saved.comment if saved else ""
    return sorted(rows.values(), key=lambda r: r.code or "~")


def reconciled_difference(month: datetime.date) -> Decimal:
    """The sum of the verksamheter's reconciled differences, as an absolute amount."""
    return sum((abs(r.reconciled) for r in reconcile(month)), ZERO)


@transaction.atomic
def save_accrual(*, by, month: datetime.date, cost_centre_id: int | None, amount: Decimal, comment: str) -> Accrual:
    accrual, _ = Accrual.objects.update_or_create(
        month=month.replace(day=1), cost_centre_id=cost_centre_id,
        defaults={"amount": amount, "comment": comment[:200], "changed_by": by})
    return accrual


@transaction.atomic
def set_threshold(*, threshold: Decimal) -> None:
    if threshold < 0:
        raise ValidationError(THRESHOLD_NEGATIVE)
    row = ledger_settings()
    row.accrual_threshold = threshold
    row.save(update_fields=["accrual_threshold"])


@dataclass(frozen=True)
class ClosingStatus:
    month: datetime.date
    difference: Decimal
    threshold: Decimal

    @property
    def blocked(self) -> bool:
        return bool(self.threshold) and self.difference > self.threshold

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    @property
    def difference_text(self) -> str:
        return f"{_kr(self.difference)} kr"

    @property
    def threshold_text(self) -> str:
        return f"{_kr(self.threshold)} kr"


def closing_status(next_month: datetime.date | None) -> ClosingStatus | None:
    """What the closing page shows for the month to close next (before the first closing: the latest month
    of the ledger); None when there is neither."""
    month = next_month
    if month is None:
        latest = LedgerImport.objects.order_by("-last_month").first()
        month = latest.last_month if latest else None
    if month is None:
        return None
    return ClosingStatus(month, reconciled_difference(month), ledger_settings().accrual_threshold)


def check_closing(*, by, month: datetime.date, override_reason: str = "") -> None:
    """Raises ValidationError when the month's reconciled difference exceeds the threshold and no reason is
    given; with a reason the override is recorded. Called by budget.closing.close_month."""
    threshold = ledger_settings().accrual_threshold
    if not threshold:
        return
    difference = reconciled_difference(month)
    if difference <= threshold:
        return
    reason = (override_reason or "").strip()
    if not reason:
        raise ValidationError(CLOSING_BLOCKED.format(month=month_label(month), difference=_kr(difference),
                                                     threshold=_kr(threshold)), code="reconciliation_blocked")
    if len(reason) > 500:
        raise ValidationError(OVERRIDE_TOO_LONG)
    ClosingOverride.objects.create(month=month, difference=difference, reason=reason, created_by=by)


def _kr(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", "\u00a0")


# --- exports ---------------------------------------------------------------------------------


def _accruals(month: datetime.date) -> list[CentreRow]:
    return [r for r in reconcile(month) if r.accrual]


def voucher_sie(month: datetime.date) -> bytes:
    """A SIE 4 file with one #VER: a #TRANS per verksamhet on the accrual cost account (the verksamhet in
    the configured dimension) and one balancing #TRANS on the liability account; CP437 as declared."""
    settings = ledger_settings()
    last = month_end(month)
    rows = _accruals(month)
    total = sum((r.accrual for r in rows), ZERO)
    dim = settings.cost_centre_dimension
    out = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "IFO uppföljning" 1',
           f"#GEN {timezone.localdate():%Y%m%d}", f'#DIM {dim} "Verksamhet"']
    out += [f'#OBJEKT {dim} "{r.code}" "{_quote(r.name)}"' for r in rows if r.code]
    out.append(f'#VER "P" "" {last:%Y%m%d} "Periodisering placeringar {month_label(month)}"')
    out.append("{")
    for r in rows:
        objects = f'{dim} "{r.code}"' if r.code else ""
        out.append(f"#TRANS {settings.accrual_cost_account} {{{objects}}} {r.accrual:.2f}")
    out.append(f"#TRANS {settings.accrual_liability_account} {{}} {-total:.2f}")
    out.append("}")
    return ("\r\n".join(out) + "\r\n").encode("cp437", errors="replace")


def _quote(value: str) -> str:
    return value.replace('"', '\\"')


def voucher_csv(month: datetime.date) -> bytes:
    """The same voucher as CSV: år;månad;verksamhet;konto;belopp;text (debet +)."""
    settings = ledger_settings()
    rows = _accruals(month)
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(["år", "månad", "verksamhet", "konto", "belopp", "text"])
    text = f"Periodisering placeringar {month_label(month)}"
    for r in rows:
        writer.writerow([month.year, month.month, r.code, settings.accrual_cost_account,
                         format(r.accrual, "f").replace(".", ","), text])
    total = sum((r.accrual for r in rows), ZERO)
    writer.writerow([month.year, month.month, "", settings.accrual_liability_account,
                     format(-total, "f").replace(".", ","), text])
    return buf.getvalue().encode("utf-8")
