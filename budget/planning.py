"""The controller's budget work (issue 5, item 1): who may do it, budgets with their monthly profile,
cost centres, and the dated care type → cost centre mapping.

Writes are keyword-only services named `<entity>_<action>` taking the acting user (`by=`); reads are
the selectors the list pages and the export share. Swedish messages are module constants."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, QuerySet

from common.errors import NotFound
from common.rounding import round_half_away
from placements.models import CareType
from socialtjanst import access
from socialtjanst.roles import Role

from . import closing
from .budgeting import days_in_year
from .models import Budget, BudgetMonthShare, CostCentre, CostCentreMapping, VolumeUnit

STALE_VERSION = ("Budgeten har ändrats av någon annan sedan du öppnade den. "
                 "Ladda om sidan och gör ändringen igen.")
BUDGET_EXISTS = "Det finns redan en budget för {year}, verksamhet {cost_centre} och {care_type}."
ALL_CARE_TYPES = "hela verksamheten"
VOLUME_WITHOUT_UNIT = "Ange volymenhet när du anger en volym."
UNIT_WITHOUT_VOLUME = "Ange volym när du anger en volymenhet."
VOLUME_NOT_POSITIVE = "Volymen måste vara större än 0."
PROFILE_INCOMPLETE = "Ange andelar för alla tolv månader, eller lämna alla tomma (fördelning efter dagar)."
PROFILE_SUM = "Månadsandelarna ska tillsammans bli 100 % (nu {total} %)."
COST_CENTRE_EXISTS = "Det finns redan en verksamhet med koden {code}."
MAPPING_NOT_MONTH_START = "Kopplingen gäller från den första dagen i en månad."
MAPPING_EXISTS = "Vårdformen har redan en koppling från {date}. Välj en annan månad."
MAPPING_UNCHANGED = "Vårdformen hör redan till {cost_centre} från {date}."
MAPPING_CLOSED_MONTH = "Månaden {month} är stängd. En ny koppling kan bara gälla från en månad efter den sista stängda."
INACTIVE_COST_CENTRE = "Verksamheten {code} är inte aktiv."
NOT_FOUND = "Sidan finns inte."

VIEW_PERMISSIONS = ("budget.view_budget", "budget.view_costcentre", "budget.view_costcentremapping")


# --- access ---------------------------------------------------------------------


def can_view_budgets(user) -> bool:
    """Budgets, cost centres and their mapping are the controller's (shared/domain.md §1, §6)."""
    return access.has_role(user, Role.CONTROLLER) and user.has_perms(VIEW_PERMISSIONS)


def can_change_budgets(user) -> bool:
    return can_view_budgets(user) and user.has_perms(
        ["budget.add_budget", "budget.change_budget", "budget.add_budgetmonthshare", "budget.change_budgetmonthshare"])


def can_change_cost_centres(user) -> bool:
    return can_view_budgets(user) and user.has_perms(
        ["budget.add_costcentre", "budget.change_costcentre", "budget.add_costcentremapping"])


def require(allowed: bool) -> None:
    """Out of scope answers 'not found', like a missing page (the project's convention)."""
    if not allowed:
        raise NotFound(NOT_FOUND)


# --- reads ----------------------------------------------------------------------


def budgets_for_year(*, user, year: int) -> QuerySet[Budget]:
    if not can_view_budgets(user):
        return Budget.objects.none()
    return (Budget.objects.filter(year=year).select_related("cost_centre", "care_type", "updated_by")
            .prefetch_related(Prefetch("month_shares", queryset=BudgetMonthShare.objects.order_by("month")))
            .order_by("cost_centre__code", F("care_type__code").asc(nulls_first=True)))


def budget_get(*, user, pk) -> Budget:
    try:
        return budgets_for_user(user).get(pk=pk)
    except (Budget.DoesNotExist, ValueError, TypeError):
        raise NotFound(NOT_FOUND) from None


def budgets_for_user(user) -> QuerySet[Budget]:
    if not can_view_budgets(user):
        return Budget.objects.none()
    return Budget.objects.select_related("cost_centre", "care_type", "updated_by")


def budget_years() -> list[int]:
    return list(Budget.objects.order_by("-year").values_list("year", flat=True).distinct())


def budget_totals(budgets) -> dict:
    """Totals of a list: amount, and volume per unit (volumes of different units are not added)."""
    amount = sum((b.amount for b in budgets), Decimal(0))
    volumes: dict[str, Decimal] = {}
    for b in budgets:
        if b.volume is not None:
            volumes[b.volume_unit] = volumes.get(b.volume_unit, Decimal(0)) + b.volume
    return {"amount": amount, "volumes": volumes}


