"""Fakturakontroll (shared/domain.md §9): a provider's expected amount per month beside its invoice.

The expected amount of a placement in a month is its cost by the one cost rule,
placements.pricing.month_cost (days × the agreed price of the placement's own price periods; days no
price period covers are 'saknar pris', never costed at zero). Every placement of the provider with days
in the month gets a row; beside it the amount and days the controller entered from the invoice, and
the difference (invoiced − expected).

Flags on a row:
- the invoiced placement is not found (voided, or outside the user's placements), belongs to another
  provider, or has no days in the month;
- the invoiced days differ from the counted days (placements.days);
- some days lack a price ('saknar pris');
- the difference is beyond INVOICE_TOLERANCE (1 kr, öresavrundning);
- a placement of the provider with days in the month has no line on this invoice: 'ej fakturerad'
  (or, when another invoice of the same provider and month has a line for it, which one).

Totals: expected over every row, invoiced over every line, and the difference over the invoiced rows
(a placement the provider has not invoiced is listed and counted apart, not as a negative difference:
a provider may send one invoice per placement).

Writes (invoice_check_create, invoice_lines_save) are permission-checked, atomic and audited; the
expected amounts are never stored.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from common.db_errors import constraint_messages
from common.errors import NotFound
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from .days import ONE_DAY, care_days, care_end, month_bounds
from .models import FosterCarePayment, InvoiceCheck, InvoiceLine, Placement, PricePeriod, Provider
from .pricing import MISSING_PRICE, month_cost

INVOICE_TOLERANCE = Decimal("1.00")

FLAG_NOT_FOUND = "fakturerad placering finns inte"
FLAG_OTHER_PROVIDER = "placeringen hör till en annan utförare"
FLAG_NO_DAYS = "fakturerad men inga dygn i månaden"
FLAG_DAYS_DIFFER = "dygn avviker"
FLAG_MISSING_PRICE = MISSING_PRICE  # followed by 'för N dygn' (pricing.MonthCost.describe_missing)
FLAG_DIFFERENCE = "differens över 1 kr"
FLAG_NOT_INVOICED = "ej fakturerad"
FLAG_INVOICED_ELSEWHERE = "fakturerad på faktura {reference}"

NOT_ALLOWED = "Du har inte behörighet att göra fakturakontroller."
CHECK_TAKEN = "Det finns redan en fakturakontroll för utföraren, månaden och fakturanumret."
CHECK_MONTH_FIRST_DAY = "Månaden anges med sin första dag."
REFERENCE_REQUIRED = "Ange fakturanumret."
LINE_AMOUNT_REQUIRED = "Ange fakturerat belopp för placering {pk} (0 om utföraren inte fakturerat den)."
LINE_NEGATIVE = "Fakturerat belopp och dygn kan inte vara negativa."
LINE_DUPLICATE = "Placeringen finns redan på fakturan."

INVOICE_CONSTRAINT_MESSAGES = {
    "invoicecheck_provider_month_reference_unique": CHECK_TAKEN,
    "invoicecheck_month_first_day": CHECK_MONTH_FIRST_DAY,
    "invoiceline_placement_unique": LINE_DUPLICATE,
    "invoiceline_amount_not_negative": LINE_NEGATIVE,
    "invoiceline_days_not_negative": LINE_NEGATIVE,
}

VIEW_CHECK_PERMISSION = "placements.view_invoicecheck"
ADD_CHECK_PERMISSION = "placements.add_invoicecheck"
ADD_LINE_PERMISSION = "placements.add_invoiceline"
CHANGE_LINE_PERMISSION = "placements.change_invoiceline"


# --- reading -------------------------------------------------------------------------


def can_view_invoice_checks(user) -> bool:
    return user.has_perm(VIEW_CHECK_PERMISSION)


def can_create_invoice_checks(user) -> bool:
    return user.has_perm(ADD_CHECK_PERMISSION)


def can_enter_invoice_lines(user) -> bool:
    return user.has_perm(ADD_LINE_PERMISSION) and user.has_perm(CHANGE_LINE_PERMISSION)


def invoice_checks_for_user(user) -> QuerySet[InvoiceCheck]:
    """The invoice checks the user may see (all of them for the controller), with their invoiced totals."""
    if not can_view_invoice_checks(user):
        return InvoiceCheck.objects.none()
    return (InvoiceCheck.objects.select_related("provider", "created_by")
            .annotate(line_count=Count("lines"), invoiced_total=Sum("lines__invoiced_amount")))


def invoice_check_get_for_user(user, pk) -> InvoiceCheck:
    try:
        return invoice_checks_for_user(user).get(pk=pk)
    except (InvoiceCheck.DoesNotExist, ValueError, TypeError):
        raise NotFound("Fakturakontrollen finns inte.") from None


@dataclass(frozen=True)
class InvoiceRow:
    """One placement on the check: what it should cost in the month beside what was invoiced."""

    placement_id: int
    placement: Placement | None  # None: invoiced, but not among the user's live placements
    first_day: datetime.date | None  # the placement's first and last counted day in the month
    last_day: datetime.date | None
    days: int
    prices: tuple[PricePeriod, ...]  # the price periods that price its days in the month
    expected: Decimal
    unpriced_days: int
    line: InvoiceLine | None
    flags: tuple[str, ...]

    @property
    def invoiced_amount(self) -> Decimal | None:
        return self.line.invoiced_amount if self.line else None

    @property
    def invoiced_days(self) -> int | None:
        return self.line.invoiced_days if self.line else None

    @property
    def difference(self) -> Decimal | None:
        """Invoiced − expected; None when the placement is not on the invoice."""
        return self.line.invoiced_amount - self.expected if self.line else None

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class InvoiceComparison:
    invoice_check: InvoiceCheck
    rows: list[InvoiceRow] = field(default_factory=list)

    @property
    def expected_total(self) -> Decimal:
        return sum((r.expected for r in self.rows), Decimal(0))

    @property
    def invoiced_total(self) -> Decimal:
        return sum((r.invoiced_amount for r in self.rows if r.line), Decimal(0))

    @property
    def difference_total(self) -> Decimal:
        return sum((r.difference for r in self.rows if r.line), Decimal(0))

    @property
    def days_total(self) -> int:
        return sum(r.days for r in self.rows)

    @property
    def invoiced_days_total(self) -> int:
        return sum(r.invoiced_days or 0 for r in self.rows)

    @property
    def not_invoiced(self) -> list[InvoiceRow]:
        return [r for r in self.rows if r.line is None]

    @property
    def not_invoiced_expected(self) -> Decimal:
        return sum((r.expected for r in self.not_invoiced), Decimal(0))

    @property
    def flagged_count(self) -> int:
        return sum(1 for r in self.rows if r.is_flagged)


def _row(check: InvoiceCheck, placement: Placement, line: InvoiceLine | None, elsewhere: list[str]) -> InvoiceRow:
    first, next_first = month_bounds(check.month.year, check.month.month)
    cost = month_cost(placement=placement, year=first.year, month=first.month,
                      price_periods=placement.price_periods.all(), payments=placement.payments.all())
    lower, upper = max(first, placement.start_on), care_end(placement.start_on, placement.end_on)
    upper = next_first if upper is None else min(upper, next_first)
    prices = tuple(pp for pp in placement.price_periods.all() if cost.days
                   and care_days(pp.valid_from, pp.valid_to, lower, upper) > 0)
    flags = []
    if line is not None:
        if placement.provider_id != check.provider_id:
            flags.append(FLAG_OTHER_PROVIDER)
        if cost.days == 0:
            flags.append(FLAG_NO_DAYS)
        if line.invoiced_days is not None and line.invoiced_days != cost.days:
            flags.append(FLAG_DAYS_DIFFER)
    if cost.has_missing_price:
        flags.append(cost.describe_missing())  # 'saknar pris för 10 dygn'
    if line is not None and abs(line.invoiced_amount - cost.cost) > INVOICE_TOLERANCE:
        flags.append(FLAG_DIFFERENCE)
    if line is None:
        flags.append("; ".join(FLAG_INVOICED_ELSEWHERE.format(reference=r) for r in elsewhere)
                     if elsewhere else FLAG_NOT_INVOICED)
    return InvoiceRow(
        placement_id=placement.pk, placement=placement,
        first_day=lower if cost.days else None, last_day=upper - ONE_DAY if cost.days else None,
        days=cost.days, prices=prices, expected=cost.cost, unpriced_days=cost.unpriced_days, line=line,
        flags=tuple(flags),
    )


def invoice_comparison(*, invoice_check: InvoiceCheck, placements: QuerySet[Placement]) -> InvoiceComparison:
    """The check's rows, one per placement, ordered by placement number.

    `placements` is the user's access-scoped placements (placements.selectors.placements_for_user),
    with whatever select_related the caller needs (e.g. "person" to show identities). Four queries:
    the lines, the lines of other invoices of the month, the placements, their price periods and
    the month's payments (prefetched)."""
    first, next_first = month_bounds(invoice_check.month.year, invoice_check.month.month)
    lines = {line.placement_id: line for line in invoice_check.lines.all()}
    elsewhere: dict[int, list[str]] = {}
    for placement_id, reference in (
        InvoiceLine.objects.filter(invoice_check__provider_id=invoice_check.provider_id,
                                   invoice_check__month=invoice_check.month)
        .exclude(invoice_check=invoice_check).order_by("invoice_check__invoice_reference")
        .values_list("placement_id", "invoice_check__invoice_reference")
    ):
        elsewhere.setdefault(placement_id, []).append(reference)
    found = (
        placements.filter(Q(provider_id=invoice_check.provider_id, period__overlap=DateRange(first, next_first, "[)"))
                          | Q(pk__in=list(lines)))
        .select_related("care_type")
        .prefetch_related(Prefetch("price_periods", queryset=PricePeriod.objects.order_by("valid_from")),
                          Prefetch("payments", queryset=FosterCarePayment.objects.filter(month=first)))
        .order_by("pk")
    )
    rows = [_row(invoice_check, p, lines.get(p.pk), elsewhere.get(p.pk, [])) for p in found]
    seen = {r.placement_id for r in rows}
    for placement_id, line in lines.items():
        if placement_id not in seen:
            flags = [FLAG_NOT_FOUND]
            if line.invoiced_amount > INVOICE_TOLERANCE:
                flags.append(FLAG_DIFFERENCE)
            rows.append(InvoiceRow(placement_id=placement_id, placement=None, first_day=None, last_day=None, days=0,
                                   prices=(), expected=Decimal(0), unpriced_days=0, line=line, flags=tuple(flags)))
    rows.sort(key=lambda r: r.placement_id)
    return InvoiceComparison(invoice_check=invoice_check, rows=rows)


