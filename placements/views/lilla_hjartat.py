"""Lex lilla hjärtat screens (issue 16 point 4): the vårdnadsöverflyttning consideration and finishing the
follow-up after LVU care. Thin: parse the form, call placements.lilla_hjartat, audit the read like the placement
screens do."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .. import lilla_hjartat
from ..lilla_hjartat_forms import CustodyTransferForm, LvuFollowUpFinishForm
from ..models import LvuFollowUp
from .section_forms import changeable_placement, placement_form

CUSTODY_SAVED = "Övervägandet är registrerat och journalfört."
CUSTODY_SAVED_NEXT = "Övervägandet är registrerat och journalfört. Nästa övervägande senast {due}."
FOLLOWUP_SAVED = "Uppföljningen efter LVU-vården är avslutad."


def _post(request, pk, form_class, prefix, call):
    placement = changeable_placement(request, pk)

    def page(form):
        return render(request, "placements/lilla_hjartat_form.html", {"placement": placement, f"{prefix}_form": form})
    return placement_form(request, placement, form_class, prefix,
                          lambda p, d: (call(p, d), f"{p.get_absolute_url()}#lilla-hjartat"), page)


@require_http_methods(["GET", "POST"])
def custody_consideration_create(request, pk):
    def record(placement, d):
        _, due = lilla_hjartat.custody_transfer_consideration_record(
            by=request.user, placement=placement, considered_on=d["considered_on"], outcome=d["outcome"],
            motivation=d["motivation"])
        return CUSTODY_SAVED_NEXT.format(due=due.isoformat()) if due else CUSTODY_SAVED
    return _post(request, pk, CustodyTransferForm, "custody", record)


@require_http_methods(["GET", "POST"])
def lvu_followup_finish(request, pk):
    def finish(placement, d):
        followup = LvuFollowUp.objects.filter(placement=placement).first()
        if followup is None:
            raise ValidationError(lilla_hjartat.FOLLOWUP_NOT_FOUND, code="not_found")
        lilla_hjartat.lvu_followup_finish(by=request.user, followup=followup, finished_on=d["finished_on"],
                                          summary=d["summary"])
        return FOLLOWUP_SAVED
    return _post(request, pk, LvuFollowUpFinishForm, "lvu", finish)
