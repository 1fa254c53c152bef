"""Deviations and key figures: the one module owning the formulas of shared/domain.md §7.

Signs (§7): amounts are stored positive and deviations are shown as the effect on the result.
- cost: `deviation = budget − actual` (positive = överskott, better than budget);
- volume: `volume_deviation = actual − budget`;
- `deviation_percent = deviation ÷ |budget|`, −100 % when the budget is 0 and there is a cost.

Volume/price decomposition, with the result sign (a volume increase gives a negative volume effect):

    volume_effect = −(vol_u − vol_b) × pris_b        at budget price
    price_effect  = −(pris_u − pris_b) × vol_u       at actual volume

with pris_b = cost_b ÷ vol_b and pris_u = cost_u ÷ vol_u (both volumes in the same unit). Then
volume_effect + price_effect = cost_b − cost_u = deviation algebraically. pris_b rarely terminates
as a decimal (12 000 000 ÷ 3 660 dygn), so the effects are computed as exact fractions
(fractions.Fraction: no float and no Decimal context rounding anywhere) and the identity is
checked exactly. Because pris_u × vol_u is cost_u by definition, price_effect is evaluated as
−(cost_u − pris_b × vol_u), which also holds when vol_u = 0 (cost without days, e.g. a payment).

Rounding rule for what is shown and exported (money is öre-exact): cost_b and cost_u are whole
öre, so deviation is exact. volume_effect is rounded to the öre, half away from zero; price_effect
is rounded to the öre on the side that makes the two add up to the deviation. That is always one
of the two öre values nearest to its exact value (|shown − exact| ≤ ½ öre, asserted), so both
parts are correctly rounded and `volume_effect + price_effect == deviation` to the öre.

Without a budget price (no budget volume, or budget volume 0) the deviation cannot be split: it
is all volume effect (volume that was not budgeted), price effect 0.

The effect is the same in any volume unit: scaling both volumes by a constant (dygn → årsplaceringar
= dygn ÷ days in the period) leaves both effects unchanged.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from common.rounding import round_half_away

ORE = Decimal("0.01")
HALF_ORE = Fraction(1, 200)
PERCENT_PLACES = Decimal("0.0001")  # a share: 0.0001 = 0,01 %
YEARS_PLACES = Decimal("0.01")


def to_fraction(value) -> Fraction:
    """An exact fraction of an int, Decimal or Fraction (never a float: floats are refused)."""
    if isinstance(value, float):
        raise TypeError("Flyttal används inte i avvikelseberäkningar.")
    return Fraction(value)


def round_fraction(value: Fraction, places: Decimal = ORE) -> Decimal:
    """An exact fraction rounded to `places` (e.g. öre), half away from zero, as a Decimal: the house rule of
    common.rounding, with the places given as a quantum."""
    return round_half_away(value, -places.as_tuple().exponent)


def to_ore(value) -> Decimal:
    """A money amount rounded to the öre (half away from zero)."""
    return round_fraction(to_fraction(value), ORE)


def deviation(budget, actual) -> Decimal:
    """Cost deviation with the result sign: budget − actual (positive = better than budget)."""
    return Decimal(budget) - Decimal(actual)


def volume_deviation(actual, budget):
    """Volume deviation: actual − budget (None when there is no budget volume)."""
    if actual is None or budget is None:
        return None
    return actual - budget


def deviation_percent(budget, actual) -> Decimal | None:
    """deviation ÷ |budget| as a share (0.1 = 10 %); −1 (−100 %) when the budget is 0 and there is
    a cost, +1 when it is 0 and there is a net income; None when both are 0."""
    budget, actual = Decimal(budget), Decimal(actual)
    if budget == 0:
        if actual == 0:
            return None
        return Decimal(-1) if actual > 0 else Decimal(1)
    return round_fraction(to_fraction(budget - actual) / abs(to_fraction(budget)), PERCENT_PLACES)


@dataclass(frozen=True)
class Decomposition:
    """Exact parts (fractions) and the parts as shown (öre); both pairs sum to `deviation`."""

    deviation: Decimal
    volume_effect: Decimal
    price_effect: Decimal
    volume_effect_exact: Fraction
    price_effect_exact: Fraction


def decompose(*, cost_budget, cost_actual, volume_budget, volume_actual) -> Decomposition:
    """Splits deviation = cost_budget − cost_actual into volume and price effects (module docstring).

    `cost_budget` and `cost_actual` are whole öre; the volumes are in one unit (any: dygn, årsplaceringar,
    hushåll) and may be any exact number (int, Decimal, Fraction)."""
    cost_b, cost_u = to_fraction(cost_budget), to_fraction(cost_actual)
    if cost_b != to_fraction(to_ore(cost_b)) or cost_u != to_fraction(to_ore(cost_u)):
        raise ValueError("Belopp ska anges i hela ören.")
    exact_deviation = cost_b - cost_u
    if volume_budget is None or to_fraction(volume_budget) == 0:
        volume_exact, price_exact = exact_deviation, Fraction(0)
    else:
        vol_b = to_fraction(volume_budget)
        vol_u = to_fraction(volume_actual or 0)
        price_b = cost_b / vol_b
        volume_exact = -(vol_u - vol_b) * price_b
        # −(pris_u − pris_b) × vol_u with pris_u × vol_u ≡ cost_u.
        price_exact = -(cost_u - price_b * vol_u)
    if volume_exact + price_exact != exact_deviation:  # pragma: no cover - algebraically impossible
        raise ArithmeticError("Volym- och priseffekt summerar inte till avvikelsen.")
    shown_deviation = round_fraction(exact_deviation)  # exact: both costs are whole öre
    volume_shown = round_fraction(volume_exact)
    price_shown = shown_deviation - volume_shown
    if abs(to_fraction(price_shown) - price_exact) > HALF_ORE:  # pragma: no cover - see module docstring
        raise ArithmeticError("Priseffekten avrundas fel.")
    return Decomposition(deviation=shown_deviation, volume_effect=volume_shown, price_effect=price_shown,
                         volume_effect_exact=volume_exact, price_effect_exact=price_exact)


# --- key figures ------------------------------------------------------------------------------


def placement_years(care_days, days_in_period: int) -> Decimal | None:
    """Årsplaceringar (helårsplatser) = care days ÷ days in the period (shared/domain.md §5), 2 decimals."""
    if care_days is None or not days_in_period:
        return None
    return round_fraction(to_fraction(care_days) / days_in_period, YEARS_PLACES)


def placement_years_exact(care_days, days_in_period: int) -> Fraction:
    return to_fraction(care_days) / days_in_period


def price_per_day(cost, care_days) -> Decimal | None:
    """kr per dygn = cost ÷ days, to the öre; None without days."""
    if cost is None or not care_days:
        return None
    return round_fraction(to_fraction(cost) / to_fraction(care_days))


def net_cost(cost, other_income=0) -> Decimal:
    """Nettokostnad = total costs − other income of the activity (kommunbidrag excluded by the caller)."""
    return Decimal(cost) - Decimal(other_income)


def net_cost_per_care_day_tkr(cost, care_days, other_income=0) -> Decimal | None:
    """Nettokostnad per vårddygn in tkr with one decimal (shared/domain.md §7)."""
    if not care_days:
        return None
    return round_fraction(to_fraction(net_cost(cost, other_income)) / to_fraction(care_days) / 1000, Decimal("0.1"))


def net_cost_per_person(cost, persons, other_income=0) -> Decimal | None:
    """Nettokostnad per vårdtagare (öppenvård): net cost ÷ distinct persons, to the öre."""
    if not persons:
        return None
    return round_fraction(to_fraction(net_cost(cost, other_income)) / persons)


def own_regime_share(own_days, bought_days) -> Decimal | None:
    """Andel egen regi: own familjehem care days ÷ (own + konsulentstödda), as a share."""
    total = (own_days or 0) + (bought_days or 0)
    if not total:
        return None
    return round_fraction(Fraction(own_days or 0, total), PERCENT_PLACES)
