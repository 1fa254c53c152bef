"""Följa vården screens (issue 16 points 1 and 3). Thin: parse the form, call placements.care_followup, audit
reads the way the placement screens do."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from socialtjanst import access
from socialtjanst.models import AccessAction

from .. import care_followup, selectors
from ..care_forms import CareReviewForm, ChildContactForm
from .section_forms import audit_placements, changeable_placement, placement_form

REVIEW_SAVED = "Beslutet är registrerat och journalfört. Nästa övervägande/omprövning senast {due}."
CONTACT_SAVED = "Kontakten med barnet är registrerad."


def _post(request, pk, form_class, prefix, call, **form_kwargs):
    placement = changeable_placement(request, pk)
    form_kwargs = {k: v(placement) for k, v in form_kwargs.items()}

    def page(form):
        return render(request, "placements/care_followup_form.html", {"placement": placement, f"{prefix}_form": form})
    return placement_form(request, placement, form_class, prefix,
                          lambda p, d: (call(p, d), f"{p.get_absolute_url()}#folja-varden"), page, **form_kwargs)


@require_http_methods(["GET", "POST"])
def care_review_create(request, pk):
    def record(placement, d):
        _, due = care_followup.care_review_record(by=request.user, placement=placement, kind=d.get("kind", ""),
                                                  decided_on=d["decided_on"], outcome=d["outcome"], text=d["text"])
        return REVIEW_SAVED.format(due=due.isoformat())
    return _post(request, pk, CareReviewForm, "review", record,
                 ask_kind=lambda placement: care_followup.review_kind(placement) is None)


@require_http_methods(["GET", "POST"])
def child_contact_create(request, pk):
    def record(placement, d):
        care_followup.child_contact_record(by=request.user, placement=placement, contacted_on=d["contacted_on"],
                                           kind=d["kind"], spoken_alone=d["spoken_alone"], note=d["note"])
        return CONTACT_SAVED
    return _post(request, pk, ChildContactForm, "contact", record)


def followup_list(request):
    """Följa vården: the placed children of the user's units whose follow-up is behind. A controller sees the
    counts only."""
    if not selectors.can_view_placements(request.user):
        raise Http404("Sidan finns inte.")
    rows = care_followup.followup_rows(selectors.placements_for_user(request.user), timezone.localdate())
    counts = care_followup.followup_counts(rows)
    counts_only = selectors.is_placement_controller(request.user)
    if counts_only:
        audit_placements(request.user, AccessAction.LIST, [], criteria={"lista": "Följa vården", **counts})
        shown = []
    else:
        audit_placements(request.user, AccessAction.LIST, [r.placement for r in rows],
                          criteria={"lista": "Följa vården"})
        shown = [(r, *selectors.placement_identity(request.user, r.placement)) for r in rows]
    return render(request, "placements/followup_list.html", {
        "rows": shown, "counts": counts, "counts_only": counts_only,
        "contacts_per_year": care_followup.contacts_per_year(),
        "shows_stability": access.may_view_followup(request.user),
    })
