"""The journal of a case (issue 15 point 2, SOSFS 2014:5): reads, drafts and signing.

- Who: anyone who may see the case reads and searches its journal (access.case_get_for_user); anyone who may
  change the case writes in it (access.can_change_case). Everyone else gets "not found", and an attempt on an
  existing case outside the user's units is logged as denied.
- Signed entries are never changed or removed (the trigger of migration 0016); a correction is a new entry
  naming the one it corrects and why, and the original stays readable beside it.
- A draft is one per user and case, saved on the server as it is typed (static/js/journal_autosave.js). It must
  survive a closed browser (saved on every pause and on leaving the page) and an expired session: the page
  carries a signed draft token naming the user and the case, valid a little longer than a session can live
  (DRAFT_TOKEN_MAX_AGE), and a save after the session ended is stored for the token's user if that user
  may still write in the case. Nothing is kept in the browser, so nothing is left on a shared computer.
- Protected identity: the entries are case content, shown to whoever may see the case, like the intakes'
  texts; the person's name and number on the journal pages are masked like everywhere (access.person_identity).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from common.date_window import in_window
from common.errors import NotFound

from . import access
from .audit import CROSS_UNIT_REASON_KEY, audit_case, audit_record
from .models import AccessAction, Case, JournalDraft, JournalEntry, JournalKind

DRAFT_MISSING = "Det finns inget utkast att signera."
DATE_REQUIRED = "Ange datum för anteckningen."
DATE_IN_FUTURE = "Datumet får inte ligga efter dagens datum."
DATE_BEFORE_CASE = "Datumet får inte ligga före ärendets öppnande."
KIND_REQUIRED = "Ange typ av anteckning."
TEXT_REQUIRED = "Skriv anteckningen innan du signerar."
REASON_REQUIRED = "Ange skälet till korrigeringen."
CASE_NOT_FOUND = "Ärendet finns inte."
WITH_WHOM_MAX_LENGTH = 200
DRAFT_SIGNING_SALT = "socialtjanst.journal.draft"
SEARCH_MAX_LENGTH = 200
# A page left open a whole working day and the evening after still saves its draft.
DRAFT_TOKEN_MAX_AGE = settings.SESSION_ABSOLUTE_SECONDS + 12 * 3600


# --- reads --------------------------------------------------------------------------------------------------

def journal_entries(case: Case, *, q: str = "") -> QuerySet[JournalEntry]:
    """The case's signed entries, newest first (by the day they are about, then by signing). `q` narrows to
    entries whose text or "with whom" contains every word typed, case-insensitively."""
    qs = (JournalEntry.objects.filter(case=case)
          .select_related("author", "corrects__author").prefetch_related("corrections")
          .order_by("-occurred_on", "-signed_at", "-pk"))
    for word in (q or "")[:SEARCH_MAX_LENGTH].split():
        qs = qs.filter(Q(text__icontains=word) | Q(with_whom__icontains=word))
    return qs


def journal_read(*, user, case: Case, q: str = "") -> list[JournalEntry]:
    """The entries a user reads on the journal page, logged like every case view: a search as `search` with
    the words searched for, otherwise `view`."""
    q = (q or "").strip()[:SEARCH_MAX_LENGTH]
    reason = case.cross_unit_reason
    criteria = {**({"sökord": q} if q else {}), **({CROSS_UNIT_REASON_KEY: reason} if reason else {})}
    audit_record(user=user, action=AccessAction.SEARCH if q else AccessAction.VIEW, object_type="Journal",
                 object_id=case.pk, persons=[case.person], object_unit_ids=[case.unit_id], criteria=criteria,
                 outside_own_units=True if reason else None)
    return list(journal_entries(case, q=q))


def journal_draft_for(*, user, case: Case) -> JournalDraft | None:
    return JournalDraft.objects.filter(case=case, author=user).select_related("corrects").first()


def journal_case_for_writing(*, user, case_id) -> Case:
    """The case, if the user may write in its journal; else NotFound (logged as denied when it exists outside
    the user's units)."""
    case = access.case_get_for_user(user, case_id)
    if not access.can_change_case(user, case):
        raise NotFound(CASE_NOT_FOUND)
    return case


# --- drafts ---------------------------------------------------------------------------------------------------

def draft_token(*, user, case: Case) -> str:
    """What the journal page carries so that a save after the session has ended still reaches the right
    draft (journal_draft_user_from_token)."""
    return signing.dumps({"user": user.pk, "case": case.pk}, salt=DRAFT_SIGNING_SALT)


def journal_draft_user_from_token(token: str, *, case_id: int):
    """The user a draft token was issued to, if it is genuine, for this case, not older than
    DRAFT_TOKEN_MAX_AGE, and the user is still active; else None."""
    try:
        data = signing.loads(token or "", salt=DRAFT_SIGNING_SALT, max_age=DRAFT_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("case") != case_id:
        return None
    return get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()


def _clean_date(value) -> datetime.date | None:
    """A draft keeps only a date the database can hold; anything else waits, blank, for the user to fix."""
    if isinstance(value, datetime.date) and in_window(value):
        return value
    return None


@transaction.atomic
def journal_draft_save(*, by, case: Case, occurred_on: datetime.date | None, kind: str, with_whom: str,
                       text: str, corrects_id: int | None = None,
                       correction_reason: str = "") -> JournalDraft | None:
    """Store the user's draft in the case as it stands (any field may still be empty). An upsert on the
    one-per-user-and-case key, so a save from the page's timer and one sent as the page closes never make
    two drafts. A named entry outside this case is dropped, never stored. A form with nothing in it at all is
    no draft: it removes the user's draft, if any, and returns None."""
    if not access.can_change_case(by, case):
        raise NotFound(CASE_NOT_FOUND)
    corrects = None
    if corrects_id:
        corrects = JournalEntry.objects.filter(case=case, pk=corrects_id).first()
    fields = {
        "occurred_on": _clean_date(occurred_on),
        "kind": kind if kind in JournalKind.values else "",
        "with_whom": (with_whom or "")[:WITH_WHOM_MAX_LENGTH],
        "text": text or "",
        "corrects": corrects,
        "correction_reason": (correction_reason or "") if corrects else "",
        "saved_at": timezone.now(),
    }
    if not any(v for k, v in fields.items() if k != "saved_at"):
        JournalDraft.objects.filter(case=case, author=by).delete()
        return None
    JournalDraft.objects.bulk_create(
        [JournalDraft(case=case, author=by, created_at=timezone.now(), **fields)],
        update_conflicts=True, unique_fields=["case", "author"], update_fields=list(fields),
    )
    return JournalDraft.objects.get(case=case, author=by)


@transaction.atomic
def journal_draft_discard(*, by, case: Case) -> bool:
    return JournalDraft.objects.filter(case=case, author=by).delete()[0] > 0


def _sign_errors(draft: JournalDraft, case: Case, today: datetime.date) -> list[str]:
    errors = []
    if draft.occurred_on is None:
        errors.append(DATE_REQUIRED)
    elif draft.occurred_on > today:
        errors.append(DATE_IN_FUTURE)
    elif draft.occurred_on < case.opened_on:
        errors.append(DATE_BEFORE_CASE)
    if not draft.kind:
        errors.append(KIND_REQUIRED)
    if not draft.text.strip():
        errors.append(TEXT_REQUIRED)
    if draft.corrects_id and not draft.correction_reason.strip():
        errors.append(REASON_REQUIRED)
    return errors


@transaction.atomic
def journal_draft_sign(*, by, case: Case) -> JournalEntry:
    """Turn the user's draft into a signed entry and remove the draft, in one transaction with its access-log
    row. A second click finds no draft (the row is locked, then gone) and is told so; nothing is signed twice."""
    if not access.can_change_case(by, case):
        raise NotFound(CASE_NOT_FOUND)
    draft = JournalDraft.objects.select_for_update().filter(case=case, author=by).first()
    if draft is None:
        raise ValidationError(DRAFT_MISSING, code="no_draft")
    errors = _sign_errors(draft, case, timezone.localdate())
    if errors:
        raise ValidationError(errors, code="incomplete")
    entry = journal_entry_record(
        by=by, case=case, occurred_on=draft.occurred_on, kind=draft.kind, with_whom=draft.with_whom,
        text=draft.text, written_at=draft.created_at, corrects_id=draft.corrects_id,
        correction_reason=draft.correction_reason,
    )
    draft.delete()
    return entry


def journal_entry_record(*, by, case: Case, occurred_on: datetime.date, kind: str, text: str, with_whom: str = "",
                         written_at: datetime.datetime | None = None, corrects_id: int | None = None,
                         correction_reason: str = "") -> JournalEntry:
    """The one way a signed entry is written, with its access-log row: by signing a draft, or by a decision
    recorded elsewhere (placements' Följa vården). The caller has checked that `by` may change the case."""
    now = timezone.now()
    entry = JournalEntry.objects.create(
        case=case, occurred_on=occurred_on, kind=kind, with_whom=with_whom.strip(), text=text.strip(), author=by,
        created_at=min(written_at, now) if written_at else now, signed_at=now, corrects_id=corrects_id,
        correction_reason=correction_reason.strip() if corrects_id else "",
    )
    audit_case(user=by, action=AccessAction.CREATE, case=case, object_type="JournalEntry", object_id=entry.pk)
    return entry
