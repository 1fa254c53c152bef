"""The base table of every list and the Swedish number format (1 234,5) every page and report uses."""

import datetime

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.utils import formats
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import signature

from . import reporting, rounding
from .html_text import escaped
from .rounding import round_half_away


def swedish_number(value, places: int) -> str:
    """1 234 567 or 1 234,50: rounded half away from zero to `places` decimals (Django's number_format would cut
    the surplus off, showing 66,67 as 66,6), grouped with the Swedish thousands separator, decimal comma."""
    rounded = round_half_away(value, places)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


# ?per_page= comes from the address: a size outside 1 … MAX_PER_PAGE falls back to the table's own.
MAX_PER_PAGE = 500


class BaseTable(tables.Table):
    """Project base table: Swedish empty text, striped rows, 25 per page."""

    class Meta:
        attrs = {"class": "table"}
        empty_text = "Inga rader att visa."
        per_page = 25
        template_name = "common/table.html"

    @property
    def order_by(self):
        return tables.Table.order_by.fget(self)

    @order_by.setter
    def order_by(self, value):
        """The chosen column's order, then the primary key: a column of equal values (status, enhet, vårdform)
        has no order of its own, so without it PostgreSQL may order the ties differently for each page's LIMIT and
        OFFSET, and a row shows on two pages or on none. The key runs the way the column does, so one index on
        (column, id) serves both directions (read backward for a descending sort)."""
        tables.Table.order_by.fset(self, value)
        data = getattr(self.data, "data", None)
        if isinstance(data, QuerySet) and data.query.order_by and not _ends_unique(data):
            first = data.query.order_by[0]
            descending = isinstance(first, str) and first.startswith("-")
            self.data.data = data.order_by(*data.query.order_by, "-pk" if descending else "pk")

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        # A negative size made Django's paginator raise EmptyPage past django-tables2's own handling (a 500),
        # and a huge one would send every row of a list in one page.
        if per_page is not None and not 1 <= per_page <= MAX_PER_PAGE:
            per_page = None
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    def tbody_html(self):
        """The body's rows, as django-tables2's template writes them, built in Python (common/table.html): the
        template's work for each cell (its attributes, its localisation) was half the time of a 25-row list.
        A cell's attributes are worked out once per column, unless they are computed from the row, and so is how
        its value is read (_cell_getter). The HTML is written with f-strings around parts already escaped: Django's
        format_html for every cell and row was a fifth of a placement list's table."""
        columns = list(self.columns)
        rows = list(self.paginated_rows)
        if not rows:
            if not self.empty_text:
                return ""
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text)
        fixed_attrs = [None if _attrs_vary_by_row(self, column) else _attrs_part(_td_attrs(column))
                       for column in columns]
        getters = [_cell_getter(column, rows[0].record) for column in columns]
        html_rows = []
        for row in rows:
            cells = []
            for column, td_attrs, get_cell in zip(columns, fixed_attrs, getters, strict=True):
                cell = get_cell(row)
                if td_attrs is None:
                    # As BoundRow.items() does: computed attributes see the row's record and value.
                    column.current_value, column.current_record = cell, row.record
                    td_attrs = _attrs_part(_td_attrs(column))
                cells.append(f"<td{td_attrs}>{_cell_html(column, cell)}</td>")
            html_rows.append(f"<tr{_attrs_part(row.attrs.as_html())}>{''.join(cells)}</tr>")
        return mark_safe("".join(html_rows))  # noqa: S308 - every part above is escaped or already safe


