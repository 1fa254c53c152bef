"""Numbers from the address (?year=, ?month=, ?quarter=): one parser and the date window's years.

A page reads its period from the address, so anything may arrive there: '²' (str.isdigit() says yes,
int() says no), a year of eleven digits (datetime.date raises OverflowError, not ValueError), a sign or
a space. Only plain ASCII digits within the bounds are a number; anything else is a 404 with a Swedish
message, as for a unit that is not the user's (views/reports.unit_from_request)."""

from django.utils import timezone

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN
from common.errors import NotFound

INVALID_YEAR = f"Ogiltigt år: ange ett år från {ROLLUP_YEAR_MIN} till och med {ROLLUP_YEAR_MAX}."
INVALID_MONTH = "Ogiltig månad: ange 1–12."
INVALID_QUARTER = "Ogiltigt kvartal: ange 1–4."


def bounded_int(raw: str | None, low: int, high: int) -> int | None:
    """`raw` as an int in [low, high], or None for anything else (never an exception)."""
    raw = (raw or "").strip()
    # ASCII digits only, and never more than the bound has: no '²', no '١٢', no 4 300-digit int().
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def page_param(request, name: str = "page") -> int:
    """The page number asked for (1–999 999); anything else is page 1. A list page past the end shows the last."""
    return bounded_int(request.GET.get(name), 1, 999_999) or 1


def _param(request, name: str, low: int, high: int, default: int | None, message: str) -> int | None:
    raw = request.GET.get(name)
    if not raw:
        return default
    value = bounded_int(raw, low, high)
    if value is None:
        raise NotFound(message)
    return value


def year_param(request, name: str = "year", default: int | None = None) -> int:
    """?year=, this year when absent; 404 outside the years the roll-up and the reports count."""
    return _param(request, name, ROLLUP_YEAR_MIN, ROLLUP_YEAR_MAX, default or timezone.localdate().year,
                  INVALID_YEAR)


def month_param(request, name: str = "month", default: int | None = None) -> int | None:
    """?month= as 1–12, `default` when absent."""
    return _param(request, name, 1, 12, default, INVALID_MONTH)


def quarter_param(request, name: str = "quarter", default: int | None = None) -> int | None:
    return _param(request, name, 1, 4, default, INVALID_QUARTER)


def year_or_this_year(request, name: str = "year") -> int:
    """For pages that show this year rather than refuse (the budget list): a junk year is ignored."""
    value = bounded_int(request.GET.get(name), ROLLUP_YEAR_MIN, ROLLUP_YEAR_MAX)
    return value if value is not None else timezone.localdate().year


def period_from_request(request) -> tuple[int, int | None]:
    """?year= (this year when absent) and ?month= (the whole year when absent); anything else is a 404."""
    return year_param(request), month_param(request)
