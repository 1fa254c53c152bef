"""Writes of placements and their prices. Each service is atomic, takes the acting user
as `by`, writes its access-log row in the same transaction, and turns a violated
constraint into a Swedish ValidationError naming what it collided with.

Locks are always taken in one order (lock_person_placements): the person row, then
that person's placements by id. Two users saving for the same person at the same
moment therefore queue; the second then meets the exclusion constraint, and gets the
same message as anyone else.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from common.db_errors import constraint_message, constraint_name
from common.errors import NotFound
from socialtjanst import access
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction, Intervention, LegalBasis, Person, Unit

from .. import care_followup, lilla_hjartat, selectors
from ..care_plans import placement_started
from ..ivo import IVO_CHECK_AFTER_START, IVO_CHECK_REQUIRED, IVO_NO_PERMIT, IVO_PERMIT_EXPIRED, placement_ivo_check
from ..models import Agreement, CareType, EndReason, FosterCareTerms, Placement, PricePeriod, Provider, Regime
from ..notifications import notifications_create
from .prices import RATE_CARE_TYPE_CODES, initial_price_periods

__all__ = [
    "OVERLAP", "OVERLAP_UNKNOWN", "PRICE_OVERLAP", "END_BEFORE_START", "PROVIDER_REQUIRED", "UNIT_NOT_ALLOWED",
    "PERSON_NOT_VISIBLE", "ALREADY_ENDED", "MOVE_DATE_INVALID", "PRICE_KIND_MONTHLY", "PRICE_KIND_DAILY",
    "PRICE_BEFORE_START", "PARENT_ONLY_LSB", "IVO_CHECK_INCOMPLETE", "IVO_CHECK_REQUIRED", "IVO_CHECK_AFTER_START",
    "IVO_NO_PERMIT", "IVO_PERMIT_EXPIRED", "END_REASON_REQUIRED",
    "AGREEMENT_OTHER_PROVIDER", "PARENT_NOT_FOUND", "PARENT_SAME_PERSON", "INTERVENTION_NOT_FOUND",
    "CONSTRAINT_MESSAGES", "lock_person_placements", "placement_create", "placement_end", "placement_move",
    "price_period_set", "price_version_bump", "PRICES_CHANGED", "PRICE_FOLLOWS_RULE",
]

OVERLAP = "Personen har redan en placering som överlappar: {placement}."
OVERLAP_UNKNOWN = "Personen har redan en placering som överlappar samma period."
PRICE_OVERLAP = "Prisperioden överlappar en annan prisperiod för placeringen."
END_BEFORE_START = "Slutdatum kan inte vara före startdatum."
LVU_GROUND_ONLY_LVU = "LVU-grund (2 § eller 3 §) anges bara för vård enligt LVU."
PROVIDER_REQUIRED = "Vårdformen är köpt: ange utförare."
UNIT_NOT_ALLOWED = "Du kan bara registrera placeringar i dina egna enheter."
PERSON_NOT_VISIBLE = "Personen finns inte."
ALREADY_ENDED = "Placeringen är redan avslutad {end_on}."
END_REASON_REQUIRED = "Ange avslutsorsak."
MOVE_DATE_INVALID = "Flyttdatum måste vara efter placeringens startdatum och senast dess slutdatum."
PRICE_KIND_MONTHLY = "Vårdformen prissätts per månad: ange månadsbelopp."
PRICE_KIND_DAILY = "Vårdformen prissätts per dygn eller dag: ange dygnspris."
PRICE_BEFORE_START = "Priset kan inte gälla från före placeringens startdatum."
PRICES_CHANGED = ("Placeringens priser har ändrats av någon annan sedan du öppnade sidan. "
                  "Ladda om sidan, se över priserna och spara igen.")
PARENT_ONLY_LSB = "Bara en placering enligt LSB kan kopplas till en förälders placering."
IVO_CHECK_INCOMPLETE = "Ange både datum och resultat för kontrollen i IVO:s placeringsstöd."
AGREEMENT_OTHER_PROVIDER = "Avtalet {agreement} gäller en annan utförare än den valda."
PARENT_NOT_FOUND = "Förälderns placering finns inte."
PARENT_SAME_PERSON = "Förälderns placering måste gälla en annan person än barnet."
INTERVENTION_NOT_FOUND = "Insatsen finns inte bland personens insatser."

PRICE_FOLLOWS_RULE = ("Placeringen ersätts enligt SKR:s regel från {date}: ändra villkoren under "
                      "Familjehemsersättning (SKR), t.ex. ett avtalat belopp, i stället för priset.")

CONSTRAINT_MESSAGES = {
    "placement_end_after_start": END_BEFORE_START,
    "priceperiod_no_overlap": PRICE_OVERLAP,
    "placement_parent_only_for_lsb": PARENT_ONLY_LSB,
    "placement_ivo_check_date_and_result_together": IVO_CHECK_INCOMPLETE,
}


# --- locks and errors ------------------------------------------------------------


def lock_person_placements(person_id: int) -> list[Placement]:
    """The one lock order: the person row, then the person's placements by id."""
    Person.objects.select_for_update().filter(pk=person_id).values_list("pk", flat=True).get()
    return list(Placement.objects.select_for_update().filter(person_id=person_id).order_by("pk"))


