"""Stability of placed children's care (issue 16 point 5): moves per placed child and sammanbrott per 100
placements, per unit and year, with the placements behind each figure.

Definitions (README "Följa vården", docs/reports.md `placement_stability`):
- The year's placements of a unit: heldygnsvård placements (not voided) of a child (under 18 on the placement's
  start, identity's age rule; persons without a birth date are left out) at the unit that ran some time in the
  year: started on or before 31 December and not ended before 1 January (one that ended on 1 January counts,
  since its ending is the year's).
- Placed children: the distinct persons of those placements (the total counts each child once, even if placed
  by two units).
- A move: one of those placements ended in the year with end reason "flytt" (placements.services.placement_move
  writes it; the unit is the one of the placement the child left). Moves per placed child = moves ÷ children.
- A sammanbrott: one ended in the year with end reason "sammanbrott". Per 100 placements = 100 × sammanbrott ÷
  the year's placements.
Figures are rounded by common.rounding (one decimal, half away from zero); None when nothing was counted.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from common import rounding
from socialtjanst import deadlines

from .clock_queries import AgeOn
from .models import EndReason, Placement

KIND_PLACEMENTS, KIND_MOVES, KIND_BREAKDOWNS = "placeringar", "flyttar", "sammanbrott"
KINDS = {KIND_PLACEMENTS: "Placeringar", KIND_MOVES: "Flyttar", KIND_BREAKDOWNS: "Sammanbrott"}
PER_HUNDRED = 100


def year_placements(unit_ids: list[int] | None, year: int) -> QuerySet[Placement]:
    """The year's placements of children at the units (None: every unit)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    qs = (Placement.objects.filter(is_24h=True, voided_reason="", start_on__lte=last,
                                   person__birth_date__isnull=False)
          .filter(Q(end_on__isnull=True) | Q(end_on__gte=first))
          .alias(start_age=AgeOn("person__birth_date", "start_on"))
          .filter(start_age__lt=deadlines.ADULT_AGE_YEARS))
    return qs if unit_ids is None else qs.filter(unit_id__in=unit_ids)


def _ended_in_year(reason: str, year: int) -> Q:
    return Q(end_reason=reason, end_on__year=year)


def kind_filter(kind: str, year: int) -> Q:
    if kind == KIND_MOVES:
        return _ended_in_year(EndReason.MOVED, year)
    if kind == KIND_BREAKDOWNS:
        return _ended_in_year(EndReason.BREAKDOWN, year)
    return Q()


@dataclass(frozen=True)
class Stability:
    children: int = 0
    placements: int = 0
    moves: int = 0
    breakdowns: int = 0

    @property
    def moves_per_child(self):
        return rounding.mean_of_sum(self.moves, self.children)

    @property
    def breakdowns_per_100(self):
        return rounding.mean_of_sum(PER_HUNDRED * self.breakdowns, self.placements)


def _counts(year: int) -> dict:
    # A move or sammanbrott counts in the year it happened: an end in the year.
    return {"children": Count("person_id", distinct=True), "placements": Count("pk"),
            "moves": Count("pk", filter=_ended_in_year(EndReason.MOVED, year)),
            "breakdowns": Count("pk", filter=_ended_in_year(EndReason.BREAKDOWN, year))}


def figures(unit_ids: list[int] | None, year: int) -> tuple[dict[int, Stability], Stability]:
    """Per unit id and for all the units together (children counted once). Two statements."""
    qs = year_placements(unit_ids, year)
    per_unit = {row.pop("unit_id"): Stability(**row)
                for row in qs.values("unit_id").annotate(**_counts(year)).order_by("unit_id")}
    return per_unit, Stability(**qs.aggregate(**_counts(year)))
