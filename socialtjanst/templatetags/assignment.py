"""The case page's Fördelning section (socialtjanst.assignment): the history of responsible handläggare and,
for whoever may, the form to reassign or the Ta ärendet button. A tag of its own so the case page's view and
template need one line each, not a share in this feature."""

from django import template

from .. import assignment
from ..forms_assignment import AssignForm

register = template.Library()


@register.inclusion_tag("socialtjanst/assignment_section.html", takes_context=True)
def case_assignment(context, case):
    user = context["request"].user
    form = None
    if case.status == case.Status.OPEN and case.unit_id in assignment.assign_unit_ids(user):
        form = AssignForm(users=assignment.assignable_users([case.unit_id]), auto_id="id_omfordela_%s",
                          initial={"to_user": case.responsible_id})
    return {
        "case": case, "history": assignment.case_assignment_history(case), "assign_form": form,
        "can_take": assignment.may_take(user, case), "csrf_token": context.get("csrf_token"),
        "next": context["request"].get_full_path(),
    }