def budget_price_per_day(budget: Budget) -> Decimal | None:
    """À-pris per dygn (shared/domain.md §6): amount ÷ volume ÷ days in the year for årsplaceringar,
    amount ÷ volume for dygn; none for other units."""
    if not budget.volume:
        return None
    if budget.volume_unit == VolumeUnit.PLACEMENT_YEARS:
        return budget.amount / budget.volume / days_in_year(budget.year)
    if budget.volume_unit == VolumeUnit.CARE_DAYS:
        return budget.amount / budget.volume
    return None


def budget_month_percentages(budget: Budget) -> dict[int, Decimal]:
    """The monthly profile in per cent (empty: spread by days)."""
    return {s.month: s.share * 100 for s in budget.month_shares.all()}


def cost_centres_for_user(user) -> QuerySet[CostCentre]:
    if not can_view_budgets(user):
        return CostCentre.objects.none()
    return CostCentre.objects.order_by("code")


def cost_centre_get(*, user, pk) -> CostCentre:
    try:
        return cost_centres_for_user(user).get(pk=pk)
    except (CostCentre.DoesNotExist, ValueError, TypeError):
        raise NotFound(NOT_FOUND) from None


@dataclass
class MappingRow:
    care_type: CareType
    current: CostCentreMapping | None
    upcoming: list[CostCentreMapping]
    history: list[CostCentreMapping]


def mapping_overview(*, user, on: datetime.date) -> list[MappingRow]:
    """Each care type with the mapping in force on `on`, later ones already decided, and earlier ones."""
    if not can_view_budgets(user):
        return []
    by_care_type: dict[int, list[CostCentreMapping]] = {}
    for m in CostCentreMapping.objects.select_related("cost_centre").order_by("care_type_id", "-valid_from"):
        by_care_type.setdefault(m.care_type_id, []).append(m)
    rows = []
    for care_type in CareType.objects.order_by("code"):
        mappings = by_care_type.get(care_type.pk, [])  # newest first
        upcoming = [m for m in mappings if m.valid_from > on]
        in_force = [m for m in mappings if m.valid_from <= on]
        rows.append(MappingRow(care_type=care_type, current=in_force[0] if in_force else None,
                               upcoming=upcoming, history=in_force[1:]))
    return rows


# --- budgets --------------------------------------------------------------------


def _check_volume(volume: Decimal | None, volume_unit: str) -> None:
    if volume is not None and volume <= 0:
        raise ValidationError({"volume": VOLUME_NOT_POSITIVE})
    if volume is not None and not volume_unit:
        raise ValidationError({"volume_unit": VOLUME_WITHOUT_UNIT})
    if volume is None and volume_unit:
        raise ValidationError({"volume": UNIT_WITHOUT_VOLUME})


def _check_profile(percentages: dict[int, Decimal | None] | None) -> dict[int, Decimal] | None:
    """Twelve shares in per cent summing to exactly 100, or none at all (= by days). Returns fractions."""
    if not percentages or all(v is None for v in percentages.values()):
        return None
    if any(percentages.get(m) is None for m in range(1, 13)):
        raise ValidationError(PROFILE_INCOMPLETE)
    total = sum((percentages[m] for m in range(1, 13)), Decimal(0))
    if total != 100:
        raise ValidationError(PROFILE_SUM.format(total=f"{total.normalize():f}".replace(".", ",")))
    return {m: percentages[m] / 100 for m in range(1, 13)}


def _set_profile(budget: Budget, shares: dict[int, Decimal] | None) -> bool:
    """Replaces the profile when it differs; returns whether it changed."""
    current = {s.month: s.share for s in budget.month_shares.all()}
    wanted = shares or {}
    if current == wanted:
        return False
    budget.month_shares.all().delete()
    BudgetMonthShare.objects.bulk_create([BudgetMonthShare(budget=budget, month=m, share=s)
                                          for m, s in sorted(wanted.items())])
    return True


def _describe_key(year: int, cost_centre: CostCentre, care_type: CareType | None) -> str:
    return BUDGET_EXISTS.format(year=year, cost_centre=cost_centre.code,
                                care_type=care_type.name if care_type else ALL_CARE_TYPES)


@transaction.atomic
def budget_create(*, by, year: int, cost_centre: CostCentre, care_type: CareType | None, amount: Decimal,
                  volume: Decimal | None, volume_unit: str,
                  month_percentages: dict[int, Decimal | None] | None = None) -> Budget:
    require(can_change_budgets(by))
    _check_volume(volume, volume_unit)
    shares = _check_profile(month_percentages)
    if Budget.objects.filter(year=year, cost_centre=cost_centre, care_type=care_type).exists():
        raise ValidationError(_describe_key(year, cost_centre, care_type))
    try:
        with transaction.atomic():
            budget = Budget.objects.create(year=year, cost_centre=cost_centre, care_type=care_type, amount=amount,
                                           volume=volume, volume_unit=volume_unit, updated_by=by)
    except IntegrityError:  # a colleague created the same key a moment ago
        raise ValidationError(_describe_key(year, cost_centre, care_type)) from None
    _set_profile(budget, shares)
    return budget


