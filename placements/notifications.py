"""The notifications when a child's placement starts or ends (issue 16 point 6): a checklist on the placement of
the agencies to tell, each with the day it is due (socialtjanst.deadlines.placement_notification_due, a municipal
rule) and, once done, the day it was sent.

Which placements: a child's heldygnsvård under SoL or LVU, the placements that have övervägande
(care_followup.clock_applies). The checklist is made by the placement services: the start's items when the
placement is registered (a move's new placement included), the end's items when it ends for any reason but a
move (the next placement's start items then cover the change, so a move is one checklist, not two).

What a handläggare answers rather than the system guessing: Försäkringskassan (underhållsstöd, barnbidrag) and
the school are to be told for every placed child, so they start as "ja"; Pensionsmyndigheten (efterlevandestöd:
only when a parent has died) and the överförmyndare (when the child has assets, or the custodian cannot manage
them) start unanswered, and the item stays open until the handläggare says ja (and sends) or nej. An end's items,
and a moved child's new start items, take the answers already given for the child, since a dead parent or the
child's assets do not change with the placement; each can be changed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.errors import NotFound
from socialtjanst import deadlines
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from . import selectors
from .care_followup import clock_applies
from .models import EndReason, NotificationEvent, NotificationRecipient, Placement, PlacementNotification

NOT_FOUND = "Underrättelsen finns inte."
DATE_IN_FUTURE = "Datumet får inte ligga efter dagens datum."
NOT_RELEVANT_NO_DATE = "Ange inget datum när mottagaren inte ska underrättas."
RELEVANCE_REQUIRED = "Ange om mottagaren ska underrättas."
SAVED_SENT = "Underrättelsen till {recipient} är registrerad som gjord {day}."
SAVED_RELEVANT = "Svaret är sparat: {recipient} ska underrättas."
SAVED_NOT_RELEVANT = "Svaret är sparat: {recipient} ska inte underrättas."

# The recipients every placed child's checklist tells ("ja" from the start); the others ask for a yes/no.
ALWAYS_TOLD = (NotificationRecipient.SOCIAL_INSURANCE, NotificationRecipient.SCHOOL)


def checklist_applies(placement: Placement) -> bool:
    return clock_applies(placement)


def moved_from(placement: Placement) -> Placement | None:
    """The child's placement this one follows after a move ("flytta" ends it on this one's start)."""
    return (Placement.objects.filter(person_id=placement.person_id, end_on=placement.start_on,
                                     end_reason=EndReason.MOVED, voided_reason="")
            .exclude(pk=placement.pk).order_by("-start_on", "-pk").first())


def _earlier_answers(placement: Placement) -> dict[str, bool]:
    """The answers given on the child's placement this one follows after a move, per recipient (latest item)."""
    previous = moved_from(placement)
    if previous is None:
        return {}
    answers = {}
    for item in previous.notifications.exclude(relevant__isnull=True).order_by("event_on", "pk"):
        answers[item.recipient] = item.relevant
    return answers


def _default_relevance(recipient: str) -> bool | None:
    return True if recipient in ALWAYS_TOLD else None


def notifications_create(*, placement: Placement) -> int:
    """Make the placement's missing checklist items: the start's, and the end's when it has ended other than by a
    move. Idempotent (one item per placement, event and recipient); returns how many were made."""
    if not checklist_applies(placement):
        return 0
    existing = {(n.event, n.recipient): n.relevant for n in placement.notifications.all()}
    events = [(NotificationEvent.START, placement.start_on)]
    if placement.end_on is not None and placement.end_reason != EndReason.MOVED:
        events.append((NotificationEvent.END, placement.end_on))
    earlier = _earlier_answers(placement) if not existing else {}
    new = []
    for event, day in events:
        for recipient in NotificationRecipient.values:
            if (event, recipient) in existing:
                continue
            relevant = earlier.get(recipient, _default_relevance(recipient))
            start_answer = existing.get((NotificationEvent.START, recipient))
            if event == NotificationEvent.END and start_answer is not None:
                relevant = start_answer
            new.append(PlacementNotification(
                placement=placement, event=event, recipient=recipient, event_on=day,
                due_on=deadlines.placement_notification_due(day), relevant=relevant))
    PlacementNotification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def placement_notification_record(*, by, placement: Placement, notification_id: int, relevant: bool,
                                  notified_on: datetime.date | None, note: str = "") -> tuple[PlacementNotification,
                                                                                                 str]:
    """The handläggare's answer on one item: whether the agency is to be told and, if so and done, the day it
    was. Returns the item and the message to show."""
    if not selectors.can_change_placement(by, placement):
        raise NotFound(NOT_FOUND)
    item = (PlacementNotification.objects.select_for_update().filter(placement=placement, pk=notification_id)
            .first())
    if item is None:
        raise NotFound(NOT_FOUND)
    if relevant is None:
        raise ValidationError(RELEVANCE_REQUIRED, code="relevance")
    if not relevant and notified_on is not None:
        raise ValidationError(NOT_RELEVANT_NO_DATE, code="not_relevant_date")
    if notified_on is not None and notified_on > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE, code="future")
    item.relevant, item.notified_on, item.note, item.answered_by = relevant, notified_on, note.strip(), by
    item.save(update_fields=["relevant", "notified_on", "note", "answered_by"])
    audit_record(user=by, action=AccessAction.CHANGE, object_type="PlacementNotification", object_id=item.pk,
                 persons=[placement.person], object_unit_ids=[placement.unit_id])
    recipient = item.get_recipient_display()
    if notified_on is not None:
        return item, SAVED_SENT.format(recipient=recipient, day=notified_on.isoformat())
    return item, (SAVED_RELEVANT if relevant else SAVED_NOT_RELEVANT).format(recipient=recipient)
