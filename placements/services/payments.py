"""Familjehem payments beside the monthly price: extra ersättning, särskilda kostnader and the
deduction of barnbidrag/studiebidrag (shared/domain.md §4.2). Their sign in a month's cost is
pricing.payment_cost; here they are only registered and removed, access-checked like every
placement write."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.db_errors import constraint_message, constraint_name
from common.errors import NotFound
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from .. import selectors
from ..days import MONTH_OUT_OF_RANGE, YEAR_MAX, YEAR_MIN, care_days, month_bounds
from ..models import FosterCarePayment, FosterCarePaymentKind, Placement
from .placements import _audit, _check_may_place, _locked

__all__ = [
    "PAYMENT_ONLY_MONTHLY", "PAYMENT_AMOUNT_POSITIVE", "PAYMENT_OUTSIDE_PLACEMENT", "PAYMENT_KIND_INVALID",
    "PAYMENT_CONSTRAINT_MESSAGES", "foster_care_payment_register", "foster_care_payment_delete",
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
