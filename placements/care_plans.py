"""Vårdplan and genomförandeplan of a placed child (issue 16 point 2), and the control list of children whose
plans or notifications (placements.notifications) are behind.

- Which placements: a child's heldygnsvård under SoL or LVU (care_followup.clock_applies).
- The dates recorded are when each plan was established and last revised; the plan itself is a document in the
  case. A move starts a new placement: the vårdplan is carried over under the same legal basis
  (placement_started), the genomförandeplan is the new home's. A date before the placement's start is allowed,
  since the vårdplan is due at or before it.
- Due dates are municipal rules (socialtjanst.deadlines.care_plan_due, implementation_plan_due): a plan is
  overdue while it is missing after its due date; one established after the due date was late.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from common.errors import NotFound
from socialtjanst import deadlines
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from . import notifications, selectors
from .care_followup import clock_applies
from .models import CarePlan, CarePlanKind, Placement, PlacementNotification
from .models.care_plans import OPEN_NOTIFICATION

NOT_FOUND = "Placeringen finns inte."
NOT_A_CHILD_PLACEMENT = "Vårdplan och genomförandeplan registreras för ett barn i heldygnsvård enligt SoL eller LVU."
DATE_IN_FUTURE = "Datumet får inte ligga efter dagens datum."
REVISED_BEFORE_ESTABLISHED = "Revideringen kan inte vara före det datum planen upprättades."
SAVED_AT_THE_SAME_TIME = "Planen sparades just av någon annan. Ladda om sidan och försök igen."
PLAN_SAVED = "{kind} är registrerad."

DUE_RULES = {
    CarePlanKind.CARE_PLAN: deadlines.care_plan_due,
    CarePlanKind.IMPLEMENTATION_PLAN: deadlines.implementation_plan_due,
}


def plans_apply(placement: Placement) -> bool:
    return clock_applies(placement)


def plan_due(kind: str, start_on: datetime.date) -> datetime.date:
    return DUE_RULES[kind](start_on)


@dataclass(frozen=True)
class PlanStatus:
    kind: str
    due_on: datetime.date
    established_on: datetime.date | None
    revised_on: datetime.date | None
    today: datetime.date

    @property
    def label(self) -> str:
        return CarePlanKind(self.kind).label

    @property
    def overdue(self) -> bool:
        """Missing after its due date."""
        return self.established_on is None and self.today > self.due_on

    @property
    def late(self) -> bool:
        """Established, but after its due date."""
        return self.established_on is not None and self.established_on > self.due_on


def plan_statuses(placement: Placement, today: datetime.date) -> list[PlanStatus]:
    """The placement's vårdplan and genomförandeplan, recorded or not, with their due dates."""
    recorded = {p.kind: p for p in placement.care_plans.all()}
    out = []
    for kind in CarePlanKind.values:
        plan = recorded.get(kind)
        out.append(PlanStatus(kind=kind, due_on=plan_due(kind, placement.start_on), today=today,
                              established_on=plan.established_on if plan else None,
                              revised_on=plan.revised_on if plan else None))
    return out


@transaction.atomic
def care_plan_record(*, by, placement: Placement, kind: str, established_on: datetime.date,
                     revised_on: datetime.date | None = None) -> CarePlan:
    """Record (or correct) the dates of the placement's vårdplan or genomförandeplan; the history keeps the
    earlier dates."""
    if not selectors.can_change_placement(by, placement):
        raise NotFound(NOT_FOUND)
    if not plans_apply(placement):
        raise ValidationError(NOT_A_CHILD_PLACEMENT, code="not_child")
    today = timezone.localdate()
    if established_on > today or (revised_on is not None and revised_on > today):
        raise ValidationError(DATE_IN_FUTURE, code="future")
    if revised_on is not None and revised_on < established_on:
        raise ValidationError(REVISED_BEFORE_ESTABLISHED, code="revised_before")
    plan = CarePlan.objects.select_for_update().filter(placement=placement, kind=kind).first()
    action = AccessAction.CHANGE
    if plan is None:
        plan, action = CarePlan(placement=placement, kind=kind), AccessAction.CREATE
    plan.established_on, plan.revised_on, plan.by = established_on, revised_on, by
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # a second user's first save of the same plan at the same moment
        raise ValidationError(SAVED_AT_THE_SAME_TIME, code="concurrent") from exc
    audit_record(user=by, action=action, object_type="CarePlan", object_id=plan.pk,
                 persons=[placement.person], object_unit_ids=[placement.unit_id])
    return plan


