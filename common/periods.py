"""Months and periods: the one home for calendar arithmetic and for the period every report counts.

placements.days (the care-day rule) and the budget take month_start, add_months and month_end from
here; the statistics, the deadline report and the budget reports all use Period. Month names a
user reads are here too, so no domain module takes them from a view."""

import calendar
import datetime
from dataclasses import dataclass

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]


def month_label(month: datetime.date) -> str:
    """"augusti 2024"."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def month_start(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def add_months(d: datetime.date, n: int) -> datetime.date:
    """The first day of the month n months after d's (n may be negative)."""
    index = d.year * 12 + d.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_end(d: datetime.date) -> datetime.date:
    """The last day of d's month."""
    return d.replace(day=days_in_month(d.year, d.month))


@dataclass(frozen=True)
class Period:
    """1 January through the end of `through_month` of `year` (the whole year without one): the period
    the statistics, the deadline report and the budget's follow-up count, this year and last."""

    year: int
    through_month: int | None = None

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    first_month = first_day

    @property
    def last_month(self) -> datetime.date:
        """The first day of the period's last month."""
        return datetime.date(self.year, self.through_month or 12, 1)

    @property
    def last_day(self) -> datetime.date:
        return month_end(self.last_month)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def bounds(self) -> tuple[datetime.date, datetime.date]:
        """(first day, last day), both included."""
        return self.first_day, self.last_day

    def last_year(self) -> "Period":
        return Period(self.year - 1, self.through_month)
