import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from common.html_text import escaped
from common.links import object_url
from common.tables import BaseTable, IsoDateColumn, swedish_number  # noqa: F401 - the lists below build on them

from . import access
from .accesslog_display import PERSONS_SHOWN, object_type_label, person_labels, persons_text
from .models import AccessEvent, Case, Person
from .users import user_full_name


class PersonTable(BaseTable):
    name = tables.Column(verbose_name="Namn", empty_values=(), orderable=False)
    id_number = tables.Column(verbose_name="Personnummer", orderable=False, empty_values=())
    gender = tables.Column(verbose_name="Kön")
    birth_date = IsoDateColumn(verbose_name="Född")

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "id_number", "gender", "birth_date")

    def render_name(self, record):
        ident = access.person_identity(self.request.user, record)
        return format_html('<a href="{}">{}</a>', object_url("socialtjanst:person_detail", record.pk), ident.name)

    def render_id_number(self, record):
        return access.person_identity(self.request.user, record).id_number


class CaseTable(BaseTable):
    pk = tables.Column(verbose_name="Ärende", linkify=True, localize=False)
    person = tables.Column(verbose_name="Person", empty_values=(), orderable=False)
    unit = tables.Column(verbose_name="Enhet")
    responsible = tables.Column(verbose_name="Ansvarig", empty_values=(), order_by=(
        "responsible__first_name", "responsible__last_name", "responsible__username"))
    opened_on = IsoDateColumn(verbose_name="Öppnat")
    status = tables.Column(verbose_name="Status")

    class Meta(BaseTable.Meta):
        model = Case
        fields = ("pk", "person", "unit", "responsible", "opened_on", "status")

    def render_person(self, record):
        return access.person_identity(self.request.user, record.person).name

    def render_responsible(self, record):
        return user_full_name(record.responsible) if record.responsible_id else "–"


class AccessEventTable(BaseTable):
    at = tables.DateTimeColumn(verbose_name="Tidpunkt", format="Y-m-d H:i:s")
    object_type = tables.Column(verbose_name="Objekttyp")
    object_id = tables.Column(verbose_name="Objekt-id", localize=False)  # an id, never "1 803"
    person_ids = tables.Column(verbose_name="Berörda personer", orderable=False)
    # Why: a case opened across units (socialtjanst.access) or a grant (socialtjanst.grants).
    reason = tables.Column(verbose_name="Skäl", accessor="criteria", orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = AccessEvent
        fields = (
            "at", "username", "roles", "action", "object_type", "object_id", "person_ids",
            "outside_own_units", "protected_person", "client_ip", "request_id",
        )
        sequence = (
            "at", "username", "roles", "action", "object_type", "object_id", "person_ids",
            "outside_own_units", "reason", "protected_person", "client_ip", "request_id",
        )
        per_page = 50

    def render_reason(self, value):
        reason = value.get("skäl", "") if isinstance(value, dict) else ""
        return reason or "–"

    def render_object_type(self, value):
        return object_type_label(value)

    def render_person_ids(self, value):
        # One query for the page's persons, on first use: the ids become names and personnummer.
        if self._person_labels is None:
            shown = [row.record for row in self.page.object_list] if hasattr(self, "page") else self.data
            self._person_labels = person_labels(self.request.user, (e.person_ids for e in shown))
        return persons_text(value, self._person_labels, limit=PERSONS_SHOWN) or "–"

    _person_labels = None


class TodoTable(BaseTable):
    due_on = IsoDateColumn(verbose_name="Senast")
    days_left = tables.Column(verbose_name="Dagar kvar", attrs={"td": {"class": "num"}})
    kind = tables.Column(verbose_name="Att göra")
    person = tables.Column(verbose_name="Person", empty_values=(), orderable=False)
    unit = tables.Column(verbose_name="Enhet", accessor="case__unit__name")
    # The same notion as the list's filter: who answers for the item (socialtjanst.todo).
    responsible = tables.Column(verbose_name="Ansvarig handläggare", accessor="responsible_name")

    class Meta(BaseTable.Meta):
        order_by = ("due_on",)
        row_attrs = {"class": lambda record: "overdue" if record.overdue else ""}

    def render_person(self, record):
        ident = access.person_identity(self.request.user, record.case.person)
        return format_html('<a href="{}">{}</a>', record.url, ident.name)

    def render_days_left(self, value, record):
        return f"{value} (försenad)" if record.overdue else value


def unassigned_rows_html(rows, *, can_assign: bool, can_take: bool, csrf_token: str) -> str:
    """Ofördelade ärenden's rows (templates/socialtjanst/todo.html), built in Python as common.tables.BaseTable's
    bodies are, the same markup: the template engine's work for fifty rows was about 3 ms of a handläggare's
    Att göra, and format_html's for each cell another 2. `rows` are (case, identity) pairs; `csrf_token` is the
    request's, one for every Ta ärendet form."""
    csrf_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(csrf_token)}">'
    html = []
    for case, identity in rows:
        number = escaped(case.pk)
        cells = []
        if can_assign:
            cells.append(f'<td><input type="checkbox" name="case" value="{number}" id="fordela-arende-{number}"'
                         f' aria-label="Välj ärende {number}"></td>')
        opened = case.opened_on.isoformat() if case.opened_on else ""
        cells.append(f'<td><a href="{escaped(object_url("socialtjanst:case_detail", case.pk))}">{number}</a></td>'
                     f"<td>{escaped(identity.name)}</td><td>{escaped(case.unit.name)}</td><td>{opened}</td>")
        if can_take:
            cells.append(f'<td><form method="post" action="{escaped(object_url("socialtjanst:case_take", case.pk))}"'
                         f' class="inline">{csrf_input}<button type="submit" aria-label="Ta ärendet, nummer {number}">'
                         "Ta ärendet</button></form></td>")
        html.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
