"""The lists' bodies and the forms are rendered by faster paths (issue 19: the list pages under load): a table's
rows in Python (common.tables.BaseTable.tbody_html), Django's form templates through Jinja2
(common.form_rendering.FastFormRenderer). Each must give the HTML the slower path gave: compared here with
django-tables2's own template and Django's own form renderer, whitespace aside."""

import datetime
import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import RequestFactory
from django.utils.html import format_html

from common.form_rendering import FastFormRenderer, _DjangoEscapingJinja2
from common.tables import BaseTable, IsoDateColumn

LIBRARY_TEMPLATE = "django_tables2/bootstrap5.html"


class _Table(BaseTable):
    name = tables.Column(verbose_name="Namn")
    amount = tables.Column(verbose_name="Belopp", attrs={"td": {"class": "num"}})
    ref = tables.Column(verbose_name="Referens", localize=False)
    share = tables.Column(verbose_name="Andel", localize=True)
    flagged = tables.Column(verbose_name="Flagga", attrs={"td": {"data-flag": lambda record: record["flag"]}})
    on = IsoDateColumn(verbose_name="Datum")
    at = tables.Column(verbose_name="Tid")
    link = tables.Column(verbose_name="Länk", empty_values=())

    class Meta(BaseTable.Meta):
        row_attrs = {"class": lambda record: "overdue" if record["flag"] == "ja" else ""}

    def render_link(self, record):
        return format_html('<a href="/x/{}/">{}</a>', record["ref"], record["name"])


def _rows():
    return [
        {"name": "Åsa <b>& Co</b>", "amount": Decimal("1234.50"), "ref": 18031, "share": 0.125, "flag": "ja",
         "flagged": "x", "on": datetime.date(2024, 8, 31),
         "at": datetime.datetime(2024, 8, 31, 22, 30, tzinfo=datetime.UTC)},
        {"name": 'Citat "x"', "amount": 7, "ref": 2, "share": Decimal("1.5"), "flag": "nej", "flagged": None,
         "on": None, "at": None},
    ]


def _tbody(html: str) -> str:
    body = html[html.index("<tbody"):html.index("</tbody>") + len("</tbody>")]
    body = re.sub(r"\s+", " ", body)
    body = re.sub(r"<(\w+) >", r"<\1>", body)
    return re.sub(r"\s*(<|>)\s*", r"\1", body)


def _render(data, template_name=None):
    request = RequestFactory().get("/")
    table = _Table(data, template_name=template_name) if template_name else _Table(data)
    return table.as_html(request)


def test_a_tables_body_is_the_html_django_tables2s_template_writes():
    ours, library = _render(_rows()), _render(_rows(), LIBRARY_TEMPLATE)
    assert _tbody(ours) == _tbody(library)
    # Not trivially equal: escaped text, both row classes, a computed attribute, localised and unlocalised numbers.
    assert "Åsa &lt;b&gt;&amp; Co&lt;/b&gt;" in ours
    assert 'class="overdue odd"' not in ours and 'class="overdue even"' in ours and 'class="odd"' in ours
    assert 'data-flag="ja"' in ours and 'data-flag="nej"' in ours
    assert ">18031<" in ours and ">2024-08-31<" in ours and '<a href="/x/18031/">' in ours


def test_an_empty_table_says_so_across_every_column():
    ours, library = _render([]), _render([], LIBRARY_TEMPLATE)
    assert _tbody(ours) == _tbody(library)
    assert '<td colspan="8">Inga rader att visa.</td>' in ours


def _not_a_quote(value):
    if "'" in value or '"' in value:
        raise forms.ValidationError("Varken 'enkla' eller \"dubbla\" citattecken & inga <taggar>.")


