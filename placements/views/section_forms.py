"""The one shape of a placement's small forms (move, end, Följa vården, plans, Lex lilla hjärtat): who may use
them, and what a GET, a valid POST and a refused POST do. Each screen module says only which form, which service
and where to go after.

- Only a user who may change the placement reaches the form; anyone else gets 404 (selectors decide).
- A valid POST calls the service; a Swedish ValidationError from it is shown on the form and nothing is saved.
- Every showing of the form page is a read of the placement and is written to the access log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect

from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from .. import selectors
from ..models import Placement

NOT_FOUND = "Placeringen finns inte."


def changeable_placement(request, pk) -> Placement:
    placement = selectors.placement_get_for_user(request.user, pk)
    if not selectors.can_change_placement(request.user, placement):
        raise Http404(NOT_FOUND)
    return placement


def audit_placements(user, action: str, placements, criteria=None, object_id=None) -> None:
    """A read or change of placements in the access log, with the persons and units they concern."""
    audit_record(user=user, action=action, object_type="Placement", object_id=object_id, criteria=criteria,
                 persons=[p.person for p in placements], object_unit_ids=[p.unit_id for p in placements])


def placement_form(request, placement: Placement, form_class, prefix: str, call, page, **form_kwargs):
    """`call(placement, cleaned_data)` runs the service and returns (message, url to go to); `page(form)` renders
    the form page (GET, or a POST that was refused)."""
    form = form_class(request.POST if request.method == "POST" else None, prefix=prefix, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            message, url = call(placement, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, message)
            return redirect(url)
    audit_placements(request.user, AccessAction.VIEW, [placement], object_id=placement.pk)
    return page(form)
