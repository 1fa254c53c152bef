"""Att göra: a handläggare's own items; an enhetschef's per unit and handläggare. The items and their
filters are socialtjanst.todo's; this view only parses the address and lays the list out."""

import django_filters
import django_filters.fields
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig
from django_tables2.data import TableData

from common.params import page_param

from .. import access, assignment
from ..audit import audit_persons
from ..forms_assignment import AssignForm
from ..models import AccessAction, Case, Unit
from ..roles import Role
from ..tables import TodoTable, unassigned_rows_html
from ..todo import DUE_WITHIN_DAYS, OVERDUE, TodoQuery, kinds, todo_search
from ..users import user_full_name

RESPONSIBLE_LABEL = "Ansvarig handläggare"
RESPONSIBLE_HELP = "Den som svarar för punkten: utredningens ansvariga för en utredning, annars ärendets."
DUE_CHOICES = [(OVERDUE, "Försenade"), *((str(d), f"Inom {d} dagar") for d in DUE_WITHIN_DAYS)]
SORT_DEFAULT = "Försenade visas först."
SORT_BY = "Sorterat efter {column}, {direction}."


class ResponsibleChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return user_full_name(obj)


class ResponsibleFilter(django_filters.ModelChoiceFilter):
    field_class = ResponsibleChoiceField


