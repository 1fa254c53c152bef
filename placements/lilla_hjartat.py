"""Lex lilla hjärtat and omplacering (issue 16 points 4 and 5; shared/domain.md §11).

- A familjehem here is a placement in one of FAMILY_HOME_CARE_TYPE_CODES: own, nätverkshem and konsulentstött.
  A jourhem is not: it is a temporary home by definition (SoL), and the law's two-year rule speaks of familjehem.
  The system has no register of the homes themselves, so "the same familjehem" is one placement: a move
  (placement_move) starts a new placement, and the two-year clock starts again from it.
- Ending a child's familjehem placement (placement_end) requires a documented, motivated consideration of
  flyttningsförbud (LVU 24 §). A move does not: the nämnd itself moves the child, and the move records the
  child's participation instead.
- A move of a child requires the child's participation: informed, heard and the child's view, or a reason why
  not (IVO found shortcomings in 74 of 147 omplaceringar).
- When LVU care ends, a follow-up task is created, to be finished within six months (SoL 6 kap. 7 c §): the LVU
  placement ends, or a move continues the care on another legal basis.
- "A child" is under 18 on the day in question (identity's age rule). A person without a known birth date is
  treated as a child for the requirements (the safe side), but is given no vårdnadsöverflyttning clock.
- A consideration, the participation and a finished follow-up are written to the placement's case journal
  (care_followup.placement_case) when it has one; the vårdnadsöverflyttning consideration is a decision and
  requires the case, like an övervägande.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from common.errors import NotFound
from socialtjanst import deadlines, journal
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction, JournalEntry, JournalKind, LegalBasis

from . import care_followup, selectors
from .models import Placement
from .models.lilla_hjartat import (
    CustodyTransferConsideration,
    CustodyTransferOutcome,
    LvuFollowUp,
    MoveParticipation,
    RemovalBanConsideration,
    RemovalBanOutcome,
)

FAMILY_HOME_CARE_TYPE_CODES = ("FH_EGET", "FH_NATVERK", "FH_KONSULENT")

PARTICIPATION_REQUIRED = ("Barnets delaktighet i flytten ska dokumenteras: att barnet informerats och hörts, "
                          "eller skälet till att det inte skett.")
CHILD_VIEW_REQUIRED = "Ange barnets inställning till flytten."
REASON_NOT_REQUIRED = "Ange skälet till att barnet inte informerats eller hörts."
REMOVAL_BAN_REQUIRED = ("Ett barns placering i familjehem kan inte avslutas utan ett dokumenterat och motiverat "
                        "övervägande av flyttningsförbud.")
MOTIVATION_REQUIRED = "Motivera ställningstagandet."
OUTCOME_REQUIRED = "Ange ställningstagandet."
DATE_IN_FUTURE = care_followup.DATE_IN_FUTURE
NOT_FOUND = care_followup.NOT_FOUND
NO_CUSTODY_CLOCK = "Placeringen gäller inte ett barn i familjehem: ingen vårdnadsöverflyttning att överväga."
FOLLOWUP_NOT_FOUND = "Uppföljningen finns inte."
FOLLOWUP_FINISHED = "Uppföljningen är redan avslutad {day}."
FOLLOWUP_BEFORE_END = "Uppföljningen kan inte avslutas före den dag LVU-vården upphörde."
SUMMARY_REQUIRED = "Sammanfatta uppföljningen av barnets situation."

YES_NO = {True: "ja", False: "nej"}


def is_family_home(placement: Placement) -> bool:
    return placement.care_type.code in FAMILY_HOME_CARE_TYPE_CODES


def _child_or_unknown(placement: Placement, day: datetime.date) -> bool:
    return deadlines.is_child_on(placement.person.birth_date, day) is not False


def _blank(text: str) -> bool:
    return not (text or "").strip()


def _journal(*, by, placement: Placement, day: datetime.date, kind: str, text: str) -> JournalEntry | None:
    case = care_followup.placement_case(placement)
    if case is None:
        return None
    return journal.journal_entry_record(by=by, case=case, occurred_on=day, kind=kind, text=text)


def _audit(by, action: AccessAction, object_type: str, pk: int, placement: Placement) -> None:
    audit_record(user=by, action=action, object_type=object_type, object_id=pk, persons=[placement.person],
                 object_unit_ids=[placement.unit_id])


def _changeable(by, placement: Placement) -> None:
    if not selectors.can_change_placement(by, placement):
        raise NotFound(NOT_FOUND)


def _not_in_future(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE, code="future")


# --- omplacering: the child's participation ---------------------------------------------------------------------

@dataclass(frozen=True)
class ChildParticipation:
    """What the form says about the child's participation in a move."""

    informed: bool = False
    heard: bool = False
    child_view: str = ""
    reason_not: str = ""


