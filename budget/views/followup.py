"""The controller's follow-up page: links to the four budget reports and, per care type, month-by-month
charts of this year against last year (cost, care days, average placed), each with a Swedish table, and
the mean placement time of the placements ended in the period.

Charts are server-rendered inline SVG with presentation attributes only (fill, stroke, ...): the
Content-Security-Policy allows no script and no inline style (style-src 'self'), so neither a
`style=` attribute nor an SVG <style> element is used. Figures come from budget.reports.monthly_series
(the monthly facts by booking month); this module only lays them out."""

import math
from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import render

from common import reporting, rounding
from common.params import period_from_request
from common.periods import MONTHS
from common.tables import format_value
from placements.days import days_in_month
from placements.models import CareType
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from .. import deviations as dv
from .. import reports
from ..report_data import Period, ended_placement_times, ended_window

REPORT_NAMES = ("placement_days", "volume_followup", "cost_centres", "purchases")
MONTH_ABBR = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# Chart geometry (SVG user units).
WIDTH, HEIGHT = 420, 180
LEFT, RIGHT, TOP, BOTTOM = 64, 10, 14, 26
THIS_YEAR_COLOUR, LAST_YEAR_COLOUR, CORRECTION_COLOUR = "#1b5e9b", "#8a93a6", "#a4262c"
TICK_TARGET = 4  # about this many steps on the y axis above 0


def nice_ticks(maximum, kind: str) -> list:
    """The y axis's ticks from 0: a round step (1, 2, 2,5 or 5 × a power of ten) giving about TICK_TARGET steps,
    up to the first tick at or above `maximum`. Counts and kronor step by whole numbers."""
    maximum = float(maximum)
    raw = maximum / TICK_TARGET
    magnitude = 10 ** math.floor(math.log10(raw))
    multiples = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)  # 2.5 only where it stays whole
    step = next(m * magnitude for m in multiples if m * magnitude >= raw * (1 - 1e-9))
    if kind != reporting.DECIMAL:
        step = max(step, 1)
    steps = math.ceil(maximum / step - 1e-9)
    return [round(i * step, 6) for i in range(steps + 1)]


@dataclass
class Chart:
    title: str
    kind: str
    now: list
    last: list
    corrections: dict = field(default_factory=dict)  # month -> text naming the origin months
    width: int = WIDTH
    height: int = HEIGHT

    def _max(self):
        values = [v for v in self.now + self.last if v is not None]
        return max([v for v in values if v > 0], default=1)

    @property
    def ticks(self) -> list:
        return nice_ticks(self._max(), self.kind)

    def _x(self, index: int) -> float:
        step = (WIDTH - LEFT - RIGHT) / max(len(self.now) - 1, 1)
        return round(LEFT + index * step, 1)

    def _y(self, value) -> float:
        value = max(value or 0, 0)
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value) / float(self.ticks[-1])), 1)

    def _points(self, values) -> str:
        return " ".join(f"{self._x(i)},{self._y(v)}" for i, v in enumerate(values))

    @property
    def now_points(self) -> str:
        return self._points(self.now)

    @property
    def last_points(self) -> str:
        return self._points(self.last)

    @property
    def axis(self) -> dict:
        return {"x0": LEFT, "x1": WIDTH - RIGHT, "y0": TOP, "y1": HEIGHT - BOTTOM, "label_x": LEFT - 4}

    @property
    def y_ticks(self) -> list[dict]:
        """Each tick's height and Swedish label (3 500 000, 0,5); the label sits centred on its line."""
        return [{"y": self._y(t), "label_y": round(self._y(t) + 3, 1), "label": format_value(t, self.kind)}
                for t in self.ticks]

    @property
    def month_labels(self) -> list[dict]:
        return [{"x": self._x(i), "y": HEIGHT - 8, "label": MONTH_ABBR[i]} for i in range(len(self.now))]

    @property
    def markers(self) -> list[dict]:
        return [{"cx": self._x(m - 1), "cy": self._y(self.now[m - 1]), "title": text}
                for m, text in sorted(self.corrections.items())]


def _average_placed(care_days: int, year: int, month: int):
    """Snittantal placerade = care days ÷ days in the month (shared/domain.md §5)."""
    return dv.placement_years(care_days, days_in_month(year, month))


