"""Gallring (SoL 12 kap. 1–2 §§, shared/domain.md §11): what is due, what is kept and why, legal holds, and
the run that removes what is due and records counts.

The rule. A personakt (all of a person's cases, with their aktualiseringar, förhandsbedömningar,
utredningar, beslut and insatser) is due for gallring on the day after the fifth anniversary of its last
entry (the view socialtjanst_personakt_activity: the latest date anything in it was received, assessed, decided,
started, held or ended, as the users recorded it; not when the rows were stored, so an import of old records does
not restart their years), provided nothing in it is ongoing. The law asks for the gallring to be completed during
the following calendar year; the job runs every month, so a personakt goes within a month of becoming due,
well inside that deadline (`deadline_for`). Last entry 2019-03-10: due from 2024-03-11, gone by 2025-12-31
at the latest, in practice at the run of 2024-04-01.

Kept: cases under legal hold and faderskap/adoption cases (CaseRetention); a personakt where another app
says so through the registry below (placements: a child's placement in familjehem, HVB or other private
home, SoL 12 kap. 2 §, and any placement, since placements feed closed months' facts). socialtjanst never
imports placements: apps register their reasons in a `retention` module, found like admin modules.

The deletion itself is the database function socialtjanst_gallra_personakt (migrations 0013 and 0019),
SECURITY DEFINER, since the app role may not delete history rows; it re-checks the rule, so a wrong call removes
nothing that is not due. It removes the case's journal (through the journal trigger's one guarded exception),
drafts and fördelningar with the case.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .access import cases_for_user, has_role
from .audit import audit_record
from .models import (
    AccessAction,
    AccessEvent,
    Case,
    CaseRetention,
    PersonaktActivity,
    RetentionCategory,
    RetentionRecord,
    RetentionRule,
)
from .roles import Role

logger = logging.getLogger(__name__)

SCHEDULED_RUN_BY = "schemalagd körning"
NOTHING_DUE = "Inget att gallra."
ONGOING_LABEL = "Personakt där något pågår men sista anteckningen är äldre än regeln (kontrollera)"
HOLD_REASON_REQUIRED = "Ange skälet till att ärendet ska bevaras."
HOLD_REASON_TOO_LONG = "Skälet får vara högst 400 tecken."
HOLD_NOT_ALLOWED = "Du får inte ändra bevarande för ärenden."
HOLD_ALREADY = "Ärendet bevaras redan."
HOLD_NONE = "Ärendet har inget bevarande att häva."
PATERNITY_ALREADY = "Ärendet är redan markerat som faderskap eller adoption."
PATERNITY_NONE = "Ärendet är inte markerat som faderskap eller adoption."
PATERNITY_UNMARK_NOT_ALLOWED = "Bara en systemförvaltare får ta bort markeringen faderskap eller adoption."
PATERNITY_UNMARK_REASON_REQUIRED = "Ange skälet till att markeringen tas bort."
CASE_NOT_FOUND = "Ärendet finns inte."
BATCH_SIZE = 200  # persons per transaction: a failed batch leaves the earlier ones done, so a retry resumes


# --- the registry of reasons to keep a personakt -------------------------------------------------------

@dataclass(frozen=True)
class KeepReason:
    category: str
    person_ids: Callable[[], QuerySet]  # a values("person_id")/values_list queryset of persons to keep


_keep_reasons: list[KeepReason] = []
_discovered = False


def register_keep_reason(*, category: str, person_ids: Callable[[], QuerySet]) -> None:
    """Called by other apps' retention modules; the first registered reason that applies names the category."""
    if category not in RetentionCategory.values:
        raise ValueError(f"Okänd handlingstyp: {category}")
    if all(r.category != category for r in _keep_reasons):
        _keep_reasons.append(KeepReason(category, person_ids))


def keep_reasons() -> list[KeepReason]:
    global _discovered
    if not _discovered:
        autodiscover_modules("retention")  # placements/retention.py registers its reasons
        _discovered = True
    return list(_keep_reasons)