def _overlapping(placement: Placement) -> Placement | None:
    """The live heldygn placement that collides with `placement` (found after the constraint fired)."""
    qs = Placement.objects.select_related("care_type", "provider").filter(
        person_id=placement.person_id, is_24h=True, voided_reason="", period__overlap=_counted_range(placement),
    )
    if placement.pk:
        qs = qs.exclude(pk=placement.pk)
    return qs.order_by("start_on").first()


def _counted_range(placement: Placement):
    from django.db.backends.postgresql.psycopg_any import DateRange

    from ..days import care_end

    return DateRange(placement.start_on, care_end(placement.start_on, placement.end_on), "[)")


def _save(placement: Placement, **save_kwargs) -> None:
    """Saves in a savepoint; a violated constraint becomes a Swedish ValidationError."""
    try:
        with transaction.atomic():
            placement.save(**save_kwargs)
    except IntegrityError as exc:
        name = constraint_name(exc)
        if name == "placement_no_overlapping_24h":
            other = _overlapping(placement)
            message = OVERLAP.format(placement=other.describe()) if other else OVERLAP_UNKNOWN
            raise ValidationError(message, code="overlap") from exc
        raise ValidationError(constraint_message(name, CONSTRAINT_MESSAGES), code=name or "integrity") from exc


def _audit(by, action: AccessAction, placement: Placement) -> None:
    audit_record(
        user=by, action=action, object_type="Placement", object_id=placement.pk,
        persons=[placement.person], object_unit_ids=[placement.unit_id],
    )


def _check_may_place(by, person: Person, unit: Unit, permission: str = selectors.CHANGE_PLACEMENT_PERMISSION) -> None:
    if not by.has_perm(permission):
        raise NotFound(PERSON_NOT_VISIBLE)
    if not access.persons_for_user(by).filter(pk=person.pk).exists():
        raise NotFound(PERSON_NOT_VISIBLE)
    if not (access.works_with_cases(by) and unit.pk in access.user_unit_ids(by)):
        raise ValidationError(UNIT_NOT_ALLOWED, code="unit_not_allowed")


def _check_price(care_type: CareType, daily_price, monthly_amount) -> None:
    if daily_price is None and monthly_amount is None:
        return
    if care_type.is_monthly and (monthly_amount is None or daily_price is not None):
        raise ValidationError(PRICE_KIND_MONTHLY, code="price_kind")
    if not care_type.is_monthly and (daily_price is None or monthly_amount is not None):
        raise ValidationError(PRICE_KIND_DAILY, code="price_kind")


