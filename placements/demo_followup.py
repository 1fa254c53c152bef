"""Följa vården in the demo municipality (issue 16): överväganden/omprövningar, contacts with the child, vårdplan
and genomförandeplan, and answered notification checklists for the demo's placed children, so the morning screens
show what a real unit's would: most follow-up done on time, a few children behind. Without it every demo child
showed an övervägande owed since its start, and Att göra drowned the handläggare's real work.

The demo placements are written directly (placements/demo.py), so what the services would have done at a move (the
review clock carried on, the checklist made) is done here, through the same rules. Reviews go through
care_followup.care_review_record, so each is journalled in the child's case like a real one.

Deterministic (one random stream per placement) and idempotent: a placement with any review, contact, plan or
answered checklist item is left as it is."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from common.kept import paused
from socialtjanst import deadlines
from socialtjanst.assignment import assignable_users

from . import care_followup, notifications
from .models import (
    CarePlan,
    CarePlanKind,
    CareReviewKind,
    CareReviewOutcome,
    ChildContact,
    ChildContactKind,
    Placement,
    PlacementNotification,
)

DAY = datetime.timedelta(days=1)
LATE_REVIEW_SHARE = 0.12  # reviews decided some weeks after their due date
OWED_REVIEW_SHARE = 0.12  # ongoing placements whose latest review is still owed
NO_RECENT_TALK_SHARE = 0.12  # ongoing placements without a private conversation in the last half year
MISSING_PLAN_SHARE = 0.06
LATE_PLAN_SHARE = 0.10
OPEN_CHECKLIST_SHARE = 0.05


@paused()
def load_demo_followup(*, seed: int = 2026) -> dict[str, int]:
    today = timezone.localdate()
    counts = dict.fromkeys(("placements", "reviews", "contacts", "plans", "notifications"), 0)
    demo = (Placement.objects.filter(external_id__startswith="DEMO-", is_24h=True, voided_reason="",
                                     start_on__lte=today)
            .select_related("person", "unit").order_by("person_id", "start_on", "pk"))
    for placement in demo:
        if not care_followup.clock_applies(placement) or _has_followup(placement):
            continue
        by = assignable_users([placement.unit_id]).order_by("pk").first()
        if by is None:
            continue
        rng = random.Random(f"{seed}-followup-{placement.external_id}")
        with transaction.atomic():
            _carry_clock(placement)
            counts["reviews"] += _reviews(rng, placement, by, today)
            counts["contacts"] += _contacts(rng, placement, by, today)
            counts["plans"] += _plans(rng, placement, by, today)
            counts["notifications"] += _checklist(rng, placement, by, today)
        counts["placements"] += 1
    return counts


def _has_followup(placement: Placement) -> bool:
    return (placement.care_reviews.exists() or placement.child_contacts.exists() or placement.care_plans.exists()
            or placement.notifications.filter(relevant__isnull=False, answered_by__isnull=False).exists())


def _carry_clock(placement: Placement) -> None:
    """What placement_move does: the review clock runs on from the previous placement of the same care."""
    previous = notifications.moved_from(placement)
    if previous is None or placement.review_clock_from is not None:
        return
    carried = care_followup.review_clock_carried(previous, move_on=placement.start_on,
                                                 legal_basis=placement.legal_basis)
    if carried is not None:
        Placement.objects.filter(pk=placement.pk).update(review_clock_from=carried)
        placement.review_clock_from = carried


def _reviews(rng: random.Random, placement: Placement, by, today: datetime.date) -> int:
    kind = care_followup.review_kind(placement) or CareReviewKind.CONSIDERATION
    until = min(placement.end_on or today, today)
    owed = placement.end_on is None and rng.random() < OWED_REVIEW_SHARE
    last, made = None, 0
    while True:
        due = deadlines.care_review_due(care_followup.review_clock_start(placement), last)
        late = rng.random() < LATE_REVIEW_SHARE
        decided = due + (rng.randint(5, 35) if late else -rng.randint(3, 25)) * DAY
        decided = max(decided, placement.start_on, (last or placement.start_on) + DAY)
        if decided > until or (owed and decided > today - 75 * DAY):
            return made
        care_followup.care_review_record(by=by, placement=placement, kind=kind, decided_on=decided,
                                         outcome=CareReviewOutcome.CONTINUED,
                                         text="Vården behövs fortfarande; barnet har det bra i hemmet.")
        last, made = decided, made + 1


def _contacts(rng: random.Random, placement: Placement, by, today: datetime.date) -> int:
    until = min(placement.end_on or today, today)
    if placement.end_on is None and rng.random() < NO_RECENT_TALK_SHARE:
        until = min(until, deadlines.add_calendar_months(today, -7))
    rows, day = [], placement.start_on + rng.randint(7, 30) * DAY
    while day <= until:
        private = rng.random() < 0.55
        rows.append(ChildContact(
            placement=placement, contacted_on=day, by=by,
            kind=ChildContactKind.PRIVATE_CONVERSATION if private else ChildContactKind.VISIT,
            spoken_alone=private or rng.random() < 0.3))
        day += rng.randint(60, 100) * DAY
    ChildContact.objects.bulk_create(rows)
    return len(rows)


def _plans(rng: random.Random, placement: Placement, by, today: datetime.date) -> int:
    rows = []
    for kind in CarePlanKind.values:
        roll = rng.random()
        if roll < MISSING_PLAN_SHARE:
            continue
        if kind == CarePlanKind.CARE_PLAN:
            established = placement.start_on - rng.randint(0, 10) * DAY
            if roll < MISSING_PLAN_SHARE + LATE_PLAN_SHARE:
                established = placement.start_on + rng.randint(3, 20) * DAY
        else:
            established = placement.start_on + rng.randint(10, 40) * DAY
            if roll < MISSING_PLAN_SHARE + LATE_PLAN_SHARE:
                established = placement.start_on + rng.randint(45, 80) * DAY
        if established > today:
            continue
        revised = established + rng.randint(150, 200) * DAY
        rows.append(CarePlan(placement=placement, kind=kind, established_on=established, by=by,
                             revised_on=revised if revised <= min(placement.end_on or today, today) else None))
    CarePlan.objects.bulk_create(rows)
    return len(rows)


def _checklist(rng: random.Random, placement: Placement, by, today: datetime.date) -> int:
    notifications.notifications_create(placement=placement)
    answered = 0
    for item in placement.notifications.filter(answered_by__isnull=True).order_by("event_on", "recipient"):
        if item.due_on >= today - 14 * DAY and rng.random() < OPEN_CHECKLIST_SHARE * 4:
            continue  # a recent placement's checklist still being worked through
        if rng.random() < OPEN_CHECKLIST_SHARE:
            continue
        relevant = item.relevant if item.relevant is not None else rng.random() < 0.1
        sent = min(item.event_on + rng.randint(0, 6) * DAY, today) if relevant else None
        PlacementNotification.objects.filter(pk=item.pk).update(relevant=relevant, notified_on=sent,
                                                                answered_by=by)
        answered += 1
    return answered
