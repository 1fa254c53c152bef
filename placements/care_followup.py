"""Följa vården (issue 16 points 1 and 3): a placed child's övervägande/omprövning and contacts, and the
control list of children whose follow-up is behind.

- The clock is socialtjanst.deadlines.care_review_due; it applies to a child (under 18 on the placement's start)
  in heldygnsvård under SoL or LVU. The kind follows the placement's LVU ground (Placement.lvu_ground): an
  omprövning under LVU 3 §, an övervägande under LVU 2 § and SoL. Only for LVU care whose ground was never
  stated (placements registered before it was asked) does the handläggare name the kind when recording.
- A recorded review is a decision on the placement's case: a signed journal entry of kind "beslut" is written
  in the same transaction.
- The contact target is Socialstyrelsen's recommendation of at least four contacts a year, configurable as
  settings.IFO_CHILD_CONTACTS_PER_YEAR; care younger than a year is held to its share of it. Contacts are with
  the child, not the home: after a move (or any new heldygnsvård placement beginning the day the last one
  ended, or the day after) the child's care goes on, so its contacts, its private conversations and its age for
  the target are counted from the start of that unbroken care (`care_starts`).
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from common.errors import NotFound
from socialtjanst import deadlines, journal
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction, Case, JournalEntry, JournalKind

from . import selectors
from .models import CareReview, CareReviewKind, ChildContact, ChildContactKind, Placement
from .models.placement import LvuGround

NOT_FOUND = "Placeringen finns inte."
NO_CLOCK = "Placeringen gäller inte ett barn i heldygnsvård enligt SoL eller LVU."
RECONSIDERATION_ONLY_LVU = "Omprövning gäller bara vård enligt LVU (3 §); enligt SoL görs övervägande."
KIND_FOLLOWS_GROUND = "Vård enligt {ground} ska {kind_lower}: välj inte ett annat slag."
KIND_REQUIRED = "Ange om beslutet är ett övervägande eller en omprövning (LVU-grunden är inte angiven)."
DATE_IN_FUTURE = "Datumet får inte ligga efter dagens datum."
DATE_BEFORE_START = "Datumet får inte ligga före placeringens start."
NO_CASE = "Placeringen saknar ärende att journalföra beslutet i. Koppla placeringen till en insats först."
PRIVATE_CONVERSATION_ALONE = "Ett enskilt samtal är ett samtal med barnet ensamt."
DEFAULT_CONTACTS_PER_YEAR = 4  # Socialstyrelsen's recommendation
PRIVATE_CONVERSATION_MONTHS = 6
CONTACT_WINDOW_MONTHS = 12


def contacts_per_year() -> int:
    return int(getattr(settings, "IFO_CHILD_CONTACTS_PER_YEAR", DEFAULT_CONTACTS_PER_YEAR))


def clock_applies(placement: Placement) -> bool:
    return placement.is_24h and deadlines.care_review_applies(
        placement.legal_basis, placement.person.birth_date, placement.start_on)


def review_kind(placement: Placement) -> str | None:
    """The review LVU 13 § / SoL 6 kap. 8 § asks for: None only for LVU care whose ground is unknown."""
    if placement.legal_basis == "LVU":
        return {LvuGround.BEHAVIOUR: CareReviewKind.RECONSIDERATION,
                LvuGround.ENVIRONMENT: CareReviewKind.CONSIDERATION}.get(placement.lvu_ground)
    return CareReviewKind.CONSIDERATION


def _resolved_kind(placement: Placement, kind: str) -> str:
    expected = review_kind(placement)
    if expected is None:
        if not kind:
            raise ValidationError(KIND_REQUIRED, code="kind")
        return kind
    if kind and kind != expected:
        if placement.legal_basis != "LVU":
            raise ValidationError(RECONSIDERATION_ONLY_LVU, code="kind")
        raise ValidationError(KIND_FOLLOWS_GROUND.format(
            ground=f"LVU {placement.get_lvu_ground_display()}",
            kind_lower="omprövas" if expected == CareReviewKind.RECONSIDERATION else "övervägas"), code="kind")
    return expected


def next_review_due(placement: Placement) -> datetime.date | None:
    if not clock_applies(placement):
        return None
    last = placement.care_reviews.aggregate(last=Max("decided_on"))["last"]
    return deadlines.care_review_due(review_clock_start(placement), last)


def review_clock_start(placement: Placement) -> datetime.date:
    """The day the review clock counts from before any review of this placement: the start, or for a moved child
    the day the previous placement's clock had reached (review_clock_from)."""
    return placement.review_clock_from or placement.start_on


