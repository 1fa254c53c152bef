"""Internal controls the nämnd runs (shared/domain.md §9): the selections each control reviews,
the reproducible stickprov, and the record of a control round.

- Utredningstider: investigations open on a day and past four calendar months, split by
  whether a förlängningsbeslut decided in time covers that day (deadlines.investigation_valid_due).
- Barnsamtal: children's investigations completed in a period with no ChildInterview row, i.e.
  neither a barnsamtal held nor a documented reason. A child is under 18 at the start; a person
  without a birth date counts as a child when the case is at a unit for children and young people.
- Stickprov: the population is every object of the chosen kind dated in the period (utredningar
  by start, beslut by decision date, aktualiseringar by arrival) in the chosen units, as ids
  ordered by pk; the sample is random.Random(seed).sample(ids, size). The seed, the criteria and
  the ids drawn are stored on the round, so re-opening it shows the same list, and whether the
  draw from the seed still gives it (it will not if objects have since been registered back in time).
"""

import datetime
import random
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from socialtjanst import access, deadlines
from socialtjanst.audit import audit_record
from socialtjanst.identity import age_on
from socialtjanst.models import (
    AccessAction,
    Case,
    ChildInterview,
    ControlKind,
    ControlResult,
    ControlRound,
    Decision,
    Intake,
    Investigation,
    InvestigationExtension,
    TargetGroup,
    Unit,
)
from socialtjanst.roles import Role

CHILD_UNDER = 18
MAX_SAMPLE_SIZE = 500

ERR_PERIOD_ORDER = "Periodens slut kan inte ligga före dess början."
ERR_DEVIATION_COMMENT = "Beskriv avvikelsen i kommentaren."
ERR_UNIT = "Enheten ingår inte i dina enheter."

SAMPLE_KINDS = {
    "utredningar": ("Utredningar", Investigation, "started_on"),
    "beslut": ("Beslut", Decision, "decided_on"),
    "aktualiseringar": ("Aktualiseringar", Intake, "received_on"),
}


# --- who --------------------------------------------------------------------------------------


def may_run_controls(user) -> bool:
    return access.has_role(user, Role.ENHETSCHEF) and user.has_perm("socialtjanst.view_controlround")


def control_rounds_for_user(user) -> QuerySet[ControlRound]:
    """Rounds about the manager's units, and rounds without a unit performed by someone in them."""
    if not may_run_controls(user):
        return ControlRound.objects.none()
    units = access.user_unit_ids(user)
    members = Q(unit__isnull=True, performed_by__unitmembership__unit_id__in=units)
    ids = ControlRound.objects.filter(Q(unit_id__in=units) | members).values("pk")
    return ControlRound.objects.filter(pk__in=ids)


def control_round_get_for_user(user, pk) -> ControlRound:
    from common.errors import NotFound

    try:
        return control_rounds_for_user(user).select_related("unit", "performed_by").get(pk=pk)
    except (ControlRound.DoesNotExist, ValueError, TypeError):
        raise NotFound("Kontrollomgången finns inte.") from None


# --- utredningstider ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PastDue:
    investigation: Investigation
    initial_due: datetime.date
    valid_due: datetime.date
    as_of: datetime.date

    @property
    def valid_extension(self) -> bool:
        return self.as_of <= self.valid_due

    @property
    def days_over(self) -> int:
        return deadlines.days_late(None, self.valid_due, self.as_of)


def investigations_past_due(investigations: QuerySet[Investigation], as_of: datetime.date) -> list[PastDue]:
    """Investigations open on `as_of` whose four calendar months had run out by then."""
    open_then = investigations.filter(Q(completed_on__isnull=True) | Q(completed_on__gt=as_of), started_on__lte=as_of)
    rows = open_then.select_related("case__person", "case__unit", "responsible").prefetch_related(
        Prefetch("extensions", queryset=InvestigationExtension.objects.filter(decided_on__lte=as_of)))
    out = []
    for inv in rows.order_by("started_on", "pk"):
        initial = deadlines.investigation_initial_due(inv.started_on)
        if as_of > initial:
            extensions = [(e.decided_on, e.new_due_on) for e in inv.extensions.all()]
            out.append(PastDue(inv, initial, deadlines.investigation_valid_due(inv.started_on, extensions), as_of))
    return out


def investigations_without_valid_extension(investigations, as_of) -> list[PastDue]:
    return [row for row in investigations_past_due(investigations, as_of) if not row.valid_extension]


# --- barnsamtal ---------------------------------------------------------------------------------


