"""The `workload` report (Arbetsbelastning, issue 15 point 4): socialtjanst.workload's rows as a registered
report, so the page, the JSON/CSV/XLSX downloads and `export_report workload` all read the same figures.
A snapshot of today: the year and month of the address name no period here."""

from django.utils import timezone

from common.reporting import INT, TEXT, Column, Report, ReportResult, register
from socialtjanst import access
from socialtjanst.roles import Role
from socialtjanst.workload import workload_for_user

FIGURES = ("open_cases", "open_investigations", "overdue", "due_within_14_days")


def may_view_workload(user) -> bool:
    """An enhetschef who may view cases (their own units); the command (user None) every unit."""
    return user is None or (access.has_role(user, Role.ENHETSCHEF) and user.has_perm("socialtjanst.view_case"))


def build(*, user, unit_id=None, **_params) -> ReportResult:
    rows = []
    for row in workload_for_user(user, today=timezone.localdate(), unit_id=unit_id):
        rows.append({
            "unit": row.unit.code, "unit_name": row.unit.name, "handlaggare": row.name,
            "open_cases": row.open_cases, "open_investigations": row.open_investigations,
            "overdue": row.overdue, "due_within_14_days": row.due_soon,
        })
    totals = {key: sum(r[key] for r in rows) for key in FIGURES}
    return ReportResult(rows=rows, totals=totals)


WORKLOAD = register(Report(
    name="workload",
    title="Arbetsbelastning per handläggare",
    sheet="Arbetsbelastning",
    description=(
        "Per handläggare i dina enheter, i dag: pågående ärenden där hen är ansvarig, pågående utredningar, och "
        "punkter på Att göra som är försenade eller ska vara klara inom 14 dagar. Raden Ofördelade visar enhetens "
        "pågående ärenden utan ansvarig handläggare och deras punkter. Året i adressen påverkar inte siffrorna."
    ),
    columns=(
        Column("unit", "Enhetskod", TEXT),
        Column("unit_name", "Enhet", TEXT),
        Column("handlaggare", "Handläggare", TEXT),
        Column("open_cases", "Pågående ärenden", INT),
        Column("open_investigations", "Pågående utredningar", INT),
        Column("overdue", "Försenade punkter", INT),
        Column("due_within_14_days", "Punkter inom 14 dagar", INT),
    ),
    build=build,
    allowed=may_view_workload,
    unit_scoped=True,
))
