from django.shortcuts import render

from .. import access
from ..roles import Role


def home(request):
    """A start page per role: what each role works with first."""
    user = request.user
    roles = access.user_roles(user)
    context = {"roles": roles, "Role": Role}
    if roles & {Role.HANDLAGGARE, Role.ENHETSCHEF}:
        # Counts only, no case content: no access-log row needed for a number.
        context["my_open_cases"] = access.cases_for_user(user).filter(responsible=user, status="pagaende").count()
        context["unit_open_cases"] = access.cases_for_user(user).filter(status="pagaende").count()
    return render(request, "socialtjanst/home.html", context)