# --- writing -------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceLineEntry:
    """What the controller entered for one placement; amount None = nothing entered."""

    placement: Placement
    invoiced_amount: Decimal | None
    invoiced_days: int | None = None
    comment: str = ""


def _require(by, *permissions: str) -> None:
    if not all(by.has_perm(p) for p in permissions):
        raise PermissionDenied(NOT_ALLOWED)


@transaction.atomic
def invoice_check_create(*, by, provider: Provider, month: datetime.date, invoice_reference: str,
                         comment: str = "") -> InvoiceCheck:
    """Registers a provider's invoice for a month (any date in it; stored as the first day)."""
    _require(by, ADD_CHECK_PERMISSION)
    reference = invoice_reference.strip()
    if not reference:
        raise ValidationError(REFERENCE_REQUIRED, code="invoicecheck_reference_required")
    check = InvoiceCheck(provider=provider, month=month.replace(day=1), invoice_reference=reference,
                         comment=comment.strip(), created_by=by)
    with constraint_messages(INVOICE_CONSTRAINT_MESSAGES):
        check.save()
    audit_record(user=by, action=AccessAction.CREATE, object_type="InvoiceCheck", object_id=check.pk)
    return check


@transaction.atomic
def invoice_lines_save(*, by, invoice_check: InvoiceCheck, entries: Sequence[InvoiceLineEntry]) -> int:
    """Creates or updates the check's lines from `entries`; returns how many lines changed.

    An entry without an amount is skipped when the placement has no line yet; a line once entered
    keeps an amount (0 when the provider did not invoice it). The check is locked first, so two
    controllers saving the same invoice wait for each other."""
    _require(by, ADD_LINE_PERMISSION, CHANGE_LINE_PERMISSION)
    check = InvoiceCheck.objects.select_for_update().get(pk=invoice_check.pk)
    existing = {line.placement_id: line for line in check.lines.all()}
    changed: list[InvoiceLineEntry] = []
    for entry in entries:
        line = existing.get(entry.placement.pk)
        if entry.invoiced_amount is None:
            if line is not None:
                raise ValidationError(LINE_AMOUNT_REQUIRED.format(pk=entry.placement.pk), code="line_amount_required")
            continue
        if entry.invoiced_amount < 0 or (entry.invoiced_days is not None and entry.invoiced_days < 0):
            raise ValidationError(LINE_NEGATIVE, code="invoiceline_amount_not_negative")
        comment = entry.comment.strip()
        with constraint_messages(INVOICE_CONSTRAINT_MESSAGES):
            if line is None:
                line = InvoiceLine(invoice_check=check, placement=entry.placement,
                                   invoiced_amount=entry.invoiced_amount, invoiced_days=entry.invoiced_days,
                                   comment=comment)
                line.save()
                existing[entry.placement.pk] = line
            elif (line.invoiced_amount, line.invoiced_days, line.comment) != (
                    entry.invoiced_amount, entry.invoiced_days, comment):
                line.invoiced_amount, line.invoiced_days, line.comment = (
                    entry.invoiced_amount, entry.invoiced_days, comment)
                line.save(update_fields=["invoiced_amount", "invoiced_days", "comment"])
            else:
                continue
        changed.append(entry)
    if changed:
        audit_record(user=by, action=AccessAction.CHANGE, object_type="InvoiceCheck", object_id=check.pk,
                     persons=[e.placement.person for e in changed],
                     object_unit_ids=[e.placement.unit_id for e in changed])
    return len(changed)
