"""The journal pages of a case: read and search, the draft (autosaved by static/js/journal_autosave.js), signing.
The rules live in socialtjanst.journal; these views parse input and answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import access, journal
from ..forms_journal import JournalDraftForm

DRAFT_SAVED = "Utkastet är sparat."
DRAFT_DISCARDED = "Utkastet är borttaget."
SIGNED = "Anteckningen är signerad."
PAGE_OF_OTHER_USER = "Sidan öppnades av en annan användare. Ladda om sidan."


@require_GET
def journal_page(request, pk):
    case = access.case_get_for_user(request.user, pk)
    q = request.GET.get("q", "").strip()[:journal.SEARCH_MAX_LENGTH]
    entries = journal.journal_read(user=request.user, case=case, q=q)
    can_write = access.can_change_case(request.user, case)
    form = None
    draft = None
    if can_write:
        draft = journal.journal_draft_for(user=request.user, case=case)
        corrects = request.GET.get("korrigerar", "")
        form = JournalDraftForm(case=case, initial=JournalDraftForm.initial_from(draft, corrects=corrects))
    return render(request, "socialtjanst/journal.html", {
        "case": case, "identity": access.person_identity(request.user, case.person), "entries": entries, "q": q,
        "form": form, "draft": draft, "draft_token": journal.draft_token(user=request.user, case=case),
    })


def _draft_from_post(user, case, data):
    form = JournalDraftForm(data, case=case)
    form.is_valid()  # a draft keeps whatever parses; the rest waits, blank, for signing to ask for it
    cleaned = form.cleaned_data
    return journal.journal_draft_save(
        by=user, case=case, occurred_on=cleaned.get("occurred_on"), kind=cleaned.get("kind") or "",
        with_whom=data.get("with_whom", ""), text=data.get("text", ""),
        corrects_id=getattr(cleaned.get("corrects"), "pk", None), correction_reason=data.get("correction_reason", ""),
    )


@login_not_required
@require_POST
def journal_draft_save(request, pk):
    """Saves the draft. Reached without a session too (an autosave after the session expired): then the
    page's signed draft token names the user (socialtjanst.journal). Without a session or a valid token it
    answers like every page, with the log-in page."""
    token_user = journal.journal_draft_user_from_token(request.POST.get("draft_token", ""), case_id=pk)
    if request.user.is_authenticated:
        if token_user is not None and token_user.pk != request.user.pk:
            return HttpResponseForbidden(PAGE_OF_OTHER_USER)
        user = request.user
    elif token_user is not None:
        user = token_user
    else:
        return redirect(f"{reverse('login')}?next={reverse('socialtjanst:journal', args=[pk])}")
    case = journal.journal_case_for_writing(user=user, case_id=pk)
    draft = _draft_from_post(user, case, request.POST)
    if request.POST.get("autosave"):
        saved_at = draft.saved_at if draft is not None else timezone.now()
        return JsonResponse({"sparat": timezone.localtime(saved_at).strftime("%H:%M:%S")})
    messages.success(request, DRAFT_SAVED)
    return redirect("socialtjanst:journal", pk=case.pk)


@require_POST
def journal_sign(request, pk):
    """Saves what the form holds (so signing works without the script too), then signs it."""
    case = journal.journal_case_for_writing(user=request.user, case_id=pk)
    _draft_from_post(request.user, case, request.POST)
    try:
        journal.journal_draft_sign(by=request.user, case=case)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return redirect(f"{reverse('socialtjanst:journal', args=[case.pk])}#skriv")
    messages.success(request, SIGNED)
    return redirect("socialtjanst:journal", pk=case.pk)


@require_POST
def journal_draft_discard(request, pk):
    case = journal.journal_case_for_writing(user=request.user, case_id=pk)
    if journal.journal_draft_discard(by=request.user, case=case):
        messages.success(request, DRAFT_DISCARDED)
    return redirect("socialtjanst:journal", pk=case.pk)