def _is_child_at(started_on, birth_date, unit_target_group) -> bool:
    if birth_date is None:
        return unit_target_group == TargetGroup.CHILDREN
    return age_on(birth_date, started_on) < CHILD_UNDER


def child_investigations_without_interview(
    investigations: QuerySet[Investigation], start: datetime.date, end: datetime.date
) -> list[Investigation]:
    """Children's investigations completed in start..end with neither a barnsamtal nor a reason."""
    rows = (
        investigations.filter(completed_on__range=(start, end))
        .filter(~Exists(ChildInterview.objects.filter(investigation=OuterRef("pk"))))
        .select_related("case__person", "case__unit", "responsible")
        .order_by("completed_on", "pk")
    )
    return [inv for inv in rows
            if _is_child_at(inv.started_on, inv.case.person.birth_date, inv.case.unit.target_group)]


# --- stickprov ----------------------------------------------------------------------------------


def new_seed() -> int:
    return secrets.randbelow(2**31)


def sample_criteria(*, kind: str, period_from: datetime.date, period_to: datetime.date, unit_ids, size: int) -> dict:
    return {"kind": kind, "period_from": period_from.isoformat(), "period_to": period_to.isoformat(),
            "unit_ids": sorted(unit_ids), "size": size}


def sample_population(criteria: dict) -> list[int]:
    """Every id of the kind dated in the period in the criteria's units, ordered by pk."""
    _label, model, date_field = SAMPLE_KINDS[criteria["kind"]]
    period = (datetime.date.fromisoformat(criteria["period_from"]), datetime.date.fromisoformat(criteria["period_to"]))
    cases = Case.objects.filter(unit_id__in=criteria["unit_ids"])
    return list(model.objects.filter(case__in=cases, **{f"{date_field}__range": period})
                .order_by("pk").values_list("pk", flat=True))


def sample_draw(criteria: dict, seed: int) -> list[int]:
    return _draw(sample_population(criteria), criteria["size"], seed)


def sample_draw_with_population(criteria: dict, seed: int) -> tuple[list[int], int]:
    """The drawn ids and the size of the population they were drawn from (one query)."""
    population = sample_population(criteria)
    return _draw(population, criteria["size"], seed), len(population)


def _draw(population: list[int], size: int, seed: int) -> list[int]:
    return random.Random(seed).sample(population, min(size, len(population)))


def sample_check_units(user, unit_ids) -> None:
    if not unit_ids or not set(unit_ids) <= access.user_unit_ids(user):
        raise ValidationError(ERR_UNIT)


def sample_objects_for_user(user, kind: str, ids: list[int]) -> list:
    """The sampled objects the user may see, in the order drawn."""
    selectors = {"utredningar": access.investigations_for_user, "beslut": access.decisions_for_user,
                 "aktualiseringar": access.intakes_for_user}
    found = selectors[kind](user).filter(pk__in=ids).select_related("case__person", "case__unit")
    by_pk = {obj.pk: obj for obj in found}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def sample_reproduces(sample: dict) -> bool:
    return sample_draw(sample["criteria"], sample["seed"]) == sample["ids"]


# --- the round ----------------------------------------------------------------------------------


@transaction.atomic
def control_round_record(
    *, by, kind: str, unit: Unit | None, period_from: datetime.date, period_to: datetime.date, sample: dict,
    result: str, comment: str = "",
) -> ControlRound:
    """Records a control round and its access-log row; a stickprov's ids are drawn again here
    from the seed and criteria, never taken from the form."""
    if period_to < period_from:
        raise ValidationError(ERR_PERIOD_ORDER)
    if result == ControlResult.DEVIATION and not comment.strip():
        raise ValidationError(ERR_DEVIATION_COMMENT)
    if unit is not None and unit.pk not in access.user_unit_ids(by):
        raise ValidationError(ERR_UNIT)
    if kind == ControlKind.SAMPLE:
        sample_check_units(by, sample["criteria"]["unit_ids"])
        sample = {**sample, "ids": sample_draw(sample["criteria"], sample["seed"])}
    control_round = ControlRound.objects.create(
        kind=kind, performed_by=by, unit=unit, period_from=period_from, period_to=period_to, sample=sample,
        result=result, comment=comment.strip(),
    )
    audit_record(user=by, action=AccessAction.CREATE, object_type="ControlRound", object_id=control_round.pk,
                 object_unit_ids=[unit.pk] if unit else [], criteria={"kind": kind})
    return control_round
