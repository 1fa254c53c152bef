"""Clocks other apps own, on socialtjanst's screens: Att göra, the deadline report and Kontroller (issue 16).

socialtjanst never imports placements (tests/test_dependencies.py), yet a placed child's övervägande, a vårdplan
or a vårdnadsöverflyttning consideration must show beside the case flow's own clocks. So an app registers them
here from a module named `clocks` (placements/clocks.py), found by autodiscover_modules the way gallring finds
`retention` modules. Due dates still come only from socialtjanst/deadlines.py (and their twins in
deadlines_sql.py): a registration says which rows, which due date and where a row leads, never a second rule.

(a) Att göra: `register_todo_part(key, kind, rows, url)`. `rows(cases, today)` returns `TodoRows`: a queryset of
    the open items (any model), the expression or field path of each item's case id, its due date expression,
    optionally a `valid` Q (rows failing it get no due date and the out-of-window marker) and the responsible
    user's id (default: the case's responsible). `rows(cases, None)` (the kept items' fill) leaves out what
    depends on today and says it in visible_from / visible_until / lead instead. socialtjanst.todo narrows the
    rows to the scoped `cases` and the chosen responsible itself, puts them into its one UNION statement (and the
    kept items, socialtjanst.todo_kept), and links each item with `url(obj_id)`.
(b) The deadline report: `register_deadline_kind(key, prefix, label, title, items_sql, ...)`. `items_sql(units)`
    returns one SQL SELECT of the kind's items whose due date lies in %(start)s..%(end)s, with the columns of
    socialtjanst.followup.deadline_sets (ITEM_COLUMNS below), in the given units (None: every unit; else
    `AND <unit column> = ANY(%(units)s)`). The report counts (within, total) per unit from it, last year too,
    and the drill-down pages and exports its misses, exactly as it does the case flow's kinds.
(c) Kontroller: `register_control_list(key, title, description, build)`. `build(user, unit_ids, today)` returns a
    `ControlList` (columns, rows, and the persons and units shown, for the access log). The Kontroller page lists
    it, logs it, exports it; a controller sees its count only.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.module_loading import autodiscover_modules

DISCOVERED_MODULE = "clocks"
KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _check_key(key: str) -> None:
    if not key or not set(key) <= KEY_CHARS:
        raise ValueError(f"Ogiltig nyckel: {key!r} (gemener, siffror, - och _)")


_discovered = False


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules(DISCOVERED_MODULE)


# --- (a) Att göra ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TodoRows:
    queryset: QuerySet
    case: object  # the item's case id: a field path ("intervention__decision__case_id") or an expression
    due: object  # the due date: an expression from socialtjanst.deadlines_sql
    valid: Q | None = None  # stored dates inside common.date_window; None: always
    responsible: object = None  # the answering user's id (path or expression); None: the case's responsible
    # What depends on today, as dates the kept items store (socialtjanst.todo_kept) and Att göra compares with today
    # when it reads them: `rows(cases, None)` leaves these filters out and names them here instead.
    visible_from: object = None  # shown from this date (the placement's start); None: always
    visible_until: object = None  # shown until this date, inclusive (the placement's end); None or NULL: always
    lead: tuple | None = None  # (the date compared, months): shown once that date is within so many months


@dataclass(frozen=True)
class TodoPart:
    key: str
    kind: str  # the Swedish label of the Att göra column and kind filter
    rows: Callable[[QuerySet, datetime.date], TodoRows]
    url: Callable[[int], str]  # the item's object id → the page where it is done


_todo_parts: dict[str, TodoPart] = {}


def register_todo_part(*, key: str, kind: str, rows: Callable[[QuerySet, datetime.date], TodoRows],
                       url: Callable[[int], str]) -> None:
    _check_key(key)
    _todo_parts[key] = TodoPart(key, kind, rows, url)


def todo_parts() -> list[TodoPart]:
    """In key order, so the list's order among equal due dates never depends on import order."""
    _discover()
    return [_todo_parts[k] for k in sorted(_todo_parts)]


# --- (b) the deadline report ---------------------------------------------------------------------------------

# The columns each kind's SELECT yields, in this order (socialtjanst.followup.deadline_sets' own kinds do too):
# unit_id, case_id (may be NULL), person_id, pk (the item's object), sub (0, or what tells two items of one
# object apart), start_on (when the clock started), done_on (NULL while open), due_on, responsible_id,
# extended_due_on, extension_decided_on (NULL::date when the kind has none), legal_basis, intervention_kind
# (text, '' when none).
ITEM_COLUMNS = ("unit_id", "case_id", "person_id", "pk", "sub", "start_on", "done_on", "due_on", "responsible_id",
                "extended_due_on", "extension_decided_on", "legal_basis", "intervention_kind")
# The parameters its SQL may use (named, psycopg style): %(start)s, %(end)s, %(today)s, %(units)s,
# %(win_lo)s, %(win_hi)s (common.date_window's bounds).


@dataclass(frozen=True)
class DeadlineKind:
    key: str  # the drill-down's slug (/uppfoljning/frister/<key>/)
    prefix: str  # the report's column keys: <prefix>_total, _within, _share, _share_last_year
    label: str  # the columns' Swedish label ("Övervägande/omprövning")
    title: str  # the drill-down's heading ("Överväganden och omprövningar inom sex månader")
    items_sql: Callable[[list[int] | None], str]
    row_url: Callable[[dict], str | None] | None = None  # a drill-down row → its page (default: the case's)
    detail: Callable[[dict], str] | None = None  # a drill-down row → the 'Förlängning / insats' text


_deadline_kinds: dict[str, DeadlineKind] = {}


def register_deadline_kind(*, key: str, prefix: str, label: str, title: str,
                           items_sql: Callable[[list[int] | None], str],
                           row_url: Callable[[dict], str | None] | None = None,
                           detail: Callable[[dict], str] | None = None) -> None:
    _check_key(key)
    _check_key(prefix)
    _deadline_kinds[key] = DeadlineKind(key, prefix, label, title, items_sql, row_url, detail)


def deadline_kinds() -> list[DeadlineKind]:
    _discover()
    return [_deadline_kinds[k] for k in sorted(_deadline_kinds)]


# --- (c) Kontroller --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ControlColumn:
    key: str
    label: str
    kind: str = "text"  # common.exports' DATE, INT or TEXT, for the Excel cell


@dataclass
class ControlList:
    columns: list[ControlColumn]
    rows: list[dict]  # one dict per row, keyed by the columns' keys; "url" (optional) links the first column
    persons: Iterable = ()  # socialtjanst Person objects shown, for the access log
    unit_ids: Iterable[int] = ()
    counts: dict[str, int] = field(default_factory=dict)  # extra counts a controller may see ({label: n})


@dataclass(frozen=True)
class ControlSource:
    key: str  # /uppfoljning/kontroller/listor/<key>/
    title: str
    description: str
    build: Callable[[object, list[int] | None, datetime.date], ControlList]


_control_lists: dict[str, ControlSource] = {}


def register_control_list(*, key: str, title: str, description: str,
                          build: Callable[[object, list[int] | None, datetime.date], ControlList]) -> None:
    _check_key(key)
    _control_lists[key] = ControlSource(key, title, description, build)


def control_lists() -> list[ControlSource]:
    _discover()
    return [_control_lists[k] for k in sorted(_control_lists)]


def control_list(key: str) -> ControlSource | None:
    _discover()
    return _control_lists.get(key)
