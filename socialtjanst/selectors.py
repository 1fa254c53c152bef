"""Reads that put the case flow together for one case, with due dates from deadlines.py."""

import datetime
from dataclasses import dataclass

from . import deadlines
from .date_window import in_window
from .models import FAVOURABLE_DECISION_KINDS, Case, Decision, Investigation


@dataclass(frozen=True)
class InvestigationRow:
    investigation: Investigation
    due_on: datetime.date | None  # None: a stored date outside the date window
    met: bool | None


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    enforcement_due_on: datetime.date | None
    interventions: list


def case_flow(case: Case, *, today: datetime.date) -> dict:
    intakes = list(case.intakes.select_related("screening").order_by("-received_at"))
    investigations = []
    for inv in case.investigations.prefetch_related("extensions").order_by("-started_on"):
        extensions = [(e.decided_on, e.new_due_on) for e in inv.extensions.all()]
        if not in_window(inv.started_on, inv.completed_on, *(d for pair in extensions for d in pair)):
            investigations.append(InvestigationRow(inv, None, None))  # stored before the CHECKs: no due date
            continue
        due = deadlines.investigation_due(inv.started_on, extensions)
        investigations.append(InvestigationRow(inv, due, deadlines.is_met(inv.completed_on, due, today)))
    decisions = []
    for decision in case.decisions.prefetch_related("interventions").order_by("-decided_on"):
        due = (deadlines.enforcement_due(decision.decided_on)
               if decision.kind in FAVOURABLE_DECISION_KINDS and in_window(decision.decided_on) else None)
        decisions.append(DecisionRow(decision, due, list(decision.interventions.all())))
    return {"intakes": intakes, "investigations": investigations, "decisions": decisions}