# --- the rule --------------------------------------------------------------------------------------------

def rules() -> dict[str, RetentionRule]:
    return {r.category: r for r in RetentionRule.objects.all()}


def cutoff_for(rule: RetentionRule, today: datetime.date) -> datetime.date:
    """A last entry before this day is past the rule's years on `today` (the anniversary itself is not)."""
    return today - relativedelta(years=rule.years_after_last_entry)


def deadline_for(last_entry: datetime.date, rule: RetentionRule) -> datetime.date:
    """The last day the gallring may be done: the end of the calendar year after the one it became due in."""
    due = last_entry + relativedelta(years=rule.years_after_last_entry) + datetime.timedelta(days=1)
    return datetime.date(due.year + 1, 12, 31)


@dataclass
class Plan:
    """What a run on `today` would do: person ids to remove, and the counts of everything kept."""

    today: datetime.date
    remove_person_ids: list[int] = field(default_factory=list)
    removable_cases: int = 0
    kept: dict[str, tuple[int, int]] = field(default_factory=dict)  # category → (personakter, ärenden)
    held_cases: int = 0
    whole_personakter: int = 0  # removed entirely; the others keep a held or faderskap/adoption case
    ongoing_personakter: int = 0  # past the rule's years but with an open case, utredning or insats
    access_log_rows: int = 0
    oldest_deadline: datetime.date | None = None

    def rows(self) -> list[dict]:
        """One row per category for the dry-run page: label, action, personakter, ärenden."""
        out = [{"category": RetentionCategory.PERSONAKT.label, "action": "Gallras",
                "personakter": self.whole_personakter, "cases": self.removable_cases}]
        for category, (persons, cases) in self.kept.items():
            out.append({"category": RetentionCategory(category).label, "action": "Behålls",
                        "personakter": persons, "cases": cases})
        out.append({"category": "Ärenden med bevarande (rättslig grund)", "action": "Behålls",
                    "personakter": None, "cases": self.held_cases})
        out.append({"category": ONGOING_LABEL, "action": "Behålls", "personakter": self.ongoing_personakter,
                    "cases": None})
        out.append({"category": RetentionCategory.ACCESS_LOG.label, "action": "Gallras",
                    "personakter": None, "cases": None, "rows": self.access_log_rows})
        return out


def retention_plan(*, today: datetime.date | None = None) -> Plan:
    """The dry run: what a run on `today` removes and keeps, per category, as counts. Reads only."""
    today = today or timezone.localdate()
    plan = Plan(today=today)
    by_category = rules()
    rule = by_category.get(RetentionCategory.PERSONAKT)
    if rule is not None and not rule.exempt:
        past = PersonaktActivity.objects.filter(ongoing=False, last_entry__lt=cutoff_for(rule, today))
        # Something still open with nothing registered for the rule's years: probably forgotten, worth a look.
        plan.ongoing_personakter = PersonaktActivity.objects.filter(
            ongoing=True, last_entry__lt=cutoff_for(rule, today)).count()
        candidates = set(past.values_list("person_id", flat=True))
        for reason in keep_reasons():
            kept = candidates & set(reason.person_ids())
            candidates -= kept
            plan.kept[reason.category] = (len(kept), Case.objects.filter(person_id__in=kept).count())
        cases = Case.objects.filter(person_id__in=candidates)
        marks = CaseRetention.objects.filter(case__in=cases)
        paternity = marks.filter(paternity_adoption=True)
        held = marks.filter(paternity_adoption=False).exclude(legal_hold_reason="")
        plan.kept[RetentionCategory.PATERNITY_ADOPTION] = (
            paternity.values("case__person_id").distinct().count(), paternity.count())
        plan.held_cases = held.count()
        plan.removable_cases = cases.count() - paternity.count() - plan.held_cases
        partly_kept = set(paternity.values_list("case__person_id", flat=True)) | set(
            held.values_list("case__person_id", flat=True))
        plan.whole_personakter = len(candidates - partly_kept)
        plan.remove_person_ids = sorted(candidates)
        oldest = past.filter(person_id__in=candidates).order_by("last_entry").values_list("last_entry",
                                                                                        flat=True).first()
        plan.oldest_deadline = deadline_for(oldest, rule) if oldest else None
    log_rule = by_category.get(RetentionCategory.ACCESS_LOG)
    if log_rule is not None and not log_rule.exempt:
        plan.access_log_rows = AccessEvent.objects.filter(at__date__lt=cutoff_for(log_rule, today)).count()
    return plan


