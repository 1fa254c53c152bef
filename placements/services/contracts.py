"""The controller's reference data: providers (utförare), agreements and their price lists.
Permission-checked (the controller holds add/change; handläggare may only view), atomic, audited.
A changed price list affects placements registered afterwards: prices already copied at avrop are
the placement's own (services.prices)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from common.db_errors import constraint_messages
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from ..models import Agreement, AgreementKind, AgreementPrice, CareType, Provider, normalise_org_number

__all__ = [
    "PROVIDER_ORG_NUMBER_TAKEN", "PROVIDER_CODE_TAKEN", "AGREEMENT_REFERENCE_TAKEN", "AGREEMENT_VALID_TO_BEFORE_FROM",
    "AGREEMENT_FRAMEWORK_ONLY_CALL_OFF", "AGREEMENT_FRAMEWORK_OTHER_PROVIDER", "PRICE_DUPLICATE", "PRICE_NEGATIVE",
    "PRICE_OUTSIDE_AGREEMENT", "NOT_ALLOWED", "CONTRACT_CONSTRAINT_MESSAGES", "provider_create", "provider_update",
    "agreement_create", "agreement_update", "agreement_price_create", "agreement_price_update",
]

PROVIDER_ORG_NUMBER_TAKEN = "Det finns redan en utförare med det organisationsnumret."
PROVIDER_CODE_TAKEN = "Det finns redan en utförare med den koden."
AGREEMENT_REFERENCE_TAKEN = "Utföraren har redan ett avtal med det avtalsnumret."
AGREEMENT_VALID_TO_BEFORE_FROM = "Avtalets slutdatum kan inte vara före startdatum."
AGREEMENT_FRAMEWORK_ONLY_CALL_OFF = "Bara ett avrop kan höra till ett ramavtal."
AGREEMENT_FRAMEWORK_OTHER_PROVIDER = "Ramavtalet gäller en annan utförare."
PRICE_DUPLICATE = "Avtalet har redan ett pris för vårdformen från det datumet."
PRICE_NEGATIVE = "Priset kan inte vara negativt."
PRICE_OUTSIDE_AGREEMENT = "Priset måste gälla från ett datum inom avtalets period ({period})."
NOT_ALLOWED = "Du har inte behörighet att ändra utförare och avtal."

CONTRACT_CONSTRAINT_MESSAGES = {
    "provider_org_number_key": PROVIDER_ORG_NUMBER_TAKEN,
    "placements_provider_org_number_key": PROVIDER_ORG_NUMBER_TAKEN,
    "placements_provider_code_key": PROVIDER_CODE_TAKEN,
    "agreement_reference_unique": AGREEMENT_REFERENCE_TAKEN,
    "agreement_valid_to_after_from": AGREEMENT_VALID_TO_BEFORE_FROM,
    "agreement_only_call_off_has_framework": AGREEMENT_FRAMEWORK_ONLY_CALL_OFF,
    "agreementprice_unique": PRICE_DUPLICATE,
    "agreementprice_price_not_negative": PRICE_NEGATIVE,
}


def _require(by, permission: str) -> None:
    if not by.has_perm(f"placements.{permission}"):
        raise PermissionDenied(NOT_ALLOWED)


def _audit(by, action: AccessAction, obj) -> None:
    audit_record(user=by, action=action, object_type=type(obj).__name__, object_id=obj.pk)


def _save(obj, **kwargs) -> None:
    with constraint_messages(CONTRACT_CONSTRAINT_MESSAGES):
        obj.save(**kwargs)


# --- providers ---------------------------------------------------------------------


@transaction.atomic
def provider_create(*, by, name: str, org_number: str, code: str = "", ivo_permit: str = "",
                    ivo_permit_valid_until: datetime.date | None = None) -> Provider:
    _require(by, "add_provider")
    return _provider_create(by=by, name=name, org_number=org_number, code=code, ivo_permit=ivo_permit,
                            ivo_permit_valid_until=ivo_permit_valid_until)


@transaction.atomic
def _provider_create(*, by, name: str, org_number: str, code: str = "", ivo_permit: str = "",
                     ivo_permit_valid_until: datetime.date | None = None) -> Provider:
    """provider_create without the permission check, for a caller that has checked its own (the placement
    import: the upload page is the controller's, the command is run by whoever runs manage.py)."""
    provider = Provider(name=name.strip(), org_number=normalise_org_number(org_number), code=code.strip() or None,
                        ivo_permit=ivo_permit.strip(), ivo_permit_valid_until=ivo_permit_valid_until)
    _save(provider)
    _audit(by, AccessAction.CREATE, provider)
    return provider


@transaction.atomic
def provider_update(*, by, provider: Provider, name: str, org_number: str, code: str = "", ivo_permit: str = "",
                    ivo_permit_valid_until: datetime.date | None = None) -> Provider:
    _require(by, "change_provider")
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    provider.name, provider.org_number = name.strip(), normalise_org_number(org_number)
    provider.code, provider.ivo_permit = code.strip() or None, ivo_permit.strip()
    provider.ivo_permit_valid_until = ivo_permit_valid_until
    _save(provider, update_fields=["name", "org_number", "code", "ivo_permit", "ivo_permit_valid_until"])
    _audit(by, AccessAction.CHANGE, provider)
    return provider


# --- agreements --------------------------------------------------------------------


def _check_agreement(provider: Provider, kind: str, framework: Agreement | None, valid_from: datetime.date,
                     valid_to: datetime.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(AGREEMENT_VALID_TO_BEFORE_FROM, code="agreement_valid_to_after_from")
    if framework is not None:
        if kind != AgreementKind.CALL_OFF or framework.kind != AgreementKind.FRAMEWORK:
            raise ValidationError(AGREEMENT_FRAMEWORK_ONLY_CALL_OFF, code="agreement_only_call_off_has_framework")
        if framework.provider_id != provider.pk:
            raise ValidationError(AGREEMENT_FRAMEWORK_OTHER_PROVIDER, code="agreement_framework_provider")


@transaction.atomic
def agreement_create(*, by, provider: Provider, kind: str, reference: str, valid_from: datetime.date,
                     valid_to: datetime.date | None = None, framework: Agreement | None = None) -> Agreement:
    _require(by, "add_agreement")
    _check_agreement(provider, kind, framework, valid_from, valid_to)
    agreement = Agreement(provider=provider, kind=kind, reference=reference.strip(), framework=framework,
                          valid_from=valid_from, valid_to=valid_to)
    _save(agreement)
    _audit(by, AccessAction.CREATE, agreement)
    return agreement


@transaction.atomic
def agreement_update(*, by, agreement: Agreement, kind: str, reference: str, valid_from: datetime.date,
                     valid_to: datetime.date | None = None, framework: Agreement | None = None) -> Agreement:
    """Changes an agreement's terms; its provider is fixed (a new provider is a new agreement)."""
    _require(by, "change_agreement")
    agreement = Agreement.objects.select_for_update().select_related("provider").get(pk=agreement.pk)
    _check_agreement(agreement.provider, kind, framework, valid_from, valid_to)
    agreement.kind, agreement.reference, agreement.framework = kind, reference.strip(), framework
    agreement.valid_from, agreement.valid_to = valid_from, valid_to
    _save(agreement, update_fields=["kind", "reference", "framework", "valid_from", "valid_to"])
    _audit(by, AccessAction.CHANGE, agreement)
    return agreement


# --- price lists -------------------------------------------------------------------


def _check_price(agreement: Agreement, valid_from: datetime.date, daily_price: Decimal) -> None:
    if daily_price < 0:
        raise ValidationError(PRICE_NEGATIVE, code="agreementprice_price_not_negative")
    if valid_from < agreement.valid_from or (agreement.valid_to is not None and valid_from > agreement.valid_to):
        end = agreement.valid_to.isoformat() if agreement.valid_to else "tills vidare"
        raise ValidationError(PRICE_OUTSIDE_AGREEMENT.format(period=f"{agreement.valid_from.isoformat()}–{end}"),
                              code="agreementprice_outside_agreement")


@transaction.atomic
def agreement_price_create(*, by, agreement: Agreement, care_type: CareType, valid_from: datetime.date,
                           daily_price: Decimal) -> AgreementPrice:
    """A price list line from `valid_from` until the next line of the same care type."""
    _require(by, "add_agreementprice")
    _check_price(agreement, valid_from, daily_price)
    price = AgreementPrice(agreement=agreement, care_type=care_type, valid_from=valid_from, daily_price=daily_price)
    _save(price)
    _audit(by, AccessAction.CREATE, price)
    return price


@transaction.atomic
def agreement_price_update(*, by, price: AgreementPrice, care_type: CareType, valid_from: datetime.date,
                           daily_price: Decimal) -> AgreementPrice:
    """Corrects a price list line. Placements already registered keep the prices copied at avrop."""
    _require(by, "change_agreementprice")
    price = AgreementPrice.objects.select_for_update().select_related("agreement").get(pk=price.pk)
    _check_price(price.agreement, valid_from, daily_price)
    price.care_type, price.valid_from, price.daily_price = care_type, valid_from, daily_price
    _save(price, update_fields=["care_type", "valid_from", "daily_price"])
    _audit(by, AccessAction.CHANGE, price)
    return price
