"""The SQL twins of socialtjanst/deadlines.py: the same due dates computed by PostgreSQL, for reports and lists
that count, sort and page by due date in the database (the deadline report and Att göra, issue 19 point 2).

Each template names the Python rule it copies and nothing else; tests/socialtjanst/test_deadlines_sql.py checks
every twin against its Python rule on the deadline vectors (month ends, leap days, extensions, synnerliga skäl)
and on random dates (hypothesis), as placements/days.py's twin is checked. A rule changes in both places or in
neither.

PostgreSQL's `date + interval 'n months'` clamps the day to the end of the target month exactly as
dateutil's relativedelta does (2024-10-31 + 4 months = 2025-02-28), so the calendar-month rules are one line.
Placeholders take column SQL or `%(name)s` parameters, never user text.
"""

import re

from django.db.models import DateField, Expression, F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce

from . import deadlines

# --- the templates ------------------------------------------------------------------------------------

SAFETY_ASSESSMENT_DUE_SQL = "({received_on})"  # deadlines.safety_assessment_due
SCREENING_INITIAL_DUE_SQL = f"({{received_on}} + {deadlines.SCREENING_DAYS})"  # deadlines.screening_initial_due
ADD_CALENDAR_MONTHS_SQL = "(({day} + interval '{months} months')::date)"  # deadlines.add_calendar_months
EXTENSION_IS_LATE_SQL = "(({decided_on}) > ({extends_due_on}))"  # deadlines.extension_is_late

# deadlines.screening_due: the later date only with synnerliga skäl decided (a NULL decision date is late)
# within the 14 days.
SCREENING_DUE_SQL = (
    "(CASE WHEN ({extended_due_on}) IS NOT NULL AND ({extension_decided_on}) IS NOT NULL AND NOT "
    + EXTENSION_IS_LATE_SQL.format(decided_on="{extension_decided_on}", extends_due_on=SCREENING_INITIAL_DUE_SQL)
    + " THEN ({extended_due_on}) ELSE " + SCREENING_INITIAL_DUE_SQL + " END)"
)

# deadlines.investigation_valid_due: four calendar months, moved by each förlängningsbeslut in decision order
# until the first one decided after the due date it extends (that one and every later one count for nothing).
# Each extension extends the previous one's new date (lag), the first one the initial due date. The walk is
# partitioned by investigation, so it walks one investigation's extensions (INVESTIGATION_VALID_DUE_SQL, a
# correlated sub-select) or many investigations' at once (INVESTIGATION_VALID_DUES_SQL, a grouped select): one rule
# in two shapes, both built from the same two fragments.
_EXTENSION_WALK_SQL = (
    "SELECT ext_v.*, bool_or(ext_v.late) OVER (PARTITION BY ext_v.investigation_id"
    " ORDER BY ext_v.decided_on, ext_v.new_due_on ROWS UNBOUNDED PRECEDING) AS broken"
    " FROM (SELECT ext_e.investigation_id, ext_e.decided_on, ext_e.new_due_on{carry}, "
    + EXTENSION_IS_LATE_SQL.format(
        decided_on="ext_e.decided_on",
        extends_due_on="COALESCE(lag(ext_e.new_due_on) OVER (PARTITION BY ext_e.investigation_id"
                       " ORDER BY ext_e.decided_on, ext_e.new_due_on), {initial})")
    + " AS late FROM {extensions} ext_e{where}) ext_v"
)
# The new due date of the last extension before the first late one (NULL: none counts).
_LAST_VALID_SQL = ("(array_agg(ext_w.new_due_on ORDER BY ext_w.decided_on DESC, ext_w.new_due_on DESC)"
                   " FILTER (WHERE NOT ext_w.broken))[1]")
INVESTIGATION_VALID_DUE_SQL = (
    "COALESCE((SELECT " + _LAST_VALID_SQL + " FROM ("
    + _EXTENSION_WALK_SQL.replace("{carry}", "").replace("{where}", " WHERE ext_e.investigation_id = {investigation}")
    + ") ext_w), {initial})"
)
INVESTIGATION_VALID_DUES_SQL = (
    "SELECT ext_w.investigation_id, COALESCE(" + _LAST_VALID_SQL + ", {initial_w}) AS valid_due FROM ("
    + _EXTENSION_WALK_SQL.replace("{carry}", ", ext_e.started_on").replace("{where}", "")
    + ") ext_w GROUP BY ext_w.investigation_id, ext_w.started_on"
)
# (The aliases are ext_*, and `investigation` must be a qualified column: a bare `id` would be the extension's.)