def _check_links(by, person: Person, legal_basis: str, intervention: Intervention | None,
                 parent_placement: Placement | None) -> None:
    """The insats must be one of the person's that the user may see; an LSB child's parent placement
    one the user may see, of another person."""
    if intervention is not None and not access.interventions_for_user(by).filter(
            pk=intervention.pk, decision__case__person_id=person.pk).exists():
        raise ValidationError(INTERVENTION_NOT_FOUND, code="intervention_not_found")
    if parent_placement is not None:
        if legal_basis != LegalBasis.LSB:
            raise ValidationError(PARENT_ONLY_LSB, code="placement_parent_only_for_lsb")
        if not selectors.placements_for_user(by).filter(pk=parent_placement.pk).exists():
            raise ValidationError(PARENT_NOT_FOUND, code="parent_not_found")
        if parent_placement.person_id == person.pk:
            raise ValidationError(PARENT_SAME_PERSON, code="parent_same_person")


# --- services --------------------------------------------------------------------


def _create(
    *, by, person: Person, care_type: CareType, unit: Unit, legal_basis: str, start_on: datetime.date,
    end_on: datetime.date | None, provider: Provider | None, agreement: Agreement | None,
    intervention: Intervention | None, parent_placement: Placement | None, cost_centre: str,
    ivo_checked_on: datetime.date | None, ivo_check_result: str, daily_price: Decimal | None,
    monthly_amount: Decimal | None, external_id: str | None = None, lvu_ground: str = "",
    review_clock_from: datetime.date | None = None,
) -> Placement:
    if end_on is not None and end_on < start_on:
        raise ValidationError(END_BEFORE_START, code="end_before_start")
    if lvu_ground and legal_basis != LegalBasis.LVU:  # as the CHECK placement_lvu_ground_only_for_lvu
        raise ValidationError(LVU_GROUND_ONLY_LVU, code="lvu_ground")
    if agreement is not None:
        provider = provider or agreement.provider
        if agreement.provider_id != provider.pk:
            raise ValidationError(AGREEMENT_OTHER_PROVIDER.format(agreement=agreement), code="agreement_provider")
    if care_type.regime == Regime.BOUGHT and provider is None:
        raise ValidationError(PROVIDER_REQUIRED, code="provider_required")
    placement_ivo_check(care_type=care_type, provider=provider, start_on=start_on, ivo_checked_on=ivo_checked_on,
                        ivo_check_result=ivo_check_result)
    _check_price(care_type, daily_price, monthly_amount)
    placement = Placement(
        person=person, care_type=care_type, unit=unit, legal_basis=legal_basis, start_on=start_on, end_on=end_on,
        provider=provider, agreement=agreement, intervention=intervention, parent_placement=parent_placement,
        cost_centre=cost_centre or care_type.activity_code, ivo_checked_on=ivo_checked_on,
        ivo_check_result=ivo_check_result, is_24h=care_type.is_24h, external_id=external_id,
        lvu_ground=lvu_ground, review_clock_from=review_clock_from,
    )
    _save(placement)
    placement_started(by=by, placement=placement)  # a child's checklist; a moved child's vårdplan
    if daily_price is not None or monthly_amount is not None:
        PricePeriod.objects.create(
            placement=placement, valid_from=start_on, daily_price=daily_price, monthly_amount=monthly_amount
        )
    else:
        PricePeriod.objects.bulk_create(initial_price_periods(placement=placement))
        if care_type.code in RATE_CARE_TYPE_CODES and agreement is None:
            FosterCareTerms.objects.create(placement=placement, valid_from=start_on)  # SKR's rule from the start
    return placement


