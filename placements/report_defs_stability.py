"""The `placement_stability` report of shared/formats.md ('Report exports'): moves per placed child and sammanbrott
per 100 placements, one row per unit, with last year beside. The figures and their definitions are
placements.stability's (also in README and docs/reports.md); `through_month` does not apply (a whole year).
Who: access.may_view_followup, like the other follow-ups (an enhetschef their own units, a controller every unit
and counts only)."""

from common.reporting import DECIMAL, INT, TEXT, Column, Report, ReportResult, register
from socialtjanst import access
from socialtjanst.models import Unit

from . import stability

EMPTY = stability.Stability()


def _row(now: stability.Stability, last: stability.Stability) -> dict:
    return {"children": now.children, "placements": now.placements, "moves": now.moves,
            "moves_per_child": now.moves_per_child, "breakdowns": now.breakdowns,
            "breakdowns_per_100": now.breakdowns_per_100, "moves_per_child_last_year": last.moves_per_child,
            "breakdowns_per_100_last_year": last.breakdowns_per_100}


def build(*, user, year: int, through_month: int | None = None, **_params) -> ReportResult:
    scope = access.followup_scope_unit_ids(user)
    now_units, now_total = stability.figures(scope, year)
    last_units, last_total = stability.figures(scope, year - 1)
    units = Unit.objects.filter(pk__in=set(now_units) | set(last_units)).order_by("name")
    rows = [{"unit": unit.code, "unit_name": unit.name,
             **_row(now_units.get(unit.pk, EMPTY), last_units.get(unit.pk, EMPTY))} for unit in units]
    return ReportResult(rows=rows, totals=_row(now_total, last_total))


PLACEMENT_STABILITY = register(Report(
    name="placement_stability",
    title="Stabilitet i vården: flyttar och sammanbrott",
    sheet="Stabilitet i vården",
    description=(
        "Placerade barn (heldygnsvård, under 18 år vid placeringens start) per ansvarig enhet och år: flyttar "
        "per placerat barn och sammanbrott per 100 placeringar. En placering räknas om den pågick någon gång "
        "under året; en flytt eller ett sammanbrott räknas det år placeringen avslutades så. Totalen räknar "
        "varje barn en gång."
    ),
    columns=(
        Column("unit", "Enhetskod", TEXT),
        Column("unit_name", "Enhet", TEXT),
        Column("children", "Placerade barn", INT),
        Column("placements", "Placeringar", INT),
        Column("moves", "Flyttar", INT),
        Column("moves_per_child", "Flyttar per placerat barn", DECIMAL),
        Column("breakdowns", "Sammanbrott", INT),
        Column("breakdowns_per_100", "Sammanbrott per 100 placeringar", DECIMAL),
        Column("moves_per_child_last_year", "Flyttar per barn i fjol", DECIMAL),
        Column("breakdowns_per_100_last_year", "Sammanbrott per 100 i fjol", DECIMAL),
    ),
    build=build,
    allowed=access.may_view_followup,
))