class _Form(forms.Form):
    choice = forms.ChoiceField(label="Val", choices=[("", "---------"), ("a", "Ett <a> & 'b'"), ("b", 'Två "c"')])
    quoted = forms.CharField(label="Citat 'x'", required=False, validators=[_not_a_quote],
                             help_text="Skriv \"inte\" 'så'.")
    many = forms.MultipleChoiceField(label="Flera", choices=[("x", "X"), ("y", "Y")],
                                     widget=forms.CheckboxSelectMultiple)
    text = forms.CharField(label="Text", widget=forms.Textarea, help_text="Högst 10 tecken.", max_length=10)
    day = forms.DateField(label="Dag", widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.BooleanField(label="Flagga", required=False)


@pytest.mark.parametrize("data", [None, {"choice": "b", "many": ["y"], "text": "x" * 11, "day": "nej",
                                          "quoted": "<a href='x'>\"&\"</a>"}])
def test_forms_render_as_djangos_own_renderer_renders_them(data):
    fast = _Form(data, renderer=FastFormRenderer())
    django = _Form(data, renderer=DjangoTemplates())

    def normal(html):
        return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html)))

    for render in ("as_p", "as_div", "as_table"):
        assert normal(getattr(fast, render)()) == normal(getattr(django, render)())
    if data:
        assert "Säkerställ" in fast.as_p() or "Ange" in fast.as_p()  # the Swedish errors are there
        # Quotes escaped as Django escapes them (&#x27;, not markupsafe's &#39;), in a message and in a value.
        assert "Varken &#x27;enkla&#x27; eller &quot;dubbla&quot; citattecken &amp; inga &lt;taggar&gt;." in fast.as_p()
        assert 'value="&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;"' in fast.as_p()


def test_the_project_renders_forms_fast_and_the_admins_widgets_still_render():
    assert isinstance(get_default_renderer(), FastFormRenderer)
    # The admin's widget templates exist only for Django's engine: found there, not a TemplateDoesNotExist.
    html = AdminDateWidget().render("day", datetime.date(2024, 8, 31), renderer=get_default_renderer())
    assert 'class="vDateField"' in html and 'value="2024-08-31"' in html


class _SelectForm(forms.Form):
    plain = forms.ChoiceField(label="Enkel", required=False,
                              choices=[("", "Alla"), ("a&b", "Ett <a> & 'b'"), ("2", 'Två "c"'), (3, "Tre")])
    grouped = forms.ChoiceField(label="Grupperad", choices=[
        ("", "---------"), ("Vårdform <1>", [("hvb", "HVB"), ("fh", "Familjehem")]), ("sis", "SiS")])
    many = forms.MultipleChoiceField(label="Flera", choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    chosen = forms.TypedChoiceField(label="Vald", coerce=int, choices=[(1, "Ett"), (2, "Två")],
                                    widget=forms.Select(attrs={"data-x": "a\"b", "disabled": True, "hidden": False,
                                                               "aria-describedby": "hjälp"}))


@pytest.mark.parametrize("data", [None, {"plain": "a&b", "grouped": "fh", "many": ["x", "z"], "chosen": "2"},
                                  {"plain": "finns inte", "grouped": "", "many": ["q"]}])
def test_a_select_is_the_html_the_jinja2_templates_write(data):
    """The <select> written in Python (common.form_rendering._SelectTemplate) against the Jinja2 templates it
    replaces, to the character: escaping, optgroups, the chosen options, bare and left-out attributes."""
    fast = FastFormRenderer()
    jinja = _DjangoEscapingJinja2()
    form = _SelectForm(data, renderer=fast)
    for name in ("plain", "grouped", "many", "chosen"):
        widget = form[name]
        context = widget.field.widget.get_context(widget.html_name, widget.value(), widget.build_widget_attrs(
            {"id": widget.auto_id}))
        ours = fast.render("django/forms/widgets/select.html", context)
        theirs = jinja.get_template("django/forms/widgets/select.html").render(context).strip()
        assert ours == theirs, name
    html = form.as_p()
    assert '<optgroup label="Vårdform &lt;1&gt;">' in html
    assert 'data-x="a&quot;b" disabled aria-describedby="hjälp"' in html and "hidden" not in html
    if data and data["grouped"] == "fh":
        assert '<option value="fh" selected>Familjehem</option>' in html
        assert '<option value="x" selected>X</option>' in html and '<option value="y">Y</option>' in html


def test_select_forms_render_as_djangos_own_renderer_renders_them():
    data = {"plain": "2", "grouped": "hvb", "many": ["y"], "chosen": "1"}

    def normal(html):
        return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html)))

    for bound in (None, data):
        assert normal(_SelectForm(bound, renderer=FastFormRenderer()).as_p()) == normal(
            _SelectForm(bound, renderer=DjangoTemplates()).as_p())


def _count_library_cells(monkeypatch) -> list[str]:
    """The names of the columns whose cells are read the library's way (BoundRow._get_and_render_with) from now on."""
    from django_tables2.rows import BoundRow

    names = []
    original = BoundRow._get_and_render_with
    monkeypatch.setattr(BoundRow, "_get_and_render_with",
                        lambda row, column, **kw: names.append(column.name) or original(row, column, **kw))
    return names