def review_clock_carried(current: Placement, *, move_on: datetime.date, legal_basis: str) -> datetime.date | None:
    """What a move (placements.services.placement_move) hands to the next placement: the care goes on, so the six
    months run on from the current placement's last review, else from where its own clock started. Not when the
    legal basis changes: a new decision on the care starts a clock of its own."""
    if legal_basis != current.legal_basis or not clock_applies(current):
        return None
    last = current.care_reviews.filter(decided_on__gte=current.start_on).aggregate(last=Max("decided_on"))["last"]
    carried = max(day for day in (review_clock_start(current), last) if day is not None)
    return min(carried, move_on)  # a review dated after a back-dated move cannot lie after the new start


def placement_case(placement: Placement) -> Case | None:
    """The case a placement's decisions are journalled in: its insats' case, else the person's latest case
    in the placement's unit."""
    if placement.intervention_id:
        return placement.intervention.decision.case
    return (Case.objects.filter(person_id=placement.person_id, unit_id=placement.unit_id)
            .order_by("-opened_on", "-pk").first())


def _changeable(by, placement: Placement) -> None:
    if not selectors.can_change_placement(by, placement):
        raise NotFound(NOT_FOUND)


def _check_date(day: datetime.date, placement: Placement, today: datetime.date) -> None:
    if day > today:
        raise ValidationError(DATE_IN_FUTURE, code="future")
    if day < placement.start_on:
        raise ValidationError(DATE_BEFORE_START, code="before_start")


def _write_decision_entry(*, by, case: Case, occurred_on: datetime.date, text: str) -> JournalEntry:
    return journal.journal_entry_record(by=by, case=case, occurred_on=occurred_on, kind=JournalKind.DECISION,
                                        text=text)


@transaction.atomic
def care_review_record(*, by, placement: Placement, decided_on: datetime.date, outcome: str, kind: str = "",
                       text: str = "") -> tuple[CareReview, datetime.date]:
    """Record an övervägande/omprövning with its journal entry; returns it and the placement's next due date.
    The kind follows the placement's ground (review_kind); `kind` is asked only where that is unknown."""
    _changeable(by, placement)
    if not clock_applies(placement):
        raise ValidationError(NO_CLOCK, code="no_clock")
    kind = _resolved_kind(placement, kind)
    _check_date(decided_on, placement, timezone.localdate())
    case = placement_case(placement)
    if case is None:
        raise ValidationError(NO_CASE, code="no_case")
    review = CareReview(placement=placement, kind=kind, decided_on=decided_on, outcome=outcome, decided_by=by)
    body = f"{review.get_kind_display()} av vården ({placement.legal_basis}): {review.get_outcome_display()}."
    if text.strip():
        body = f"{body}\n{text.strip()}"
    review.journal_entry = _write_decision_entry(by=by, case=case, occurred_on=decided_on, text=body)
    review.save()
    audit_record(user=by, action=AccessAction.CREATE, object_type="CareReview", object_id=review.pk,
                 persons=[placement.person], object_unit_ids=[placement.unit_id])
    return review, next_review_due(placement)


@transaction.atomic
def child_contact_record(*, by, placement: Placement, contacted_on: datetime.date, kind: str,
                         spoken_alone: bool, note: str = "") -> ChildContact:
    _changeable(by, placement)
    _check_date(contacted_on, placement, timezone.localdate())
    if kind == ChildContactKind.PRIVATE_CONVERSATION and not spoken_alone:
        raise ValidationError(PRIVATE_CONVERSATION_ALONE, code="alone")
    contact = ChildContact.objects.create(placement=placement, contacted_on=contacted_on, kind=kind,
                                          spoken_alone=spoken_alone, note=note.strip(), by=by)
    audit_record(user=by, action=AccessAction.CREATE, object_type="ChildContact", object_id=contact.pk,
                 persons=[placement.person], object_unit_ids=[placement.unit_id])
    return contact


# --- the control list -----------------------------------------------------------------------------------------

def contact_target(start_on: datetime.date, today: datetime.date) -> int:
    """Contacts due in the last twelve months: the yearly target, or for a placement younger than a year its
    share by whole calendar months placed (target 4, placed 3 months → 1)."""
    months = relativedelta(today, start_on)
    placed = min(CONTACT_WINDOW_MONTHS, months.years * 12 + months.months)
    return contacts_per_year() * placed // CONTACT_WINDOW_MONTHS


@dataclass(frozen=True)
class FollowupRow:
    placement: Placement
    review_due: datetime.date
    review_overdue: bool
    contacts: int
    contacts_due: int
    last_private_conversation: datetime.date | None
    private_conversation_missing: bool

    @property
    def contacts_below_target(self) -> bool:
        return self.contacts < self.contacts_due