@transaction.atomic
def budget_update(*, by, budget_id: int, expected_version: int, amount: Decimal, volume: Decimal | None,
                  volume_unit: str, month_percentages: dict[int, Decimal | None] | None = None) -> Budget:
    """Optimistic locking: the budget is locked and its version compared with the one the user read;
    a stale version changes nothing. Nothing changed = nothing written (the version stays)."""
    require(can_change_budgets(by))
    _check_volume(volume, volume_unit)
    shares = _check_profile(month_percentages)
    budget = Budget.objects.select_for_update().filter(pk=budget_id).order_by("pk").first()
    if budget is None:
        raise NotFound(NOT_FOUND)
    if budget.version != expected_version:
        raise ValidationError(STALE_VERSION, code="stale_version")
    changed = _set_profile(budget, shares)
    if (budget.amount, budget.volume, budget.volume_unit) != (amount, volume, volume_unit):
        budget.amount, budget.volume, budget.volume_unit = amount, volume, volume_unit
        changed = True
    if changed:
        budget.version += 1
        budget.updated_by = by
        budget.save(update_fields=["amount", "volume", "volume_unit", "version", "updated_by", "updated_at"])
    return budget


# --- cost centres and mapping ---------------------------------------------------


@transaction.atomic
def cost_centre_create(*, by, code: str, name: str, activity_code: str = "", active: bool = True) -> CostCentre:
    require(can_change_cost_centres(by))
    code = code.strip()
    if CostCentre.objects.filter(code=code).exists():
        raise ValidationError({"code": COST_CENTRE_EXISTS.format(code=code)})
    try:
        with transaction.atomic():
            return CostCentre.objects.create(code=code, name=name.strip(), activity_code=activity_code.strip(),
                                             active=active)
    except IntegrityError:
        raise ValidationError({"code": COST_CENTRE_EXISTS.format(code=code)}) from None


@transaction.atomic
def cost_centre_update(*, by, cost_centre_id: int, name: str, activity_code: str, active: bool) -> CostCentre:
    """The code is not changed: placements name their cost centre by code."""
    require(can_change_cost_centres(by))
    centre = CostCentre.objects.select_for_update().filter(pk=cost_centre_id).first()
    if centre is None:
        raise NotFound(NOT_FOUND)
    wanted = {"name": name.strip(), "activity_code": activity_code.strip(), "active": active}
    changed = [k for k, v in wanted.items() if getattr(centre, k) != v]
    if changed:
        for k in changed:
            setattr(centre, k, wanted[k])
        centre.save(update_fields=changed)
    return centre


@transaction.atomic
def cost_centre_remap(*, by, care_type: CareType, cost_centre: CostCentre,
                      valid_from: datetime.date) -> CostCentreMapping:
    """Maps a care type to a cost centre from the first day of a month: always a new row, never an edit of
    an old one, so earlier months keep their cost centre. Not from a closed month: a closed report must
    stay reproducible. The database trigger marks the months from `valid_from` dirty for the roll-up."""
    require(can_change_cost_centres(by))
    if valid_from.day != 1:
        raise ValidationError({"valid_from": MAPPING_NOT_MONTH_START})
    if not cost_centre.active:
        raise ValidationError({"cost_centre": INACTIVE_COST_CENTRE.format(code=cost_centre.code)})
    CareType.objects.select_for_update().filter(pk=care_type.pk).first()  # one remap of a care type at a time
    last_closed = closing.latest_closed_month()
    if last_closed is not None and valid_from <= last_closed:
        raise ValidationError({"valid_from": MAPPING_CLOSED_MONTH.format(month=f"{last_closed:%Y-%m}")})
    mappings = CostCentreMapping.objects.filter(care_type=care_type)
    if mappings.filter(valid_from=valid_from).exists():
        raise ValidationError({"valid_from": MAPPING_EXISTS.format(date=f"{valid_from:%Y-%m-%d}")})
    in_force = mappings.filter(valid_from__lt=valid_from).order_by("-valid_from").first()
    if in_force is not None and in_force.cost_centre_id == cost_centre.pk:
        raise ValidationError({"cost_centre": MAPPING_UNCHANGED.format(cost_centre=cost_centre,
                                                                       date=f"{in_force.valid_from:%Y-%m-%d}")})
    return CostCentreMapping.objects.create(care_type=care_type, cost_centre=cost_centre, valid_from=valid_from)


def budget_export_rows(budgets) -> list[list]:
    """Rows of the Excel export: numbers as numbers."""
    rows = []
    for b in budgets:
        price = budget_price_per_day(b)
        rows.append([b.year, b.cost_centre.code, b.cost_centre.name, b.care_type.code if b.care_type else "",
                     b.care_type.name if b.care_type else "", b.amount, b.volume,
                     b.get_volume_unit_display() if b.volume_unit else "",
                     round_half_away(price, 2) if price is not None else None])
    return rows