def test_a_model_tables_body_is_the_html_django_tables2s_template_writes(monkeypatch):
    """Rows of model instances take the per-column way of reading a cell (common.tables._cell_getter): a choice's
    display text (also at the end of a path), a foreign key's text, an empty foreign key's default, a computed
    column, a path through a foreign key, a name that is no field, against django-tables2's own template."""
    from socialtjanst.models import Case, Person, Unit

    class CaseTable(BaseTable):
        pk = tables.Column(verbose_name="Ärende")
        status = tables.Column(verbose_name="Status")
        unit = tables.Column(verbose_name="Enhet")
        responsible = tables.Column(verbose_name="Ansvarig", default="ingen")
        opened_on = IsoDateColumn(verbose_name="Öppnat")
        closed_on = IsoDateColumn(verbose_name="Avslutat", default="pågår")
        unit_code = tables.Column(verbose_name="Kod", accessor="unit__code")
        unit_group = tables.Column(verbose_name="Målgrupp", accessor="unit__target_group")
        missing = tables.Column(verbose_name="Saknas", accessor="finns_inte")
        person = tables.Column(verbose_name="Person", empty_values=(), orderable=False)
        cross_unit_reason = tables.Column(verbose_name="Skäl")

        class Meta(BaseTable.Meta):
            pass

        def render_person(self, record):
            return format_html("<em>{}</em>", record.person.first_name)

    unit = Unit(pk=3, code="MOTT <B>", name="Mottagning & barn", target_group="barn_unga")
    rows = [
        Case(pk=18031, unit=unit, person=Person(pk=1, first_name="Åsa <b>"), opened_on=datetime.date(2024, 8, 31),
             status=Case.Status.OPEN, cross_unit_reason='"Känd" i annan enhet'),
        Case(pk=2, unit=unit, person=Person(pk=2, first_name="Bo"), opened_on=datetime.date(2024, 1, 2),
             closed_on=datetime.date(2024, 3, 1), status=Case.Status.CLOSED, cross_unit_reason=""),
    ]
    request = RequestFactory().get("/")
    library = CaseTable(rows, template_name=LIBRARY_TEMPLATE).as_html(request)
    library_cells = _count_library_cells(monkeypatch)
    ours = CaseTable(rows).as_html(request)
    assert library_cells == []  # every cell read along its path, none the library's way
    assert _tbody(ours) == _tbody(library)
    assert ">Pågående<" in ours or ">pågående<" in ours.lower()
    assert ">Mottagning &amp; barn<" in ours and ">MOTT &lt;B&gt;<" in ours and ">ingen<" in ours
    assert "<em>Åsa &lt;b&gt;</em>" in ours and ">pågår<" in ours and ">2024-03-01<" in ours
    assert "&quot;Känd&quot; i annan enhet" in ours
    assert f">{unit.get_target_group_display()}<" in ours and ">barn_unga<" not in ours


def test_a_dataclass_tables_body_is_the_html_django_tables2s_template_writes(monkeypatch):
    """Rows of a plain class (Att göra's items are dataclasses) read by attribute along the path, except where a
    step is empty or a method: those cells take the library's way, and the HTML is the library's."""
    import dataclasses

    from socialtjanst.models import Case, Unit

    @dataclasses.dataclass
    class Item:
        kind: str
        case: object
        note: object = None

        def shout(self):
            return self.kind.upper()

    class ItemTable(BaseTable):
        kind = tables.Column(verbose_name="Att göra")
        unit = tables.Column(verbose_name="Enhet", accessor="case__unit__name")
        status = tables.Column(verbose_name="Status", accessor="case__status")
        note = tables.Column(verbose_name="Anteckning", default="–")
        shout = tables.Column(verbose_name="Rop")

        class Meta(BaseTable.Meta):
            row_attrs = {"class": lambda record: "overdue" if record.note else ""}

    unit = Unit(pk=3, code="M", name="Mottagning <barn>", target_group="barn_unga")
    rows = [Item("Förhandsbedömning", Case(pk=1, unit=unit, status=Case.Status.OPEN), note="sen"),
            Item("Utredning", None)]
    request = RequestFactory().get("/")
    library = ItemTable(rows, template_name=LIBRARY_TEMPLATE).as_html(request)
    library_cells = _count_library_cells(monkeypatch)
    ours = ItemTable(rows).as_html(request)
    assert _tbody(ours) == _tbody(library)
    assert ">Mottagning &lt;barn&gt;<" in ours and ">FÖRHANDSBEDÖMNING<" in ours and 'class="overdue even"' in ours
    # The method column both rows, the paths through the second row's empty case.
    assert sorted(library_cells) == ["shout", "shout", "status", "unit"]
