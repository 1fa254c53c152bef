"""Vårdplan, genomförandeplan and the notification checklist (issue 16 points 2 and 6). Thin: parse the form,
call placements.care_plans / placements.notifications, audit reads the way the placement screens do."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from socialtjanst.models import AccessAction

from .. import care_plans, notifications, selectors
from ..care_plan_forms import CarePlanForm, PlacementNotificationForm
from ..models import CarePlanKind
from .section_forms import audit_placements, changeable_placement, placement_form

SECTION = "#planer-och-underrattelser"
LIST_NAME = "Vårdplaner och underrättelser"


def _page(request, placement, **forms):
    return render(request, "placements/care_plans_form.html", {"placement": placement, **forms})


@require_http_methods(["GET", "POST"])
def care_plan_record(request, pk):
    placement = changeable_placement(request, pk)

    def save(p, d):
        care_plans.care_plan_record(by=request.user, placement=p, kind=d["kind"], established_on=d["established_on"],
                                    revised_on=d["revised_on"])
        return care_plans.PLAN_SAVED.format(kind=CarePlanKind(d["kind"]).label), f"{p.get_absolute_url()}{SECTION}"
    return placement_form(request, placement, CarePlanForm, "plan", save,
                          lambda form: _page(request, placement, plan_form=form))


def _item_id(request) -> int | None:
    """The checklist item a POST answers (each row's form carries it as `item`)."""
    try:
        item_id = int(request.POST.get("item", ""))
    except ValueError:
        return None
    return item_id if 0 < item_id < 2**63 else None  # past bigint would be a database error, not a 404


@require_http_methods(["GET", "POST"])
def notification_record(request, pk):
    """The answer on one item of the placement's checklist; a GET shows the checklist on a page of its own."""
    placement = changeable_placement(request, pk)
    if request.method == "GET":
        audit_placements(request.user, AccessAction.VIEW, [placement], object_id=placement.pk)
        return _page(request, placement)
    item_id = _item_id(request)
    item = placement.notifications.filter(pk=item_id).first() if item_id else None
    if item is None:
        raise Http404(notifications.NOT_FOUND)

    def save(p, d):
        _, message = notifications.placement_notification_record(
            by=request.user, placement=p, notification_id=item.pk, relevant=d["relevant"],
            notified_on=d["notified_on"], note=d["note"])
        return message, f"{p.get_absolute_url()}{SECTION}"
    return placement_form(request, placement, PlacementNotificationForm, f"n{item.pk}", save,
                          lambda form: _page(request, placement, notification_form=form, notification_id=item.pk))


def plan_control_list(request):
    """Vårdplaner och underrättelser: the placed children of the user's units with a plan or a notification
    past due. A controller sees the counts only."""
    if not selectors.can_view_placements(request.user):
        raise Http404("Sidan finns inte.")
    rows = care_plans.plan_control_rows(selectors.placements_for_user(request.user), timezone.localdate())
    counts = care_plans.plan_control_counts(rows)
    counts_only = selectors.is_placement_controller(request.user)
    if counts_only:
        audit_placements(request.user, AccessAction.LIST, [], criteria={"lista": LIST_NAME, **counts})
        shown = []
    else:
        audit_placements(request.user, AccessAction.LIST, [r.placement for r in rows], criteria={"lista": LIST_NAME})
        shown = [(r, *selectors.placement_identity(request.user, r.placement)) for r in rows]
    return render(request, "placements/care_plans_list.html", {"rows": shown, "counts": counts,
                                                               "counts_only": counts_only})