def _cell_getter(column, sample):
    """A function giving row.get_cell(column.name) for a row. django_tables2's BoundRow works out for every cell
    how to read the value: the accessor parsed, the model's field looked up for a get_FOO_display(), a failed
    record[name] before getattr. For rows of one model or one plain class (a dataclass) that is the same for every
    row, so it is worked out here once, and the value read with getattr along the accessor's path. A dict row, a
    link or many-to-many column, and anything unexpected on the way (an empty link, a method) take the library's
    way."""
    render_signature = signature(column.render)

    def library_way(row):
        return row._get_and_render_with(column, render_func=_renderer(row, render_signature), default=column.default)

    path, record_type = str(column.accessor).split("__"), type(sample)
    if (not _plain(sample) or "." in str(column.accessor) or not all(path)
            or isinstance(column.column, (tables.ManyToManyColumn, BaseLinkColumn))):
        return library_way
    *through, last = path
    empty_values, default = column.column.empty_values, column.default
    # As the library decides it: a choice's label when the field the accessor names from the record's model (a
    # dataclass row has none) has choices and the value's own object is a model with get_FOO_display.
    field = tables.A(str(column.accessor)).get_field(sample)
    display = f"get_{last}_display" if getattr(field, "choices", ()) else None

    def get(row):
        current = row.record
        if type(current) is not record_type:
            return library_way(row)
        try:
            for bit in through:
                current = getattr(current, bit)
                if current is None or callable(current) or not _plain(current):
                    return library_way(row)
        except Exception:  # noqa: BLE001 - the library decides what a failed step shows
            return library_way(row)
        display_fn = getattr(current, display, None) if display and isinstance(current, models.Model) else None
        if display_fn:
            value = display_fn()
        else:
            try:
                value = getattr(current, last)
            except Exception:  # noqa: BLE001 - as the library's Accessor.resolve fails: no value
                value = None
            if callable(value):  # a method: the library calls it, or not (alters_data, do_not_call_in_templates)
                return library_way(row)
        return default if value in empty_values else _renderer(row, render_signature)(column, value)

    return get


def _plain(value) -> bool:
    """A model instance or an object read by attribute only: the library's record[name] would fail on it."""
    return isinstance(value, models.Model) or not hasattr(type(value), "__getitem__")


def _renderer(row, render_signature):
    """BoundRow._call_render, with the render method's signature looked up once per table rather than for every
    cell (django_tables2.utils.call_with_appropriate inspects it each time: a third of a table's time)."""
    args, catch_all = render_signature

    def render(bound_column, value=None):
        kwargs = row._optional_cell_arguments(bound_column, value)
        if catch_all:
            content = bound_column.render(**kwargs)
        elif any(arg not in kwargs for arg in args):
            content = None
        else:
            content = bound_column.render(**{key: kwargs[key] for key in args})
        return bound_column.link(content, **kwargs) if bound_column.link else content

    return render


def _attrs_vary_by_row(table, column) -> bool:
    attrs = {**table.attrs, **column.column.attrs}
    td = attrs.get("td", attrs.get("cell", {}))
    return any(callable(value) for value in td.values())


def _td_attrs(column) -> str:
    return column.attrs["td"].as_html()


def _attrs_part(attrs: str) -> str:
    """` class="num"` for a tag's attributes (already escaped by AttributeDict.as_html), nothing for none."""
    return f" {attrs}" if attrs else ""


def _cell_html(column, cell) -> str:
    """`{{ cell }}`, `{{ cell|localize }}` or `{{ cell|unlocalize }}` as the template wrote it."""
    if column.localize is None:
        value = formats.localize(template_localtime(cell))
    else:
        value = str(formats.localize(cell, use_l10n=bool(column.localize)))
    return escaped(value)


def _ends_unique(queryset: QuerySet) -> bool:
    """Whether the queryset's ordering already ends with its primary key, or a key cannot be added: a union, or
    grouped rows (values() with aggregates, where ordering by the key would split the groups)."""
    query = queryset.query
    if query.combinator or query.group_by is not None or query.values_select:
        return True
    last = query.order_by[-1]
    return isinstance(last, str) and last.lstrip("-") in ("pk", queryset.model._meta.pk.name)


class IsoDateColumn(tables.Column):
    """A date as 2024-08-31, as DateColumn(format="Y-m-d") shows it, but formatted in Python: DateColumn compiles
    a template for every cell (about 2 ms a cell, half the time of a 25-row list with two date columns)."""

    def render(self, value):
        # isoformat() is Y-m-d, without date_format's trip through the translation machinery (a fifth of a list's
        # table time).
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        return date_format(value, "Y-m-d")

    def value(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


def format_value(value, kind: str) -> str:
    """Swedish screen format: 1 234 567 kr, 1 234,5, 12,5 %, 2024-08-31."""
    if value is None or value == "":
        return ""
    if kind == reporting.KR:
        return swedish_number(value, 0)
    if kind == reporting.INT:
        return swedish_number(value, 0)
    if kind == reporting.DECIMAL:
        return swedish_number(value, 1)
    if kind == reporting.PERCENT:
        return swedish_number(rounding.as_percent(value), 1) + "\xa0%"
    if kind == reporting.DATE:
        return value.isoformat()
    return str(value)
