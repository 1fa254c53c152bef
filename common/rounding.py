"""The one rounding rule for everything shown or exported: half away from zero (docs/reports.md).

Shares, means, per cents and display rounding all come from here, so the same figure never
differs between two pages or a page and a file. Rounding is done on exact fractions: no float
and no Decimal context (half-even by default, 28 digits) takes part. placements and budget may
import this module; it imports nothing of the project.

The roll-up's öre rounding inside SQL (placements/pricing.py) is the price rule of a
placement-month, not display rounding, and stays where it is.
"""

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

# A share (0–1) in every report: four decimals (0,01 %); pages show it as a per cent with one decimal.
SHARE_PLACES = 4
PERCENT_PLACES = 1
MEAN_PLACES = 1


def exact(value) -> Fraction:
    """An int, Decimal, Fraction or float as an exact fraction; a float by its shortest repr (0.1 is 1/10)."""
    if isinstance(value, float):
        return Fraction(Decimal(str(value)))
    return Fraction(value)


def round_half_away(value, places: int) -> Decimal:
    """`value` rounded to `places` decimals, half away from zero: 4 600,125 → 4 600,13, −0,5 → −1."""
    fraction = exact(value)
    scaled = abs(fraction) * Fraction(10) ** places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = -1 if fraction < 0 else 1
    return Decimal(sign * whole).scaleb(-places)


def share(part, whole) -> Decimal | None:
    """part ÷ whole as a share with four decimals; None when the whole is 0 (nothing counted: not 0 %)."""
    if not whole:
        return None
    return round_half_away(exact(part) / exact(whole), SHARE_PLACES)


def mean(values: Iterable, places: int = MEAN_PLACES) -> Decimal | None:
    """The mean (e.g. of days) with one decimal; None for no values."""
    values = [exact(v) for v in values]
    return mean_of_sum(sum(values), len(values), places)


def mean_of_sum(total, count: int, places: int = MEAN_PLACES) -> Decimal | None:
    """The same mean from a sum and a count (a set-based report sums in SQL); None when nothing was counted."""
    if not count:
        return None
    return round_half_away(exact(total) / count, places)


def as_percent(share_value, places: int = PERCENT_PLACES) -> Decimal | None:
    """A share 0–1 as a per cent with one decimal: 0,0625 → 6,3."""
    if share_value is None:
        return None
    return round_half_away(exact(share_value) * 100, places)