def care_type_section(care_type: CareType, series: dict, year: int, months: int) -> dict:
    now, last = series["now"], series["last"]

    def fig(source, m, key):
        return source.get(m, {}).get(key, 0)

    rows, corrections = [], {}
    for m in range(1, months + 1):
        origins = now.get(m, {}).get("origins", [])
        if origins:
            corrections[m] = "varav efterregistrering avser " + ", ".join(o.strftime("%Y-%m") for o in origins)
        rows.append({
            "month": MONTHS[m - 1],
            "cost": format_value(fig(now, m, "cost"), reporting.KR),
            "cost_last_year": format_value(fig(last, m, "cost"), reporting.KR),
            "care_days": format_value(fig(now, m, "care_days"), reporting.INT),
            "care_days_last_year": format_value(fig(last, m, "care_days"), reporting.INT),
            "placed": format_value(_average_placed(fig(now, m, "care_days"), year, m), reporting.DECIMAL),
            "placed_last_year": format_value(_average_placed(fig(last, m, "care_days"), year - 1, m),
                                             reporting.DECIMAL),
            "corrections_cost": format_value(fig(now, m, "corrections_cost"), reporting.KR) if origins else "",
            "corrections_days": format_value(fig(now, m, "corrections_days"), reporting.INT) if origins else "",
            "corrections_origin": ", ".join(o.strftime("%Y-%m") for o in origins),
        })

    def values(source, key, y):
        if key == "placed":
            return [_average_placed(fig(source, m, "care_days"), y, m) for m in range(1, months + 1)]
        return [fig(source, m, key) for m in range(1, months + 1)]

    charts = [
        Chart("Kostnad, kr", reporting.KR, values(now, "cost", year), values(last, "cost", year - 1), corrections),
        Chart("Vårddygn", reporting.INT, values(now, "care_days", year), values(last, "care_days", year - 1),
              corrections),
        Chart("Snittantal placerade", reporting.DECIMAL, values(now, "placed", year),
              values(last, "placed", year - 1), corrections),
    ]
    return {"care_type": care_type, "charts": charts, "rows": rows, "has_corrections": bool(corrections)}


def placement_time_rows(period: Period) -> list[dict]:
    """Genomsnittlig placeringstid (shared/domain.md §7) per care type: placements ended in the period,
    this year against the same months last year."""
    now, last = ended_placement_times(period), ended_placement_times(period.last_year())
    rows = []
    for ct in CareType.objects.filter(pk__in=set(now) | set(last)).order_by("target_group", "code"):
        count, days = now.get(ct.pk, (0, 0))
        count_last, days_last = last.get(ct.pk, (0, 0))
        rows.append({
            "care_type": ct.name,
            "ended": format_value(count, reporting.INT),
            "mean_days": format_value(rounding.mean_of_sum(days, count), reporting.DECIMAL),
            "ended_last_year": format_value(count_last, reporting.INT),
            "mean_days_last_year": format_value(rounding.mean_of_sum(days_last, count_last), reporting.DECIMAL),
        })
    return rows


def followup(request):
    if not reports.may_view(request.user):
        raise Http404("Sidan finns inte.")
    year, month = period_from_request(request)
    months = month or 12
    series = reports.monthly_series(year, month)
    sections = [care_type_section(ct, series[ct.pk], year, months)
                for ct in CareType.objects.filter(pk__in=list(series)).order_by("target_group", "code")]
    period = Period(year, month)
    placement_times = placement_time_rows(period)
    audit_record(user=request.user, action=AccessAction.LIST, object_type="Uppföljning",
                 criteria={"year": year, "month": month})
    return render(request, "budget/followup.html", {
        "year": year, "month": month, "last_year": year - 1, "sections": sections,
        "placement_times": placement_times,
        "reports": [reporting.get_report(name) for name in REPORT_NAMES],
        "months": list(enumerate(MONTHS, start=1)),
        "period_label": f"januari–{MONTHS[month - 1]} {year}" if month else f"helår {year}",
        "ended_window": ended_window(period),
        "colours": {"now": THIS_YEAR_COLOUR, "last": LAST_YEAR_COLOUR, "correction": CORRECTION_COLOUR},
    })