# deadlines.is_met / days_late, for an item done on `done` (maybe NULL) and due on `due`, as of `today`.
JUDGED_SQL = "(({done}) IS NOT NULL OR ({today}) > ({due}))"  # is_met(...) is not None
MET_SQL = "(({done}) IS NOT NULL AND ({done}) <= ({due}))"  # is_met(...) is True
MISSED_SQL = "(CASE WHEN ({done}) IS NOT NULL THEN ({done}) > ({due}) ELSE ({today}) > ({due}) END)"  # is False
DAYS_LATE_SQL = "GREATEST(0, COALESCE({done}, {today}) - ({due}))"  # deadlines.days_late


def add_calendar_months_sql(day: str, months: int) -> str:
    return ADD_CALENDAR_MONTHS_SQL.format(day=day, months=int(months))


def safety_assessment_due_sql(received_on: str) -> str:
    return SAFETY_ASSESSMENT_DUE_SQL.format(received_on=received_on)


def screening_initial_due_sql(received_on: str) -> str:
    return SCREENING_INITIAL_DUE_SQL.format(received_on=received_on)


def screening_due_sql(received_on: str, extended_due_on: str, extension_decided_on: str) -> str:
    return SCREENING_DUE_SQL.format(received_on=received_on, extended_due_on=extended_due_on,
                                    extension_decided_on=extension_decided_on)


def investigation_initial_due_sql(started_on: str) -> str:  # deadlines.investigation_initial_due
    return add_calendar_months_sql(started_on, deadlines.INVESTIGATION_MONTHS)


EXTENSIONS_TABLE = "socialtjanst_investigationextension"


def investigation_valid_due_sql(started_on: str, investigation: str, extensions: str = EXTENSIONS_TABLE) -> str:
    """`investigation` is the investigation's id column; its extensions (a relation with investigation_id,
    decided_on, new_due_on: the table, or a VALUES list in the tests) are read by a correlated sub-select."""
    return INVESTIGATION_VALID_DUE_SQL.format(initial=investigation_initial_due_sql(started_on),
                                              investigation=investigation, extensions=extensions)


def investigation_valid_dues_sql(extensions: str) -> str:
    """deadlines.investigation_valid_due of every investigation in `extensions` (a relation with investigation_id,
    started_on, decided_on, new_due_on): rows of (investigation_id, valid_due), from one grouped select without a
    correlated sub-select, which would keep the statement around it from running in parallel."""
    return INVESTIGATION_VALID_DUES_SQL.format(initial=investigation_initial_due_sql("ext_e.started_on"),
                                               initial_w=investigation_initial_due_sql("ext_w.started_on"),
                                               extensions=extensions)


def enforcement_due_sql(decided_on: str) -> str:  # deadlines.enforcement_due
    return add_calendar_months_sql(decided_on, deadlines.ENFORCEMENT_MONTHS)


# deadlines.care_review_due: six calendar months from the last övervägande/omprövning, else from the start.
CARE_REVIEW_DUE_SQL = ADD_CALENDAR_MONTHS_SQL.format(day="COALESCE({last_review_on}, {start_on})",
                                                     months=deadlines.REVIEW_MONTHS)


def care_review_due_sql(start_on: str, last_review_on: str = "NULL::date") -> str:
    return CARE_REVIEW_DUE_SQL.format(start_on=start_on, last_review_on=last_review_on)


def judged_sql(done: str, due: str, today: str) -> str:
    return JUDGED_SQL.format(done=done, due=due, today=today)


def met_sql(done: str, due: str) -> str:
    return MET_SQL.format(done=done, due=due)


def missed_sql(done: str, due: str, today: str) -> str:
    return MISSED_SQL.format(done=done, due=due, today=today)


def days_late_sql(done: str, due: str, today: str) -> str:
    return DAYS_LATE_SQL.format(done=done, due=due, today=today)


# --- the same as Django expressions over a field (Att göra) ----------------------------------------------


def _expr(template_sql: str, field: str) -> Func:
    # The template's column becomes Django's %(expressions)s, so the ORM qualifies it with its table alias.
    return Func(F(field), template=template_sql.replace("%", "%%").replace("%%(expressions)s", "%(expressions)s"),
                output_field=DateField())


def safety_assessment_due_expr(received_on: str = "received_on") -> Func:
    return _expr(safety_assessment_due_sql("%(expressions)s"), received_on)


def screening_initial_due_expr(received_on: str = "received_on") -> Func:
    return _expr(screening_initial_due_sql("%(expressions)s"), received_on)


