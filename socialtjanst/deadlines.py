"""Every legal deadline of the case flow (shared/domain.md §3). Nothing else computes one.

Calendar months use python-dateutil's relativedelta, whose day clamps to the end of
the target month: started 2024-10-31 → due 2025-02-28. A deadline is met if the work
is done on or before the due date.

Set-based reports need the same due dates in SQL: their twins live in socialtjanst/deadlines_sql.py, one
template per rule here, checked against these functions in tests/socialtjanst/test_deadlines_sql.py. A
change to a rule here is a change there.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings

from .identity import age_on
from .models.caseflow import IntakeKind
from .models.org import TargetGroup

SCREENING_DAYS = 14  # SoL: förhandsbedömning within 14 days of the report
INVESTIGATION_MONTHS = 4  # SoL: a child's investigation within four calendar months
ENFORCEMENT_MONTHS = 3  # verkställighet of a favourable decision within three months (IVO report)
REVIEW_MONTHS = 6  # övervägande / omprövning of a placed child's care


def add_calendar_months(day: datetime.date, months: int) -> datetime.date:
    return day + relativedelta(months=months)


# The 14-day förhandsbedömning and the omedelbar skyddsbedömning are rules about reports concerning
# children (SoL 11 kap. 1 a §, 10 a §; shared/domain.md §3). An intake at an adult unit leads to a decision
# to open an investigation without that clock.
SCREENING_TARGET_GROUPS = (TargetGroup.CHILDREN,)


def screening_deadline_applies(target_group: str) -> bool:
    return target_group in SCREENING_TARGET_GROUPS


def safety_assessment_applies(kind: str, target_group: str) -> bool:
    return kind == IntakeKind.REPORT and target_group in SCREENING_TARGET_GROUPS


def safety_assessment_due(received_on: datetime.date) -> datetime.date:
    """Omedelbar skyddsbedömning: due the day the report arrives; overdue from the next day."""
    return received_on


def extension_is_late(decided_on: datetime.date, extends_due_on: datetime.date) -> bool:
    """The one rule for every extension of a deadline, synnerliga skäl for a förhandsbedömning as a
    förlängningsbeslut for an utredning: decided after the due date it extends, it is late and does not
    move the deadline (an extension cannot rescue work that was already overdue)."""
    return decided_on > extends_due_on


def screening_initial_due(received_on: datetime.date) -> datetime.date:
    return received_on + datetime.timedelta(days=SCREENING_DAYS)


def screening_extension_late(received_on: datetime.date, extension_decided_on: datetime.date | None) -> bool:
    """Synnerliga skäl decided after the 14 days had passed (or with no decision date known)."""
    return extension_decided_on is None or extension_is_late(extension_decided_on, screening_initial_due(received_on))


def screening_due(
    received_on: datetime.date, extended_due_on: datetime.date | None = None,
    extension_decided_on: datetime.date | None = None,
) -> datetime.date:
    """Förhandsbedömning: received + 14 days, unless synnerliga skäl decided within those 14 days set a
    later date."""
    if extended_due_on is None or screening_extension_late(received_on, extension_decided_on):
        return screening_initial_due(received_on)
    return extended_due_on


def investigation_initial_due(started_on: datetime.date) -> datetime.date:
    return add_calendar_months(started_on, INVESTIGATION_MONTHS)


@dataclass(frozen=True)
class ExtensionStatus:
    decided_on: datetime.date
    new_due_on: datetime.date
    extends_due_on: datetime.date  # the due date that applied when it was decided
    late: bool  # decided after the due date it extends


def extension_statuses(
    started_on: datetime.date, extensions: Iterable[tuple[datetime.date, datetime.date]]
) -> list[ExtensionStatus]:
    """Each förlängningsbeslut (decided_on, new_due_on), in decision order, with the due date it
    extended and whether it came too late (decided after that due date had passed)."""
    due = investigation_initial_due(started_on)
    out = []
    for decided_on, new_due_on in sorted(extensions):
        out.append(ExtensionStatus(decided_on, new_due_on, due, late=extension_is_late(decided_on, due)))
        due = new_due_on
    return out


def investigation_due(
    started_on: datetime.date, extensions: Iterable[tuple[datetime.date, datetime.date]] = ()
) -> datetime.date:
    """Four calendar months from the start, moved by each förlängningsbeslut in turn."""
    statuses = extension_statuses(started_on, extensions)
    return statuses[-1].new_due_on if statuses else investigation_initial_due(started_on)


def investigation_valid_due(
    started_on: datetime.date, extensions: Iterable[tuple[datetime.date, datetime.date]] = ()
) -> datetime.date:
    """The due date counting only extensions decided in time: a late extension does not
    rescue an investigation that was already overdue."""
    due = investigation_initial_due(started_on)
    for status in extension_statuses(started_on, extensions):
        if status.late:
            break
        due = status.new_due_on
    return due


def enforcement_due(decided_on: datetime.date) -> datetime.date:
    """Verkställighet: a favourable decision should be carried out within three calendar months."""
    return add_calendar_months(decided_on, ENFORCEMENT_MONTHS)


def review_due(last_review_on: datetime.date) -> datetime.date:
    return add_calendar_months(last_review_on, REVIEW_MONTHS)


def is_met(done_on: datetime.date | None, due_on: datetime.date, today: datetime.date) -> bool | None:
    """True/False once done (or once overdue without being done); None while still open in time."""
    if done_on is not None:
        return done_on <= due_on
    return False if today > due_on else None


def days_late(done_on: datetime.date | None, due_on: datetime.date, today: datetime.date) -> int:
    """How many days past the due date the work was done (or, still open, is today)."""
    return max(0, ((done_on or today) - due_on).days)


# --- Följa vården (issue 16 point 1) --------------------------------------------------------------------------
# A child's care is reconsidered at least every six calendar months: under SoL an övervägande from the
# placement's start (SoL 6 kap. 8 §), under LVU 2 § an övervägande (LVU 13 § första stycket), under LVU 3 § an
# omprövning within six months of verkställighet (LVU 13 § andra stycket). The placement's start is its
# verkställighet. Each recorded review restarts the clock from its own date, so the three share one rule.
CARE_REVIEW_LEGAL_BASES = ("SoL", "LVU")
ADULT_AGE_YEARS = 18


def care_review_applies(legal_basis: str, birth_date: datetime.date | None, start_on: datetime.date) -> bool:
    """Only a child (under 18 on the placement's start) placed under SoL or LVU has the clock. Without a known
    birth date nobody can say, so no clock is claimed."""
    if legal_basis not in CARE_REVIEW_LEGAL_BASES or birth_date is None:
        return False
    return age_on(birth_date, start_on) < ADULT_AGE_YEARS  # identity's age rule, 29 February included


def care_review_due(start_on: datetime.date, last_review_on: datetime.date | None = None) -> datetime.date:
    """The next övervägande/omprövning: six calendar months (month-end clamped) after the last one recorded, or
    after the placement's start while none is: verkställd 2024-08-31 → 2025-02-28."""
    return review_due(last_review_on if last_review_on is not None else start_on)


# --- Lex lilla hjärtat (issue 16 point 4) ----------------------------------------------------------------------
# SoL 6 kap. 8 § (from 2022-07-01): when a child has been placed in the same familjehem for two years after the
# placement was verkställd, the nämnd considers whether to apply for vårdnadsöverflyttning, and then at least
# once every twelve months. When care under LVU has ended, the nämnd follows up the child's situation, and the
# follow-up ends at the latest six months after the care ended (SoL 6 kap. 7 c §). Calendar months, month-end
# clamped like every clock here.
CUSTODY_TRANSFER_FIRST_MONTHS = 24
CUSTODY_TRANSFER_REPEAT_MONTHS = 12
LVU_FOLLOWUP_MONTHS = 6


def custody_transfer_consideration_due(start_on: datetime.date,
                                       last_considered_on: datetime.date | None = None) -> datetime.date:
    """The next consideration of vårdnadsöverflyttning: two years after the familjehem placement started
    (started 2024-02-29 → 2026-02-28), then twelve calendar months after the last consideration recorded."""
    if last_considered_on is None:
        return add_calendar_months(start_on, CUSTODY_TRANSFER_FIRST_MONTHS)
    return add_calendar_months(last_considered_on, CUSTODY_TRANSFER_REPEAT_MONTHS)


def custody_transfer_applies(birth_date: datetime.date | None, due_on: datetime.date) -> bool:
    """Only a child has a vårdnadshavare to transfer: under 18 on the due date (identity's age rule). Without a
    known birth date nobody can say, so no clock is claimed."""
    return birth_date is not None and age_on(birth_date, due_on) < ADULT_AGE_YEARS


def lvu_followup_due(care_ended_on: datetime.date) -> datetime.date:
    """The follow-up after LVU care: finished within six calendar months of the day the care ended
    (ended 2024-08-31 → 2025-02-28)."""
    return add_calendar_months(care_ended_on, LVU_FOLLOWUP_MONTHS)


def is_child_on(birth_date: datetime.date | None, day: datetime.date) -> bool | None:
    """Under 18 on `day`; None when the birth date is unknown."""
    return None if birth_date is None else age_on(birth_date, day) < ADULT_AGE_YEARS


# --- Följa vården: vårdplan, genomförandeplan and notifications (issue 16 points 2 and 6) --------------------
# Municipal rules, not law: socialtjänstlagen requires a vårdplan and a genomförandeplan for a child placed in
# care but sets no number of days for either, and the notifications are the municipality's routine. Each
# municipality sets its own days in settings (shared/domain.md §11); the defaults are the vårdplan at or before
# the placement's start (0 days), the genomförandeplan within six weeks (42 days) and each notification within
# a week of the start or the end (7 days).
DEFAULT_CARE_PLAN_DAYS = 0
DEFAULT_IMPLEMENTATION_PLAN_DAYS = 42
DEFAULT_PLACEMENT_NOTIFICATION_DAYS = 7


def _municipal_days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def care_plan_days() -> int:
    return _municipal_days("IFO_CARE_PLAN_DAYS", DEFAULT_CARE_PLAN_DAYS)


def implementation_plan_days() -> int:
    return _municipal_days("IFO_IMPLEMENTATION_PLAN_DAYS", DEFAULT_IMPLEMENTATION_PLAN_DAYS)


def placement_notification_days() -> int:
    return _municipal_days("IFO_PLACEMENT_NOTIFICATION_DAYS", DEFAULT_PLACEMENT_NOTIFICATION_DAYS)


def care_plan_due(start_on: datetime.date) -> datetime.date:
    """Vårdplan: IFO_CARE_PLAN_DAYS days after the placement's start (default 0: at or before the start)."""
    return start_on + datetime.timedelta(days=care_plan_days())


def implementation_plan_due(start_on: datetime.date) -> datetime.date:
    """Genomförandeplan: IFO_IMPLEMENTATION_PLAN_DAYS days after the start (default 42, six weeks):
    started 2024-01-31 → 2024-03-13."""
    return start_on + datetime.timedelta(days=implementation_plan_days())


def placement_notification_due(event_on: datetime.date) -> datetime.date:
    """A notification when a child's placement starts or ends: IFO_PLACEMENT_NOTIFICATION_DAYS days after the
    start or the end (default 7)."""
    return event_on + datetime.timedelta(days=placement_notification_days())
