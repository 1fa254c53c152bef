from django.shortcuts import render
from django.utils import timezone

from .. import access
from ..followup.report_defs_workload import may_view_workload
from ..roles import Role
from ..workload import workload_for_user


def home(request):
    """A start page per role: what each role works with first."""
    user = request.user
    roles = access.user_roles(user)
    context = {"roles": roles, "Role": Role}
    if roles & {Role.HANDLAGGARE, Role.ENHETSCHEF}:
        # Counts only, no case content: no access-log row needed for a number.
        context["my_open_cases"] = access.cases_for_user(user).filter(responsible=user, status="pagaende").count()
        context["unit_open_cases"] = access.cases_for_user(user).filter(status="pagaende").count()
    if Role.ENHETSCHEF in roles and may_view_workload(user):
        # Arbetsbelastning (socialtjanst.workload): counts per handläggare, no case content.
        context["workload"] = workload_for_user(user, today=timezone.localdate())
    return render(request, "socialtjanst/home.html", context)
