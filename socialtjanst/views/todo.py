"""Att göra: a handläggare's own items; an enhetschef's per unit and handläggare. The items and their
filters are socialtjanst.todo's; this view only parses the address and lays the list out."""

import django_filters
import django_filters.fields
from django.contrib.auth.models import User
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from .. import access
from ..audit import audit_persons
from ..models import AccessAction, Case, Unit
from ..roles import Role
from ..tables import TodoTable
from ..todo import DUE_WITHIN_DAYS, KINDS, OVERDUE, todo_filter, todo_items
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
    """The unit narrows the cases; the other fields narrow the items (socialtjanst.todo.todo_filter)."""

    unit = django_filters.ModelChoiceFilter(label="Enhet", queryset=Unit.objects.none())
    kind = django_filters.ChoiceFilter(label="Att göra", choices=[(k, k) for k in KINDS], method="keep",
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


def todo_list(request):
    user = request.user
    is_manager = access.has_role(user, Role.ENHETSCHEF)
    cases = access.cases_for_user(user).filter(status=Case.Status.OPEN)
    todo_filter_set = TodoFilter(request.GET, queryset=cases, request=request, is_manager=is_manager)
    data = todo_filter_set.form.cleaned_data if todo_filter_set.is_valid() else {}
    mine_only = not is_manager or request.GET.get("mine") == "1"
    responsible = user if mine_only else data.get("responsible")
    today = timezone.localdate()
    items = todo_items(todo_filter_set.qs, today=today, responsible=responsible)
    query = (data.get("q") or "").strip()
    names = {}
    if query:
        for item in items:
            ident = access.person_identity(user, item.case.person)
            names[item.case.pk] = f"{ident.name} {ident.id_number}"
    items = todo_filter(items, kind=data.get("kind") or "", due=data.get("due") or "", query=query, names=names)
    table = TodoTable(items, request=request)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    shown = [row.record.case for row in table.page.object_list]
    audit_persons(user=user, action=AccessAction.LIST, persons=[c.person for c in shown],
                  criteria={k: v for k, v in request.GET.items() if v and k != "page"}, object_type="Todo")
    return render(request, "socialtjanst/todo.html", {
        "table": table, "filter": todo_filter_set, "is_manager": is_manager, "mine_only": mine_only,
        "overdue": sum(1 for i in items if i.overdue), "total": len(items), "sort_description": sort_description(table),
    })