class TodoFilter(django_filters.FilterSet):
    """The unit and the search narrow the cases; the other fields narrow the items (socialtjanst.todo.TodoQuery)."""

    unit = django_filters.ModelChoiceFilter(label="Enhet", queryset=Unit.objects.none())
    kind = django_filters.ChoiceFilter(label="Att göra", choices=lambda: [(k, k) for k in kinds()], method="keep",
                                       empty_label="Alla")
    due = django_filters.ChoiceFilter(label="Senast", choices=DUE_CHOICES, method="keep", empty_label="Alla")
    q = django_filters.CharFilter(label="Sök ärende eller person", method="keep",
                                  help_text="Ärendenummer, namn eller personnummer.")
    responsible = ResponsibleFilter(label=RESPONSIBLE_LABEL, help_text=RESPONSIBLE_HELP, queryset=User.objects.none(),
                                    method="keep", empty_label="Alla")

    class Meta:
        model = Case
        fields = ["unit"]

    def __init__(self, *args, is_manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        unit_ids = access.user_unit_ids(self.request.user)
        self.filters["unit"].queryset = Unit.objects.filter(pk__in=unit_ids)
        if is_manager:
            self.filters["responsible"].queryset = (
                User.objects.filter(unitmembership__unit_id__in=unit_ids).distinct().order_by(
                    "first_name", "last_name", "username"))
        else:
            del self.filters["responsible"]  # a handläggare's list is their own items

    def keep(self, queryset, name, value):
        return queryset


def sort_description(table) -> str:
    """The subtitle says how the list is actually sorted."""
    order = table.order_by[0] if table.order_by else "due_on"
    column = table.columns[order.lstrip("-")]
    if order == "due_on":
        return SORT_DEFAULT
    direction = "fallande" if order.startswith("-") else "stigande"
    return SORT_BY.format(column=column.verbose_name, direction=direction)


class TodoData(TableData):
    """The table's rows straight from the database: django-tables2 sorts and pages, socialtjanst.todo's
    statement does the work, so only the shown page's items are ever built. The page asked for and the totals come
    from one statement (TodoQuery.page), the first time either is needed, after the table has set its sort."""

    def __init__(self, query: TodoQuery, *, per_page: int, page: int):
        super().__init__([])
        self.query, self.order, self.per_page, self.page_asked = query, "due_on", per_page, page
        self._fetched: dict[tuple, list] = {}
        self._totals: tuple[int, int] | None = None

    def totals(self) -> tuple[int, int]:
        """(items, overdue items)."""
        if self._totals is None:
            offset = (self.page_asked - 1) * self.per_page
            found, total, overdue = self.query.page(order=self.order, offset=offset, limit=self.per_page)
            self._fetched[(self.order, offset, self.per_page)] = found
            self._totals = (total, overdue)
        return self._totals

    def __len__(self):
        return self.totals()[0]

    def __iter__(self):
        return iter(self.query.rows(order=self.order))

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop = key.start or 0, len(self) if key.stop is None else key.stop
            return self._rows(start, max(0, stop - start))
        return self._rows(key, 1)[0]

    def _rows(self, offset: int, limit: int) -> list:
        # django-tables2 slices the page more than once while it renders, and the paginator cuts the last page to
        # the rows there are: a slice within rows already fetched (or past their end) is served from them.
        for (order, start, length), found in self._fetched.items():
            if order == self.order and start <= offset and (offset + limit <= start + length or len(found) < length):
                return found[offset - start:offset - start + limit]
        found = self.query.rows(order=self.order, offset=offset, limit=limit)
        self._fetched[(self.order, offset, limit)] = found
        return found

    def order_by(self, aliases):
        self.order = aliases[0] if aliases else "due_on"


PER_PAGE = 25


def todo_list(request):
    user = request.user
    is_manager = access.has_role(user, Role.ENHETSCHEF)
    cases = access.cases_for_user(user).filter(status=Case.Status.OPEN)
    todo_filter_set = TodoFilter(request.GET, queryset=cases, request=request, is_manager=is_manager)
    data = todo_filter_set.form.cleaned_data if todo_filter_set.is_valid() else {}
    mine_only = not is_manager or request.GET.get("mine") == "1"
    responsible = user if mine_only else data.get("responsible")
    today = timezone.localdate()
    scoped = todo_filter_set.qs
    query = (data.get("q") or "").strip()
    if query:
        searchable = access.person_name_filter_allowed(user)
        scoped = todo_search(scoped, query, persons=searchable, name_searchable=searchable)
    todo_query = TodoQuery(scoped, today, responsible, kind=data.get("kind") or "", due=data.get("due") or "",
                           unit_ids=None if query else _scope_units(user, scoped, data.get("unit")))
    todo_data = TodoData(todo_query, per_page=PER_PAGE, page=page_param(request))
    table = TodoTable(todo_data, request=request)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    total, overdue = todo_data.totals()
    shown = [row.record.case for row in table.page.object_list]
    audit_persons(user=user, action=AccessAction.LIST, persons=[c.person for c in shown],
                  criteria={k: v for k, v in request.GET.items() if v and k != "page"}, object_type="Todo")
    return render(request, "socialtjanst/todo.html", {
        "table": table, "filter": todo_filter_set, "is_manager": is_manager, "mine_only": mine_only,
        "overdue": overdue, "total": total, "sort_description": sort_description(table),
        **_unassigned_context(request, data.get("unit")),
    })


def _scope_units(user, scoped, unit) -> list[int]:
    """The units whose open cases are the list's scope without a search: access.cases_for_user is every case of the
    user's units (or none), narrowed by the unit filter (none when the filter is invalid); the kept items are then
    read by unit."""
    if scoped.query.is_empty():
        return []
    return [unit.pk] if unit is not None else sorted(access.user_unit_ids(user))


UNASSIGNED_SHOWN = 50
UNASSIGNED_OBJECT_TYPE = "Unassigned"


def _unassigned_context(request, unit) -> dict:
    """Ofördelade (socialtjanst.assignment): the oldest open cases with no responsible handläggare in the
    units the user may assign in (with the fördelning form) or take cases in (with Ta ärendet)."""
    user = request.user
    can_assign, can_take = assignment.may_assign(user), assignment.may_take(user)
    if not (can_assign or can_take):
        return {}
    queue = assignment.unassigned_cases(user)
    if unit is not None:
        queue = queue.filter(unit=unit)
    total = queue.count()
    shown = assignment.oldest_cases(queue, UNASSIGNED_SHOWN) if total else []
    if shown:
        audit_persons(user=user, action=AccessAction.LIST, persons=[c.person for c in shown],
                      object_type=UNASSIGNED_OBJECT_TYPE)
    form = None
    if can_assign:
        units = assignment.assign_unit_ids(user)
        form = AssignForm(users=assignment.assignable_users(units), auto_id="id_fordela_%s")
    rows = [(c, access.person_identity(user, c.person)) for c in shown]
    can_take = can_take and not can_assign
    return {
        "unassigned": rows, "unassigned_rows": unassigned_rows_html(
            rows, can_assign=can_assign, can_take=can_take, csrf_token=get_token(request) if can_take else ""),
        "unassigned_total": total, "unassigned_shown": UNASSIGNED_SHOWN, "can_assign": can_assign,
        "can_take": can_take, "assign_form": form,
    }


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def case_assign(request):
    """Fördela: the chosen cases to one handläggare from a date. A user who may not assign gets the 404 of a
    case they cannot reach (logged as denied by the service)."""
    user = request.user
    units = assignment.assign_unit_ids(user)
    form = AssignForm(request.POST, users=assignment.assignable_users(units))
    back = _back(request, reverse("socialtjanst:todo"))
    if not assignment.may_assign(user):
        for pk in form.case_ids():
            access.note_denied_if_exists(Case, pk)
        raise Http404
    assignment.cases_for_assignment(user, form.case_ids())  # a case out of reach: 404 whatever else was posted
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    to_user = form.cleaned_data["to_user"]
    try:
        rows = assignment.cases_assign(by=user, case_ids=form.case_ids(), to_user_id=to_user.pk,
                                       on=form.cleaned_data["on"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    name = user_full_name(to_user)
    if len(rows) == 1:
        messages.success(request, assignment.ASSIGNED_ONE.format(case=rows[0].case_id, name=name))
    elif rows:
        messages.success(request, assignment.ASSIGNED.format(count=len(rows), name=name))
    else:
        messages.info(request, assignment.UNCHANGED.format(name=name, case=", ".join(map(str, form.case_ids()))))
    return redirect(back)


@require_POST
def case_take(request, pk):
    """Ta ärendet: a handläggare becomes responsible for an unassigned case of their unit."""
    try:
        row = assignment.case_take(by=request.user, case_id=pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_back(request, reverse("socialtjanst:todo")))
    messages.success(request, assignment.TAKEN.format(case=row.case_id))
    return redirect("socialtjanst:case_detail", pk=row.case_id)
