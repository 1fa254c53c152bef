"""Familjehem payments beside the monthly price: extra ersättning, särskilda kostnader and the
deduction of barnbidrag/studiebidrag (shared/domain.md §4.2). Their sign in a month's cost is
pricing.payment_cost; here they are only registered and removed, access-checked like every
placement write.

The monthly price of an own familjehem itself comes from SKR's rule (placements.skr): a placement's
terms (FosterCareTerms) are set here, and the rule rewrites the placement's price periods from its first
terms on. A change dated in a closed month changes that month's figures only through the roll-up, which
books the difference as a correction in the first open month (budget/rollup.py); closed facts never change."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from common.db_errors import constraint_message, constraint_name
from common.errors import NotFound
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from .. import selectors, skr
from ..days import MONTH_OUT_OF_RANGE, YEAR_MAX, YEAR_MIN, care_days, month_bounds
from ..models import FeeKind, FosterCarePayment, FosterCarePaymentKind, FosterCareTerms, Placement, PricePeriod
from .placements import _audit, _check_may_place, _locked, price_version_bump

__all__ = [
    "PAYMENT_ONLY_MONTHLY", "PAYMENT_AMOUNT_POSITIVE", "PAYMENT_OUTSIDE_PLACEMENT", "PAYMENT_KIND_INVALID",
    "PAYMENT_CONSTRAINT_MESSAGES", "foster_care_payment_register", "foster_care_payment_delete",
    "TERMS_NOT_MONTHLY", "TERMS_ONLY_NEGOTIATED", "TERMS_REASON_REQUIRED", "TERMS_ONE_CHANGE", "TERMS_OUTSIDE",
    "TERMS_NEGOTIATED_AMOUNTS", "TERMS_CONSTRAINT_MESSAGES", "foster_care_terms_set", "skr_reprice",
    "skr_reprice_from_year", "skr_adopt",
]

PAYMENT_ONLY_MONTHLY = "Ersättningar till familjehem registreras bara för vårdformer som prissätts per månad."
PAYMENT_AMOUNT_POSITIVE = "Beloppet måste vara större än noll."
PAYMENT_OUTSIDE_PLACEMENT = "Placeringen har inga dygn i {month}: ersättningen kan inte registreras den månaden."
PAYMENT_KIND_INVALID = "Okänt slag av ersättning."

PAYMENT_CONSTRAINT_MESSAGES = {
    "fostercarepayment_amount_not_negative": PAYMENT_AMOUNT_POSITIVE,
}


@transaction.atomic
def foster_care_payment_register(
    *, by, placement: Placement, month: datetime.date, kind: str, amount: Decimal, comment: str = "",
) -> FosterCarePayment:
    """Registers a payment (or the barnbidrag deduction) for the month containing `month`; the month
    must have days of the placement, and the care type must be priced per month."""
    _check_may_place(by, placement.person, placement.unit, selectors.ADD_PAYMENT_PERMISSION)
    current = _locked(placement.pk, placement.person_id)
    if not current.care_type.is_monthly:
        raise ValidationError(PAYMENT_ONLY_MONTHLY, code="payment_only_monthly")
    if kind not in FosterCarePaymentKind.values:
        raise ValidationError(PAYMENT_KIND_INVALID, code="payment_kind")
    if amount is None or amount <= 0:
        raise ValidationError(PAYMENT_AMOUNT_POSITIVE, code="payment_amount")
    if not YEAR_MIN <= month.year <= YEAR_MAX:
        raise ValidationError(MONTH_OUT_OF_RANGE, code="payment_month_out_of_range")
    first, next_first = month_bounds(month.year, month.month)
    if care_days(current.start_on, current.end_on, first, next_first) == 0:
        raise ValidationError(PAYMENT_OUTSIDE_PLACEMENT.format(month=first.strftime("%Y-%m")),
                              code="payment_outside_placement")
    try:
        with transaction.atomic():
            payment = FosterCarePayment.objects.create(placement=current, month=first, kind=kind, amount=amount,
                                                       comment=comment)
    except IntegrityError as exc:
        name = constraint_name(exc)
        raise ValidationError(constraint_message(name, PAYMENT_CONSTRAINT_MESSAGES), code=name or "integrity") from exc
    _audit(by, AccessAction.CHANGE, current)
    return payment


@transaction.atomic
def foster_care_payment_delete(*, by, payment: FosterCarePayment) -> Placement:
    """Removes a wrongly registered payment; the access log keeps who did it."""
    placement = payment.placement
    _check_may_place(by, placement.person, placement.unit, selectors.DELETE_PAYMENT_PERMISSION)
    current = _locked(placement.pk, placement.person_id)
    deleted, _ = FosterCarePayment.objects.filter(pk=payment.pk, placement=current).delete()
    if not deleted:
        raise NotFound("Ersättningen finns inte.")
    audit_record(user=by, action=AccessAction.DELETE, object_type="FosterCarePayment", object_id=payment.pk,
                 persons=[current.person], object_unit_ids=[current.unit_id])
    return current


# --- SKR's rule: a placement's terms and its price periods ---------------------------------------

TERMS_NOT_MONTHLY = "Villkor för familjehemsersättning gäller bara vårdformer som prissätts per månad."
TERMS_ONLY_NEGOTIATED = "För den här vårdformen kan bara ett avtalat belopp anges."
TERMS_REASON_REQUIRED = "Ange skälet till förhöjt eller reducerat arvode."
TERMS_ONE_CHANGE = "Ange antingen ett belopp eller ett steg i procent för förhöjningen/sänkningen, inte båda."
TERMS_RAISE_REASON_REQUIRED = "Ange skälet till att omkostnadsersättningen höjs."
TERMS_NEGOTIATED_AMOUNTS = "Ange avtalat arvode och avtalad omkostnad för ett avtalat belopp."
TERMS_OUTSIDE = "Villkoren måste gälla från ett datum inom placeringen."

TERMS_CONSTRAINT_MESSAGES = {
    "fostercareterms_adjustment_with_reason": TERMS_REASON_REQUIRED,
    "fostercareterms_negotiated_amounts": TERMS_NEGOTIATED_AMOUNTS,
    "fostercareterms_raise_with_reason": TERMS_RAISE_REASON_REQUIRED,
    "fostercareterms_deduction_not_negative": PAYMENT_AMOUNT_POSITIVE,
}


def _period_key(pp: PricePeriod) -> tuple:
    return (pp.valid_from, pp.valid_to, pp.monthly_amount, pp.fee, pp.expenses, pp.deduction or 0)


def skr_reprice(placement: Placement, *, levels: skr.Levels | None = None) -> bool:
    """Makes the placement's price periods from its first terms on equal to SKR's rule; earlier periods
    stand. Nothing is written when they already are (no month is marked for the roll-up). True if written."""
    terms = list(FosterCareTerms.objects.filter(placement=placement).order_by("valid_from"))
    start = skr.rule_start(placement, terms)
    if start is None:
        return False
    wanted = skr.rule_periods(placement=placement, terms=terms, levels=levels or skr.Levels.load(),
                              birth=skr.birth_date_of(placement.person))
    existing = PricePeriod.objects.select_for_update().filter(placement=placement).order_by("valid_from")
    from_start = [pp for pp in existing if pp.valid_to is None or pp.valid_to > start]
    if [_period_key(pp) for pp in from_start] == [_period_key(pp) for pp in wanted] \
            and all(pp.valid_from >= start for pp in from_start):
        return False
    PricePeriod.objects.filter(placement=placement, valid_from__gte=start).delete()
    PricePeriod.objects.filter(placement=placement, valid_from__lt=start).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start)).update(valid_to=start)
    PricePeriod.objects.bulk_create(wanted)
    price_version_bump(placement_id=placement.pk)
    return True


def _check_terms(care_type, fee_kind: str, fee_change, fee_change_percent, fee_reason: str,
                 expenses_raise_percent, expenses_reason: str, negotiated_fee, negotiated_expenses) -> None:
    if not care_type.is_monthly:
        raise ValidationError(TERMS_NOT_MONTHLY, code="terms_not_monthly")
    if care_type.code not in skr.RULE_CARE_TYPE_CODES and fee_kind != FeeKind.NEGOTIATED:
        raise ValidationError(TERMS_ONLY_NEGOTIATED, code="terms_only_negotiated")
    if fee_kind in (FeeKind.RAISED, FeeKind.REDUCED):
        if (fee_change is None) == (fee_change_percent is None):
            raise ValidationError(TERMS_ONE_CHANGE, code="terms_one_change")
        if not fee_reason.strip():
            raise ValidationError(TERMS_REASON_REQUIRED, code="terms_reason")
    if expenses_raise_percent is not None and not expenses_reason.strip():
        raise ValidationError(TERMS_RAISE_REASON_REQUIRED, code="terms_raise_reason")
    if fee_kind == FeeKind.NEGOTIATED and (negotiated_fee is None or negotiated_expenses is None):
        raise ValidationError(TERMS_NEGOTIATED_AMOUNTS, code="terms_negotiated")


@transaction.atomic
def foster_care_terms_set(
    *, by, placement: Placement, valid_from: datetime.date, fee_kind: str = FeeKind.BASE,
    fee_change: Decimal | None = None, fee_change_percent: Decimal | None = None, fee_reason: str = "",
    expenses_raise_percent: Decimal | None = None, expenses_reason: str = "",
    child_benefit_deduction: Decimal = Decimal(0), negotiated_fee: Decimal | None = None,
    negotiated_expenses: Decimal | None = None,
) -> FosterCareTerms:
    """How the placement is paid from `valid_from` (a new row, or the row of that date replaced), then its
    price periods from its first terms on are rebuilt by SKR's rule. A date in a closed month is allowed:
    the roll-up books the difference as a correction in the first open month."""
    _check_may_place(by, placement.person, placement.unit)
    current = _locked(placement.pk, placement.person_id)
    _check_terms(current.care_type, fee_kind, fee_change, fee_change_percent, fee_reason, expenses_raise_percent,
                 expenses_reason, negotiated_fee, negotiated_expenses)
    stop = current.end_on if current.end_on is not None and current.end_on > current.start_on else None
    if valid_from < current.start_on or (stop is not None and valid_from >= stop):
        raise ValidationError(TERMS_OUTSIDE, code="terms_outside")
    try:
        with transaction.atomic():
            terms, _ = FosterCareTerms.objects.update_or_create(placement=current, valid_from=valid_from, defaults={
                "fee_kind": fee_kind, "fee_change": fee_change, "fee_change_percent": fee_change_percent,
                "fee_reason": fee_reason.strip(), "expenses_raise_percent": expenses_raise_percent,
                "expenses_reason": expenses_reason.strip(), "child_benefit_deduction": child_benefit_deduction,
                "negotiated_fee": negotiated_fee, "negotiated_expenses": negotiated_expenses,
            })
    except IntegrityError as exc:
        name = constraint_name(exc)
        raise ValidationError(constraint_message(name, TERMS_CONSTRAINT_MESSAGES), code=name or "integrity") from exc
    skr_reprice(current)
    _audit(by, AccessAction.CHANGE, current)
    return terms


def _rule_placements(since: datetime.date):
    return (Placement.objects.filter(voided_reason="", foster_care_terms__isnull=False)
            .filter(Q(end_on__isnull=True) | Q(end_on__gte=since)).distinct()
            .select_related("person", "care_type"))


@transaction.atomic
def skr_reprice_from_year(year: int) -> int:
    """After the systemförvaltare has changed a year's prisbasbelopp, grundarvode or the bands: every
    placement paid by the rule with days from that year on gets its price periods rebuilt. Returns how many
    changed. Months of that year already closed are corrected through the roll-up, never rewritten."""
    levels = skr.Levels.load()
    return sum(skr_reprice(p, levels=levels) for p in _rule_placements(datetime.date(year, 1, 1)))


@transaction.atomic
def skr_adopt(*, from_month: datetime.date) -> int:
    """Moves the existing own familjehem placements paid by the old SKR levels (a price period from
    `from_month` on split into arvode and omkostnad) onto SKR's rule from `from_month` (the first open month,
    chosen by the caller): months before keep the price periods they had. A placement priced by one agreed
    amount (no split) keeps it. Returns how many placements were moved."""
    levels = skr.Levels.load()
    moved = 0
    split_from = PricePeriod.objects.filter(fee__isnull=False).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=from_month)).values("placement_id")
    placements = (Placement.objects.filter(voided_reason="", care_type__code__in=skr.RULE_CARE_TYPE_CODES,
                                           foster_care_terms__isnull=True, pk__in=split_from)
                  .filter(Q(end_on__isnull=True) | Q(end_on__gt=from_month)).select_related("person", "care_type"))
    for placement in placements:
        FosterCareTerms.objects.create(placement=placement, valid_from=max(from_month, placement.start_on))
        skr_reprice(placement, levels=levels)
        moved += 1
    return moved
