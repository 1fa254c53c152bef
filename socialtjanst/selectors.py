"""Reads: the person search, and the case flow put together for one case with due dates from deadlines.py."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from common.date_window import in_window

from . import deadlines
from .identity import parse_id_number
from .models import FAVOURABLE_DECISION_KINDS, Case, Decision, Investigation, Person

RESERVE_NUMBER = re.compile(r"^(\d{8})-?(R\d{3})$", re.IGNORECASE)
SEARCH_WORDS = re.compile(r"[\s,]+")
# The person list shows 25 persons ordered by name, read from the name index (migration 0023). How many persons
# match typed words the planner can only guess from the trigram statistics; guessing many, it walked the name
# index from "A" testing every person: 3-5 s at national scale for a name only five persons have. So the
# matches' ids (at most this many) are fetched first and handed to the list as a literal list, whose size the
# planner knows. With more matches than this they are dense, and walking the name index finds 25 at once.
NAME_MATCHES_LISTED = 2000


def person_search(persons: QuerySet[Person], text: str, *, name_searchable: QuerySet[Person]) -> QuerySet[Person]:
    """Persons matching what a user typed in the one search box: a personnummer or samordningsnummer in any
    form parse_id_number takes (10 or 12 digits, with -, + or nothing between), a reservnummer, or words of
    a name in any order, each word part of the first or the last name, case-insensitively ("olle provb",
    "Provbarn, Olle"). Names are matched only among `name_searchable` (never a protected person for a user
    without that permission). Every branch is one indexed query: the unique personnummer, or the trigram
    indexes over UPPER(name) (migration 0014)."""
    text = (text or "").strip()
    if not text:
        return persons
    try:
        return persons.filter(id_number=parse_id_number(text).canonical)
    except ValidationError:
        pass
    reserve = RESERVE_NUMBER.match(text.replace(" ", ""))
    if reserve:
        return persons.filter(id_number=f"{reserve[1]}-{reserve[2].upper()}")
    matching = name_matches(name_searchable, text).values("pk")
    found = list(matching.order_by()[:NAME_MATCHES_LISTED + 1].values_list("pk", flat=True))
    if len(found) > NAME_MATCHES_LISTED:
        return persons.filter(pk__in=matching)
    # The match itself stays the condition; the ids only tell the planner how few they are.
    return persons.filter(pk__in=found).filter(pk__in=matching)


def name_matches(persons: QuerySet[Person], text: str) -> QuerySet[Person]:
    """The persons whose first or last name contains every word of `text` (the trigram indexes, migration 0014)."""
    match = Q()
    for word in SEARCH_WORDS.split(text):
        if word:
            match &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return persons.filter(match)


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
