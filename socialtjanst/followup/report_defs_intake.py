"""The `intake_statistics` report of shared/formats.md ('Report exports'): one row per target group.

Totals: `individuals`, the gender columns and the `*_individuals` columns are unique over the whole
scope, not the sum of the rows (one person can be reported under both target groups), so a total
can be lower than the sum above it; `not_investigated_share` is recomputed from the totals. The
rules behind every figure are in socialtjanst/intake_statistics.py.
"""

from common.reporting import INT, PERCENT, TEXT, Column, Report, ReportResult, register
from socialtjanst import access
from socialtjanst.followup import intake_statistics


def build(*, user, year: int, through_month: int | None, unit_id: int | None = None, **_params) -> ReportResult:
    rows, totals = intake_statistics.report_rows(user=user, year=year, through_month=through_month, unit_id=unit_id)
    return ReportResult(rows=rows, totals=totals)


INTAKE_STATISTICS = register(Report(
    name="intake_statistics",
    title="Anmälningar per målgrupp",
    description="Orosanmälningar, unika individer per kön, andel som inte ledde till utredning, inledda "
                "utredningar och beslut, med samma period föregående år.",
    columns=(
        Column("target_group", "Målgrupp", TEXT),
        Column("reports", "Anmälningar", INT),
        Column("individuals", "Unika individer", INT),
        Column("female", "Flickor/kvinnor", INT),
        Column("male", "Pojkar/män", INT),
        Column("unknown", "Kön okänt", INT),
        Column("not_investigated", "Ej inledd utredning", INT),
        Column("not_investigated_share", "Andel ej inledd utredning", PERCENT),
        Column("investigations_started", "Inledda utredningar", INT),
        Column("investigations_individuals", "Inledda utredningar, individer", INT),
        Column("decisions", "Beslut", INT),
        Column("decisions_individuals", "Beslut, individer", INT),
        Column("reports_last_year", "Anmälningar föregående år", INT),
        Column("individuals_last_year", "Unika individer föregående år", INT),
    ),
    build=build,
    allowed=access.may_view_followup,
))