def participation_required(placement: Placement, move_on: datetime.date) -> bool:
    return _child_or_unknown(placement, move_on)


def participation_check(participation: ChildParticipation | None) -> None:
    """Informed and heard with the child's view, or a reason why not (both may be given: heard, but not
    informed in time, with the reason)."""
    if participation is None:
        raise ValidationError(PARTICIPATION_REQUIRED, code="participation_required")
    if participation.heard and _blank(participation.child_view):
        raise ValidationError(CHILD_VIEW_REQUIRED, code="child_view_required")
    if not (participation.informed and participation.heard) and _blank(participation.reason_not):
        if not (participation.informed or participation.heard or participation.child_view.strip()):
            raise ValidationError(PARTICIPATION_REQUIRED, code="participation_required")
        raise ValidationError(REASON_NOT_REQUIRED, code="reason_not_required")


def _participation_text(move_on: datetime.date, moved_to: Placement, p: ChildParticipation) -> str:
    lines = [f"Flytt {move_on.isoformat()} till {moved_to.care_type.name}. Barnets delaktighet: informerat "
             f"{YES_NO[p.informed]}, hört {YES_NO[p.heard]}."]
    if p.child_view.strip():
        lines.append(f"Barnets inställning: {p.child_view.strip()}")
    if p.reason_not.strip():
        lines.append(f"Skäl: {p.reason_not.strip()}")
    return "\n".join(lines)


# --- flyttningsförbud -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RemovalBan:
    """The consideration of flyttningsförbud the end form carries."""

    considered_on: datetime.date | None = None
    outcome: str = ""
    motivation: str = ""


def removal_ban_required(placement: Placement, end_on: datetime.date) -> bool:
    return is_family_home(placement) and _child_or_unknown(placement, end_on)


def _removal_ban_record(*, by, placement: Placement, removal_ban: RemovalBan | None) -> RemovalBanConsideration:
    if removal_ban is None or removal_ban.considered_on is None:
        raise ValidationError(REMOVAL_BAN_REQUIRED, code="removal_ban_required")
    if removal_ban.outcome not in RemovalBanOutcome.values:
        raise ValidationError(OUTCOME_REQUIRED, code="outcome_required")
    if _blank(removal_ban.motivation):
        raise ValidationError(MOTIVATION_REQUIRED, code="motivation_required")
    _not_in_future(removal_ban.considered_on)
    consideration = RemovalBanConsideration(placement=placement, considered_on=removal_ban.considered_on,
                                            outcome=removal_ban.outcome, motivation=removal_ban.motivation.strip(),
                                            by=by)
    text = (f"Övervägande av flyttningsförbud när placeringen i familjehem avslutas "
            f"{placement.end_on.isoformat()}: {consideration.get_outcome_display()}.\n{consideration.motivation}")
    consideration.journal_entry = _journal(by=by, placement=placement, day=removal_ban.considered_on,
                                           kind=JournalKind.DECISION, text=text)
    consideration.save()
    _audit(by, AccessAction.CREATE, "RemovalBanConsideration", consideration.pk, placement)
    return consideration


# --- the LVU follow-up ----------------------------------------------------------------------------------------------

def _lvu_followup_create(*, by, placement: Placement, care_ended_on: datetime.date) -> LvuFollowUp:
    followup = LvuFollowUp.objects.create(placement=placement, care_ended_on=care_ended_on,
                                          due_on=deadlines.lvu_followup_due(care_ended_on))
    _audit(by, AccessAction.CREATE, "LvuFollowUp", followup.pk, placement)
    return followup


@transaction.atomic
def lvu_followup_finish(*, by, followup: LvuFollowUp, finished_on: datetime.date, summary: str) -> LvuFollowUp:
    """Finish the follow-up after LVU care with a summary of the child's situation (journalled)."""
    placement = followup.placement
    _changeable(by, placement)
    current = LvuFollowUp.objects.select_for_update().get(pk=followup.pk)
    if current.finished_on is not None:
        raise ValidationError(FOLLOWUP_FINISHED.format(day=current.finished_on.isoformat()), code="finished")
    if finished_on < current.care_ended_on:
        raise ValidationError(FOLLOWUP_BEFORE_END, code="before_end")
    _not_in_future(finished_on)
    if _blank(summary):
        raise ValidationError(SUMMARY_REQUIRED, code="summary_required")
    current.finished_on, current.finished_by, current.summary = finished_on, by, summary.strip()
    current.journal_entry = _journal(
        by=by, placement=placement, day=finished_on, kind=JournalKind.OTHER,
        text=f"Uppföljning efter avslutad LVU-vård ({current.care_ended_on.isoformat()}) avslutad.\n"
             f"{current.summary}")
    current.save(update_fields=["finished_on", "finished_by", "summary", "journal_entry"])
    _audit(by, AccessAction.CHANGE, "LvuFollowUp", current.pk, placement)
    return current


