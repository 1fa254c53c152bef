"""The placement page's section on vårdplan, genomförandeplan and the notification checklist
(placements.care_plans, placements.notifications), with their forms for whoever may change the placement. A tag
of its own so the placement page's template needs one line."""

from django import template
from django.utils import timezone

from socialtjanst import access

from .. import care_plans, selectors
from ..care_plan_forms import CarePlanForm, PlacementNotificationForm, notification_initial

register = template.Library()


@register.inclusion_tag("placements/care_plans_section.html", takes_context=True)
def placement_care_plans(context, placement, plan_form=None, notification_form=None, notification_id=None):
    user = context["request"].user
    today = timezone.localdate()
    applies = care_plans.plans_apply(placement)
    may_change = selectors.can_change_placement(user, placement)
    items = list(placement.notifications.select_related("answered_by").order_by("event_on", "event", "pk")
                 if applies else [])
    rows = []
    for item in items:
        form = notification_form if item.pk == notification_id and notification_form is not None else None
        rows.append((item, form or PlacementNotificationForm(prefix=f"n{item.pk}", initial=notification_initial(item))))
    return {
        "placement": placement, "applies": applies,
        "plans": care_plans.plan_statuses(placement, today) if applies else [],
        "notifications": rows, "today": today,
        # The answers and notes are case content (a "ja" for Pensionsmyndigheten says a parent has died): for those
        # who work with cases; the controller sees how many items are open.
        "show_checklist": access.works_with_cases(user),
        "open_count": sum(item.is_open for item in items),
        "can_change_plans": may_change and placement.end_on is None,
        "can_change_notifications": may_change,
        "plan_form": plan_form or CarePlanForm(prefix="plan"),
        "csrf_token": context.get("csrf_token"),
    }