@transaction.atomic
def placement_create(
    *,
    by,
    person: Person,
    care_type: CareType,
    unit: Unit,
    legal_basis: str,
    start_on: datetime.date,
    end_on: datetime.date | None = None,
    provider: Provider | None = None,
    agreement: Agreement | None = None,
    intervention: Intervention | None = None,
    parent_placement: Placement | None = None,
    cost_centre: str = "",
    ivo_checked_on: datetime.date | None = None,
    ivo_check_result: str = "",
    daily_price: Decimal | None = None,
    monthly_amount: Decimal | None = None,
    lvu_ground: str = "",
) -> Placement:
    """Registers a placement (and its first price) for a person the user may see, in one of the user's units.

    Without an explicit price, the price periods come from the agreement's price list at avrop, or for
    an own familjehem from the SKR levels (services.prices); days nothing covers stay 'saknar pris'."""
    _check_may_place(by, person, unit, selectors.ADD_PLACEMENT_PERMISSION)
    _check_links(by, person, legal_basis, intervention, parent_placement)
    lock_person_placements(person.pk)
    placement = _create(
        by=by, person=person, care_type=care_type, unit=unit, legal_basis=legal_basis, start_on=start_on,
        end_on=end_on, provider=provider, agreement=agreement, intervention=intervention,
        parent_placement=parent_placement, cost_centre=cost_centre, ivo_checked_on=ivo_checked_on,
        ivo_check_result=ivo_check_result, daily_price=daily_price, monthly_amount=monthly_amount,
        lvu_ground=lvu_ground,
    )
    _audit(by, AccessAction.CREATE, placement)
    return placement


def price_version_bump(*, placement_id: int, expected: int | None = None) -> None:
    """The price list changes: its version goes up by one, only from `expected` when given (the
    conditional UPDATE of socialtjanst.services._bump_version, on the price list's own version)."""
    placements = Placement.objects.filter(pk=placement_id)
    if expected is not None:
        placements = placements.filter(price_version=expected)
    if placements.update(price_version=F("price_version") + 1) != 1:
        raise ValidationError(PRICES_CHANGED, code="stale_version")


def _locked(placement_id: int, person_id: int) -> Placement:
    for p in lock_person_placements(person_id):
        if p.pk == placement_id:
            return p
    raise NotFound("Placeringen finns inte.")


@transaction.atomic
def placement_end(*, by, placement: Placement, end_on: datetime.date, end_reason: str,
                  removal_ban: lilla_hjartat.RemovalBan | None = None) -> Placement:
    """Ends an ongoing placement on the day the person left, for a reason the user chose (never a default).
    A child's familjehem placement needs the consideration of flyttningsförbud (`removal_ban`); ending LVU care
    opens its follow-up (placements.lilla_hjartat)."""
    if end_reason not in EndReason.values:
        raise ValidationError(END_REASON_REQUIRED, code="end_reason_required")
    _check_may_place(by, placement.person, placement.unit)
    current = _locked(placement.pk, placement.person_id)
    if current.end_on is not None:
        raise ValidationError(ALREADY_ENDED.format(end_on=current.end_on.isoformat()), code="already_ended")
    if end_on < current.start_on:
        raise ValidationError(END_BEFORE_START, code="end_before_start")
    current.end_on, current.end_reason = end_on, end_reason
    _save(current, update_fields=["end_on", "end_reason"])
    lilla_hjartat.placement_ended(by=by, placement=current, removal_ban=removal_ban)
    notifications_create(placement=current)  # a child's checklist: agencies to tell of the end
    _audit(by, AccessAction.CHANGE, current)
    return current