# --- the run ---------------------------------------------------------------------------------------------

@dataclass
class RunResult:
    personakter: int = 0
    cases: int = 0
    rows: int = 0
    access_log_rows: int = 0

    @property
    def is_noop(self) -> bool:
        return not (self.personakter or self.cases or self.rows or self.access_log_rows)

    def describe(self) -> str:
        if self.is_noop:
            return NOTHING_DUE
        return (f"Gallrat: {self.personakter} personakter, {self.cases} ärenden, {self.rows} rader, "
                f"{self.access_log_rows} rader i åtkomstloggen.")


def retention_run(*, run_by: str, today: datetime.date | None = None) -> RunResult:
    """Removes what is due on `today`, in batches of persons, and records the counts per category.

    Idempotent: what was removed is gone, so a second run finds nothing and writes nothing. Safe to retry: each
    batch commits with its own record rows, so a run that fails halfway resumes where it stopped."""
    today = today or timezone.localdate()
    plan = retention_plan(today=today)
    result = RunResult()
    ids = plan.remove_person_ids
    for start in range(0, len(ids), BATCH_SIZE):
        batch = RunResult()
        with transaction.atomic(), connection.cursor() as cur:
            for person_id in ids[start:start + BATCH_SIZE]:
                cur.execute("SELECT * FROM socialtjanst_gallra_personakt(%s, %s)", [person_id, today])
                cases, rows, person_removed = cur.fetchone()
                batch.cases += cases
                batch.rows += rows
                batch.personakter += 1 if person_removed else 0
            if batch.cases or batch.rows:
                _record(run_by, RetentionCategory.PERSONAKT, batch.personakter, batch.cases, batch.rows)
        result.personakter += batch.personakter
        result.cases += batch.cases
        result.rows += batch.rows
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT socialtjanst_gallra_access_log(%s)", [today])
        result.access_log_rows = cur.fetchone()[0]
        if result.access_log_rows:
            _record(run_by, RetentionCategory.ACCESS_LOG, 0, 0, result.access_log_rows)
    logger.info("Gallring %s: %s personakter, %s ärenden, %s rader, %s loggrader", today, result.personakter,
                result.cases, result.rows, result.access_log_rows)
    return result


def _record(run_by: str, category: str, personakter: int, cases: int, rows: int) -> None:
    RetentionRecord.objects.create(run_at=timezone.now(), run_by=run_by, category=category,
                                   personakter=personakter, cases=cases, rows=rows)


# --- who may see the plan and set holds ------------------------------------------------------------------

def may_view_retention(user) -> bool:
    return user.is_authenticated and has_role(user, Role.SYSTEMFORVALTARE)


def may_hold(user) -> bool:
    return user.is_authenticated and (has_role(user, Role.SYSTEMFORVALTARE) or has_role(user, Role.ENHETSCHEF))


def holdable_cases_for_user(user) -> QuerySet[Case]:
    """Systemförvaltare: every case (by number, without content); enhetschef: the own units' cases."""
    if not may_hold(user):
        return Case.objects.none()
    if has_role(user, Role.SYSTEMFORVALTARE):
        return Case.objects.all()
    return cases_for_user(user)


def legal_holds() -> QuerySet[CaseRetention]:
    return CaseRetention.objects.exclude(legal_hold_reason="").select_related("legal_hold_by").order_by("case_id")