# --- the hooks placement_end and placement_move call, inside their transactions -------------------------------------

def placement_ended(*, by, placement: Placement, removal_ban: RemovalBan | None) -> None:
    """After placement_end has set the end: the flyttningsförbud consideration (refused without one for a
    child's familjehem placement) and, when LVU care ends, the follow-up task."""
    if removal_ban_required(placement, placement.end_on):
        _removal_ban_record(by=by, placement=placement, removal_ban=removal_ban)
    if placement.legal_basis == LegalBasis.LVU:
        _lvu_followup_create(by=by, placement=placement, care_ended_on=placement.end_on)


def placement_moved(*, by, moved_from: Placement, moved_to: Placement,
                    participation: ChildParticipation | None) -> MoveParticipation | None:
    """After placement_move has ended one placement and started the next: the child's participation, stored
    with the move, and the LVU follow-up when the care continues on another legal basis."""
    record = None
    if participation_required(moved_from, moved_to.start_on):
        participation_check(participation)
        record = MoveParticipation(moved_from=moved_from, moved_to=moved_to, informed=participation.informed,
                                   heard=participation.heard, child_view=participation.child_view.strip(),
                                   reason_not=participation.reason_not.strip(), recorded_by=by)
        record.journal_entry = _journal(by=by, placement=moved_from, day=moved_to.start_on,
                                        kind=JournalKind.OTHER,
                                        text=_participation_text(moved_to.start_on, moved_to, participation))
        record.save()
        _audit(by, AccessAction.CREATE, "MoveParticipation", record.pk, moved_from)
    if moved_from.legal_basis == LegalBasis.LVU and moved_to.legal_basis != LegalBasis.LVU:
        _lvu_followup_create(by=by, placement=moved_from, care_ended_on=moved_to.start_on)
    return record


# --- vårdnadsöverflyttning -------------------------------------------------------------------------------------------

def custody_transfer_due(placement: Placement) -> datetime.date | None:
    """The next consideration of vårdnadsöverflyttning for an ongoing familjehem placement of a child, or None
    (ended, not a familjehem, or the child is 18 by then)."""
    if placement.end_on is not None or not is_family_home(placement):
        return None
    last = placement.custody_considerations.aggregate(last=Max("considered_on"))["last"]
    due = deadlines.custody_transfer_consideration_due(placement.start_on, last)
    return due if deadlines.custody_transfer_applies(placement.person.birth_date, due) else None


@transaction.atomic
def custody_transfer_consideration_record(
    *, by, placement: Placement, considered_on: datetime.date, outcome: str, motivation: str,
) -> tuple[CustodyTransferConsideration, datetime.date | None]:
    """Record a consideration of vårdnadsöverflyttning as a decision on the case, with its journal entry;
    returns it and the next due date."""
    _changeable(by, placement)
    if custody_transfer_due(placement) is None:
        raise ValidationError(NO_CUSTODY_CLOCK, code="no_clock")
    if outcome not in CustodyTransferOutcome.values:
        raise ValidationError(OUTCOME_REQUIRED, code="outcome_required")
    if _blank(motivation):
        raise ValidationError(MOTIVATION_REQUIRED, code="motivation_required")
    _not_in_future(considered_on)
    if considered_on < placement.start_on:
        raise ValidationError(care_followup.DATE_BEFORE_START, code="before_start")
    case = care_followup.placement_case(placement)
    if case is None:
        raise ValidationError(care_followup.NO_CASE, code="no_case")
    consideration = CustodyTransferConsideration(placement=placement, considered_on=considered_on,
                                                 outcome=outcome, motivation=motivation.strip(), by=by)
    consideration.journal_entry = journal.journal_entry_record(
        by=by, case=case, occurred_on=considered_on, kind=JournalKind.DECISION,
        text=f"Övervägande av vårdnadsöverflyttning (placering i familjehem sedan "
             f"{placement.start_on.isoformat()}): {consideration.get_outcome_display()}.\n{consideration.motivation}")
    consideration.save()
    _audit(by, AccessAction.CREATE, "CustodyTransferConsideration", consideration.pk, placement)
    return consideration, custody_transfer_due(placement)