def enforcement_due_expr(decided_on: str = "decided_on") -> Func:
    return _expr(enforcement_due_sql("%(expressions)s"), decided_on)


def investigation_due_expr(started_on: str = "started_on", investigation: str = "pk"):
    """deadlines.investigation_due: the new due date of the last förlängningsbeslut, in the order
    extension_statuses walks them (decided_on, then new_due_on), else four calendar months from the start."""
    from .models import InvestigationExtension

    last_extension = (InvestigationExtension.objects.filter(investigation=OuterRef(investigation))
                      .order_by("-decided_on", "-new_due_on").values("new_due_on")[:1])
    return Coalesce(Subquery(last_extension, output_field=DateField()),
                    _expr(investigation_initial_due_sql("%(expressions)s"), started_on), output_field=DateField())


def care_review_due_expr(start_on="start_on", last_review_on=None) -> Func:
    """deadlines.care_review_due over a start (a column name or an expression) and an expression of the last
    review's date (a Subquery, NULL while none is recorded)."""
    start = F(start_on) if isinstance(start_on, str) else start_on
    day = start if last_review_on is None else Coalesce(last_review_on, start, output_field=DateField())
    return Func(day, template=add_calendar_months_sql("%(expressions)s", deadlines.REVIEW_MONTHS),
                output_field=DateField())


class SqlTemplate(Expression):
    """A template of this module over several expressions: `{name}` placeholders filled with the compiled SQL of
    `parts[name]` (a field path or an expression such as a Subquery), parameters kept in the order they appear,
    so a placeholder may be used more than once. For twins of rules with more than one input."""

    _PLACEHOLDER = re.compile(r"\{(\w+)\}")

    def __init__(self, template: str, output_field=None, **parts):
        super().__init__(output_field=output_field or DateField())
        self.template, self.names = template, list(parts)
        self.parts = [F(p) if isinstance(p, str) else p for p in parts.values()]

    def get_source_expressions(self):
        return self.parts

    def set_source_expressions(self, exprs):
        self.parts = list(exprs)

    def as_sql(self, compiler, connection, **extra):
        compiled = {name: compiler.compile(part) for name, part in zip(self.names, self.parts, strict=True)}
        params: list = []

        def fill(match):
            sql, p = compiled[match.group(1)]
            params.extend(p)
            return f"({sql})"
        return self._PLACEHOLDER.sub(fill, self.template), params


# --- vårdplan and genomförandeplan (issue 16 point 2): the start plus the municipality's days -----------------

def _days_after_expr(start_on: str, days: int) -> Func:
    # date + integer is a date in PostgreSQL; the days are a whole number from settings, never user input.
    return Func(F(start_on), template=f"(%(expressions)s + {int(days)})", output_field=DateField())


def care_plan_due_expr(start_on: str = "start_on") -> Func:
    """deadlines.care_plan_due over a start column."""
    return _days_after_expr(start_on, deadlines.care_plan_days())


def implementation_plan_due_expr(start_on: str = "start_on") -> Func:
    """deadlines.implementation_plan_due over a start column."""
    return _days_after_expr(start_on, deadlines.implementation_plan_days())


# --- Lex lilla hjärtat (issue 16 point 4) ------------------------------------------------------------------------

# deadlines.custody_transfer_consideration_due: 24 calendar months from the familjehem placement's start while no
# consideration is recorded, else 12 from the last one.
CUSTODY_TRANSFER_DUE_SQL = (
    "(CASE WHEN {last_considered_on} IS NULL THEN "
    + ADD_CALENDAR_MONTHS_SQL.format(day="{start_on}", months=deadlines.CUSTODY_TRANSFER_FIRST_MONTHS)
    + " ELSE " + ADD_CALENDAR_MONTHS_SQL.format(day="{last_considered_on}::date",  # typed: it may be a bare NULL
                                                months=deadlines.CUSTODY_TRANSFER_REPEAT_MONTHS) + " END)")


def custody_transfer_due_expr(start_on: str = "start_on", last_considered_on=None) -> SqlTemplate:
    """deadlines.custody_transfer_consideration_due over a start column and the last consideration's date (a
    Subquery, NULL while none is recorded)."""
    from django.db.models import Value  # kept inside: this section is an addition at the end of the module

    last = last_considered_on if last_considered_on is not None else Value(None, output_field=DateField())
    return SqlTemplate(CUSTODY_TRANSFER_DUE_SQL, start_on=F(start_on), last_considered_on=last)