def placement_started(*, by, placement: Placement) -> None:
    """Called by the placement services when a placement is registered: a child's notification checklist, and
    after a move under the same legal basis the vårdplan carried over (it plans the child's care, not the home;
    the genomförandeplan is the new home's and is made anew). A change of legal basis (SoL to LVU) needs a new
    vårdplan, so nothing is carried then."""
    notifications.notifications_create(placement=placement)
    if not plans_apply(placement):
        return
    previous = notifications.moved_from(placement)
    if previous is None or previous.legal_basis != placement.legal_basis:
        return
    plan = previous.care_plans.filter(kind=CarePlanKind.CARE_PLAN).first()
    if plan is None or placement.care_plans.filter(kind=CarePlanKind.CARE_PLAN).exists():
        return
    carried = CarePlan.objects.create(placement=placement, kind=CarePlanKind.CARE_PLAN,
                                      established_on=plan.established_on, revised_on=plan.revised_on, by=by)
    audit_record(user=by, action=AccessAction.CREATE, object_type="CarePlan", object_id=carried.pk,
                 persons=[placement.person], object_unit_ids=[placement.unit_id])


# --- the control list -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanControlRow:
    placement: Placement
    plans: list[PlanStatus]
    overdue_notifications: list[PlacementNotification]

    @property
    def overdue_plans(self) -> list[PlanStatus]:
        return [p for p in self.plans if p.overdue]


def _overdue_if_started_before(due_rule, today: datetime.date) -> datetime.date:
    """A plan is overdue today when due_rule(start) < today, i.e. when the start is before today minus the
    rule's days (the rules add a fixed number of days)."""
    return today - (due_rule(today) - today)


def plan_control_rows(placements: QuerySet[Placement], today: datetime.date) -> list[PlanControlRow]:
    """The placed children in `placements` with a plan missing after its due date (ongoing placements) or a
    notification still open after its due date (ongoing or ended)."""
    children = placements.filter(is_24h=True, legal_basis__in=deadlines.CARE_REVIEW_LEGAL_BASES)
    ongoing = children.filter(Q(end_on__isnull=True) | Q(end_on__gte=today), start_on__lte=today)
    missing = Q()
    for kind, rule in DUE_RULES.items():
        missing |= Q(start_on__lt=_overdue_if_started_before(rule, today)) & ~Exists(
            CarePlan.objects.filter(placement=OuterRef("pk"), kind=kind))
    open_late = PlacementNotification.objects.filter(OPEN_NOTIFICATION, due_on__lt=today)
    ids = set(ongoing.filter(missing).values_list("pk", flat=True))
    ids |= set(open_late.filter(placement__in=children).values_list("placement_id", flat=True))
    qs = (Placement.objects.filter(pk__in=ids).select_related("person", "unit", "care_type", "provider")
          .prefetch_related("care_plans").order_by("start_on", "pk"))
    late_by_placement: dict[int, list[PlacementNotification]] = {}
    for item in open_late.filter(placement_id__in=ids).order_by("due_on", "pk"):
        late_by_placement.setdefault(item.placement_id, []).append(item)
    rows = []
    for p in qs:
        if not plans_apply(p):
            continue
        ongoing_today = p.start_on <= today and (p.end_on is None or p.end_on >= today)
        statuses = plan_statuses(p, today) if ongoing_today else []
        row = PlanControlRow(placement=p, plans=statuses, overdue_notifications=late_by_placement.get(p.pk, []))
        if row.overdue_plans or row.overdue_notifications:
            rows.append(row)
    return rows


def plan_control_counts(rows: list[PlanControlRow]) -> dict[str, int]:
    return {
        "children": len(rows),
        "care_plan_missing": sum(any(p.kind == CarePlanKind.CARE_PLAN for p in r.overdue_plans) for r in rows),
        "implementation_plan_missing": sum(
            any(p.kind == CarePlanKind.IMPLEMENTATION_PLAN for p in r.overdue_plans) for r in rows),
        "notifications_overdue": sum(len(r.overdue_notifications) for r in rows),
    }