def care_starts(placements: list[Placement]) -> dict[int, datetime.date]:
    """Per placement id: the start of the child's unbroken heldygnsvård it belongs to. Its own start, or that of
    an earlier 24h placement of the same child that ended on or the day before it, and so on back (placement_move
    ends one placement the day the next begins; an import may end it the day before). Read in one statement
    over the children's whole history, whatever unit placed them: only the dates are used."""
    history: dict[int, list[tuple[datetime.date, datetime.date | None]]] = {}
    for person_id, start_on, end_on in (Placement.objects.filter(
            person_id__in={p.person_id for p in placements}, is_24h=True, voided_reason="")
            .order_by("person_id", "-start_on").values_list("person_id", "start_on", "end_on")):
        history.setdefault(person_id, []).append((start_on, end_on))
    starts = {}
    for placement in placements:
        start = placement.start_on
        for earlier_start, earlier_end in history.get(placement.person_id, ()):  # latest first
            if earlier_start < start and earlier_end is not None and earlier_end >= start - datetime.timedelta(1):
                start = earlier_start
        starts[placement.pk] = start
    return starts


def care_contacts(placement: Placement, visible: QuerySet[Placement]) -> QuerySet[ChildContact]:
    """The placement page's contacts: the child's since its unbroken care began (`care_starts`), recorded on
    this placement or an earlier home of the same care among the `visible` placements (the user's scope)."""
    return (ChildContact.objects.filter(placement__in=visible.filter(person_id=placement.person_id),
                                        contacted_on__gte=care_starts([placement])[placement.pk])
            .select_related("by", "placement__care_type"))


def _contacts_by_person(person_ids, since: datetime.date, today: datetime.date) -> dict[int, list[tuple]]:
    """Each child's contacts up to today since `since` (date, spoken alone), whichever placement they were
    recorded on."""
    contacts: dict[int, list[tuple]] = {}
    for person_id, day, alone in (ChildContact.objects.filter(
            placement__person_id__in=person_ids, contacted_on__gte=since, contacted_on__lte=today)
            .values_list("placement__person_id", "contacted_on", "spoken_alone")):
        contacts.setdefault(person_id, []).append((day, alone))
    return contacts


def followup_rows(placements: QuerySet[Placement], today: datetime.date) -> list[FollowupRow]:
    """The placed children (ongoing heldygnsvård of a child under SoL or LVU) in `placements` whose
    övervägande/omprövning is past due, whose contacts of the last twelve months are below target, or who
    have had no private conversation in the last six months (counted once the care is six months old). Contacts
    and the care's age run across moves (`care_starts`)."""
    contacts_since = deadlines.add_calendar_months(today, -CONTACT_WINDOW_MONTHS)
    alone_since = deadlines.add_calendar_months(today, -PRIVATE_CONVERSATION_MONTHS)
    qs = (placements.filter(Q(end_on__isnull=True) | Q(end_on__gte=today), start_on__lte=today, is_24h=True,
                            legal_basis__in=deadlines.CARE_REVIEW_LEGAL_BASES)
          .select_related("person", "unit", "care_type", "provider")
          .annotate(last_review=Max("care_reviews__decided_on"))
          .order_by("start_on", "pk"))
    followed = [p for p in qs if clock_applies(p)]
    starts = care_starts(followed)
    contacts = _contacts_by_person({p.person_id for p in followed}, min(starts.values(), default=today), today)
    rows = []
    for p in followed:
        care_start = starts[p.pk]
        own = [(day, alone) for day, alone in contacts.get(p.person_id, ()) if day >= care_start]
        last_alone = max((day for day, alone in own if alone), default=None)
        due = deadlines.care_review_due(review_clock_start(p), p.last_review)
        missing = care_start <= alone_since and (last_alone is None or last_alone <= alone_since)
        row = FollowupRow(placement=p, review_due=due, review_overdue=today > due,
                          contacts=sum(1 for day, _alone in own if day > contacts_since),
                          contacts_due=contact_target(care_start, today), last_private_conversation=last_alone,
                          private_conversation_missing=missing)
        if row.review_overdue or row.contacts_below_target or row.private_conversation_missing:
            rows.append(row)
    return rows


def followup_counts(rows: list[FollowupRow]) -> dict[str, int]:
    return {
        "children": len(rows),
        "review_overdue": sum(r.review_overdue for r in rows),
        "contacts_below_target": sum(r.contacts_below_target for r in rows),
        "private_conversation_missing": sum(r.private_conversation_missing for r in rows),
    }