@transaction.atomic
def placement_move(
    *,
    by,
    placement: Placement,
    move_on: datetime.date,
    care_type: CareType,
    provider: Provider | None = None,
    agreement: Agreement | None = None,
    legal_basis: str | None = None,
    cost_centre: str = "",
    ivo_checked_on: datetime.date | None = None,
    ivo_check_result: str = "",
    daily_price: Decimal | None = None,
    monthly_amount: Decimal | None = None,
    participation: lilla_hjartat.ChildParticipation | None = None,
) -> Placement:
    """'Flytta': ends the current placement on `move_on` and starts the next one on the same date,
    in one transaction; the same person, unit, insats and legal basis unless given. Moving a child needs the
    child's `participation`, stored with the move (placements.lilla_hjartat)."""
    _check_may_place(by, placement.person, placement.unit)
    current = _locked(placement.pk, placement.person_id)
    if move_on <= current.start_on or (current.end_on is not None and move_on > current.end_on):
        raise ValidationError(MOVE_DATE_INVALID, code="move_date")
    old_end = current.end_on
    review_clock_from = care_followup.review_clock_carried(current, move_on=move_on,
                                                           legal_basis=legal_basis or current.legal_basis)
    current.end_on, current.end_reason = move_on, EndReason.MOVED
    _save(current, update_fields=["end_on", "end_reason"])
    following = _create(
        by=by, person=current.person, care_type=care_type, unit=current.unit,
        legal_basis=legal_basis or current.legal_basis, start_on=move_on,
        end_on=old_end if old_end and old_end > move_on else None, provider=provider, agreement=agreement,
        intervention=current.intervention, parent_placement=current.parent_placement, cost_centre=cost_centre,
        ivo_checked_on=ivo_checked_on, ivo_check_result=ivo_check_result, daily_price=daily_price,
        monthly_amount=monthly_amount, lvu_ground=current.lvu_ground if legal_basis in (None, current.legal_basis)
        else "", review_clock_from=review_clock_from,
    )
    lilla_hjartat.placement_moved(by=by, moved_from=current, moved_to=following, participation=participation)
    _audit(by, AccessAction.CHANGE, current)
    _audit(by, AccessAction.CREATE, following)
    return following


@transaction.atomic
def price_period_set(
    *,
    by,
    placement: Placement,
    valid_from: datetime.date,
    daily_price: Decimal | None = None,
    monthly_amount: Decimal | None = None,
    fee: Decimal | None = None,
    expenses: Decimal | None = None,
    expected_price_version: int | None = None,
    check_access: bool = True,
) -> PricePeriod:
    """A new price from `valid_from`: the period running on that date ends there, the new one runs
    until the next period starts (or until further notice). A period starting on the same
    date gets the new amounts (history keeps the old ones).

    `expected_price_version` is the price list's version the user's page showed: if someone has
    changed the prices since, nothing is saved (PRICES_CHANGED), so a second user's price from the
    same date never silently replaces the first's."""
    if check_access:
        _check_may_place(by, placement.person, placement.unit)
    current = _locked(placement.pk, placement.person_id)
    price_version_bump(placement_id=current.pk, expected=expected_price_version)
    if valid_from < current.start_on:
        raise ValidationError(PRICE_BEFORE_START, code="price_before_start")
    rule_from = current.foster_care_terms.order_by("valid_from").values_list("valid_from", flat=True).first()
    if rule_from is not None and valid_from >= rule_from:
        # SKR's rule writes these prices (placements.skr): a hand-set one would be overwritten at the next repricing.
        raise ValidationError(PRICE_FOLLOWS_RULE.format(date=rule_from.isoformat()), code="price_follows_rule")
    if fee is not None and expenses is not None and monthly_amount is None:
        monthly_amount = fee + expenses
    _check_price(current.care_type, daily_price, monthly_amount)
    periods = list(PricePeriod.objects.select_for_update().filter(placement=current).order_by("valid_from"))
    amounts = {"daily_price": daily_price, "monthly_amount": monthly_amount, "fee": fee, "expenses": expenses}
    try:
        with transaction.atomic():
            same = next((p for p in periods if p.valid_from == valid_from), None)
            if same is not None:
                for field, value in amounts.items():
                    setattr(same, field, value)
                same.save(update_fields=list(amounts))
                result = same
            else:
                running = next((p for p in periods if p.valid_from < valid_from
                                and (p.valid_to is None or p.valid_to > valid_from)), None)
                if running is not None:
                    running.valid_to = valid_from
                    running.save(update_fields=["valid_to"])
                later = [p.valid_from for p in periods if p.valid_from > valid_from]
                result = PricePeriod.objects.create(
                    placement=current, valid_from=valid_from, valid_to=min(later) if later else None, **amounts
                )
    except IntegrityError as exc:
        name = constraint_name(exc)
        raise ValidationError(constraint_message(name, CONSTRAINT_MESSAGES), code=name or "integrity") from exc
    _audit(by, AccessAction.CHANGE, current)
    return result