def paternity_adoption_cases() -> QuerySet[CaseRetention]:
    return CaseRetention.objects.filter(paternity_adoption=True).order_by("case_id")


def _case_for_hold(by, case_id: int) -> Case:
    if not may_hold(by):
        raise PermissionDenied(HOLD_NOT_ALLOWED)
    case = holdable_cases_for_user(by).filter(pk=case_id).first()
    if case is None:
        raise ValidationError(CASE_NOT_FOUND)
    return case


@transaction.atomic
def case_legal_hold_set(*, by, case_id: int, reason: str) -> CaseRetention:
    """Keeps the case from gallring until the hold is lifted; the reason goes to the access log too."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(HOLD_REASON_REQUIRED)
    if len(reason) > 400:
        raise ValidationError(HOLD_REASON_TOO_LONG)
    case = _case_for_hold(by, case_id)
    retention, _ = CaseRetention.objects.select_for_update().get_or_create(case=case)
    if retention.on_legal_hold:
        raise ValidationError(HOLD_ALREADY)
    retention.legal_hold_reason = reason
    retention.legal_hold_by = by
    retention.legal_hold_at = timezone.now()
    retention.save(update_fields=["legal_hold_reason", "legal_hold_by", "legal_hold_at"])
    _audit_hold(by, case, {"bevarande": "satt", "skäl": reason})
    return retention


@transaction.atomic
def case_legal_hold_release(*, by, case_id: int, reason: str) -> CaseRetention:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Ange skälet till att bevarandet hävs.")
    case = _case_for_hold(by, case_id)
    retention = CaseRetention.objects.select_for_update().filter(case=case).first()
    if retention is None or not retention.on_legal_hold:
        raise ValidationError(HOLD_NONE)
    retention.legal_hold_reason = ""
    retention.legal_hold_by = None
    retention.legal_hold_at = None
    retention.save(update_fields=["legal_hold_reason", "legal_hold_by", "legal_hold_at"])
    _audit_hold(by, case, {"bevarande": "hävt", "skäl": reason})
    return retention


@transaction.atomic
def case_paternity_adoption_mark(*, by, case_id: int) -> CaseRetention:
    """Marks a faderskap or adoption case, which is never gallrad (SoL 12 kap. 2 §)."""
    case = _case_for_hold(by, case_id)
    retention, _ = CaseRetention.objects.select_for_update().get_or_create(case=case)
    if retention.paternity_adoption:
        raise ValidationError(PATERNITY_ALREADY)
    retention.paternity_adoption = True
    retention.save(update_fields=["paternity_adoption"])
    _audit_hold(by, case, {"faderskap/adoption": "markerat"})
    return retention


@transaction.atomic
def case_paternity_adoption_unmark(*, by, case_id: int, reason: str) -> CaseRetention:
    """Takes a wrong mark away, with a reason; only a systemförvaltare may, since it lets the case be gallrad."""
    reason = (reason or "").strip()
    if not has_role(by, Role.SYSTEMFORVALTARE):
        raise PermissionDenied(PATERNITY_UNMARK_NOT_ALLOWED)
    if not reason:
        raise ValidationError(PATERNITY_UNMARK_REASON_REQUIRED)
    case = _case_for_hold(by, case_id)
    retention = CaseRetention.objects.select_for_update().filter(case=case, paternity_adoption=True).first()
    if retention is None:
        raise ValidationError(PATERNITY_NONE)
    retention.paternity_adoption = False
    retention.save(update_fields=["paternity_adoption"])
    _audit_hold(by, case, {"faderskap/adoption": "borttaget", "skäl": reason})
    return retention


def _audit_hold(by, case: Case, criteria: dict) -> None:
    audit_record(user=by, action=AccessAction.CHANGE, object_type="Bevarande", object_id=case.pk,
                 persons=[case.person], object_unit_ids=[case.unit_id], criteria=criteria)
