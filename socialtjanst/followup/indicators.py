"""The indicator register's rules (issue 6 item 6, shared/domain.md §2 and §8): assessment, trend,
the computed sources, and the writes.

Rules:
- **Assessment** of a year's value against the target: *uppfyllt* when the value reaches the
  target in the indicator's direction (≥ when higher is better, ≤ when lower is better);
  *delvis uppfyllt* when it misses by at most `partly_met_tolerance` per cent of the target
  (default 10: a target of 100 % with 91 % is delvis uppfyllt, 89 % is ej uppfyllt); otherwise
  *ej uppfyllt*. A target of 0 leaves no room for delvis. A hand-set assessment (with its reason)
  replaces the computed one.
- **Trend** compares the value with the previous year's: *förbättrad* / *försämrad* by the
  direction, *oförändrad* when equal; none without both values.
- **Computed sources** are functions of a year returning the value in the indicator's unit
  (shares in per cent, 0–100, one decimal); `indicators_refresh` upserts them on
  (indicator, year), so a second run changes nothing. The deadline shares are counted by
  the deadline report's own statement (socialtjanst.followup.deadline_sets) for the whole municipality
  and calendar year; a source whose module or functions are missing is simply not offered.
- **Who**: enhetschef and controller read the whole register (figures, never case data); a
  controller keeps every indicator, an enhetschef those of their own units, each with the
  model permission.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from common import rounding
from common.date_window import YEAR_OUT_OF_RANGE
from common.db_errors import constraint_messages
from common.errors import NotFound
from socialtjanst import access
from socialtjanst.audit import audit_record
from socialtjanst.followup import deadline_report, deadline_sets
from socialtjanst.followup.intake_statistics import share_reports_not_investigated
from socialtjanst.models import (
    AccessAction,
    Assessment,
    Indicator,
    IndicatorComment,
    IndicatorDirection,
    IndicatorValue,
    Trend,
)
from socialtjanst.roles import Role

OBJECT_TYPE = "Indikator"

NOT_ALLOWED = "Du får inte ändra indikatorer för den enheten."
VALUE_IS_COMPUTED = "Värdet beräknas ur systemet och kan inte registreras för hand; du kan däremot sätta bedömningen."
UNKNOWN_SOURCE = "Okänd källa för beräknade värden."
CONSTRAINT_MESSAGES = {
    "indicatorvalue_override_needs_reason": "Ange skälet när du sätter bedömningen för hand.",
    "indicatorvalue_year_range": YEAR_OUT_OF_RANGE,
    "indicator_tolerance_0_100": "Toleransen ska vara 0–100 %.",
    "indicatorcomment_text_required": "Skriv en kommentar.",
}


# --- rules ---------------------------------------------------------------------------


def assess(*, value: Decimal | None, target: Decimal, direction: str, tolerance_percent: Decimal) -> str | None:
    if value is None:
        return None
    shortfall = target - value if direction == IndicatorDirection.HIGHER_IS_BETTER else value - target
    if shortfall <= 0:
        return Assessment.MET
    if shortfall <= abs(target) * tolerance_percent / 100:
        return Assessment.PARTLY_MET
    return Assessment.NOT_MET


def trend(*, value: Decimal | None, previous: Decimal | None, direction: str) -> str | None:
    if value is None or previous is None:
        return None
    if value == previous:
        return Trend.UNCHANGED
    better = value > previous if direction == IndicatorDirection.HIGHER_IS_BETTER else value < previous
    return Trend.IMPROVED if better else Trend.WORSENED


# --- computed sources --------------------------------------------------------------------


@dataclass(frozen=True)
class ComputedSource:
    key: str
    label: str
    function: Callable[[int], Decimal | float | None]

    def compute(self, year: int) -> Decimal | None:
        # The same per cent as the reports show for the share (half away from zero: 1/16 is 6,3, not 6,2).
        return rounding.as_percent(self.function(year))


def _deadline_share(kind: str) -> Callable[[int], Decimal | None]:
    """The municipality's share within the deadline for a calendar year, counted as the deadline report counts it."""

    def compute(year: int) -> Decimal | None:
        start, end = deadline_report.period_bounds(year, None)
        found = deadline_sets.figures(None, start, end, timezone.localdate()).values()  # the report's own statement
        counts = [f[kind] for f in found if kind in f]
        return rounding.share(sum(c[0] for c in counts), sum(c[1] for c in counts))

    return compute


# Every source returns a share 0–1 for the whole municipality and a calendar year; stored in per cent.
SOURCES = (
    ComputedSource("share_reports_not_investigated", "Andel anmälningar som inte leder till utredning",
                   share_reports_not_investigated),
    ComputedSource("share_screenings_within_14_days", "Andel förhandsbedömningar inom 14 dagar",
                   _deadline_share(deadline_report.SCREENINGS)),
    ComputedSource("share_investigations_within_4_months", "Andel utredningar inom fyra månader",
                   _deadline_share(deadline_report.INVESTIGATIONS)),
    ComputedSource("share_interventions_within_3_months", "Andel insatser verkställda inom tre månader",
                   _deadline_share(deadline_report.ENFORCEMENT)),
)
SOURCES_BY_KEY = {s.key: s for s in SOURCES}


def source_label(key: str) -> str:
    if not key:
        return "Registreras för hand"
    return next((s.label for s in SOURCES if s.key == key), key)


# --- reads ---------------------------------------------------------------------------------


def indicators_for_user(user) -> QuerySet[Indicator]:
    if not (access.may_view_followup(user) and user.has_perm("socialtjanst.view_indicator")):
        return Indicator.objects.none()
    return Indicator.objects.select_related("responsible_unit")


def indicator_get_for_user(user, pk) -> Indicator:
    try:
        return indicators_for_user(user).get(pk=pk)
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise NotFound("Indikatorn finns inte.") from None


def can_manage_unit(user, unit_id: int | None) -> bool:
    if access.has_role(user, Role.CONTROLLER):
        return user.has_perm("socialtjanst.change_indicator")
    return (access.has_role(user, Role.ENHETSCHEF) and user.has_perm("socialtjanst.change_indicator")
            and unit_id in access.user_unit_ids(user))


def manageable_units(user):
    from socialtjanst.models import Unit

    if access.has_role(user, Role.CONTROLLER) and user.has_perm("socialtjanst.change_indicator"):
        return Unit.objects.all()
    if access.has_role(user, Role.ENHETSCHEF) and user.has_perm("socialtjanst.change_indicator"):
        return Unit.objects.filter(pk__in=access.user_unit_ids(user))
    return Unit.objects.none()


@dataclass(frozen=True)
class IndicatorYear:
    indicator: Indicator
    year: int
    value: Decimal | None
    computed: bool
    previous: Decimal | None
    assessment: str | None
    overridden: bool
    override_reason: str
    trend: str | None

    @property
    def assessment_label(self) -> str:
        return Assessment(self.assessment).label if self.assessment else ""

    @property
    def trend_label(self) -> str:
        return Trend(self.trend).label if self.trend else ""


def _year_row(indicator: Indicator, year: int, row: IndicatorValue | None, previous: IndicatorValue | None):
    value = row.value if row else None
    computed_assessment = assess(value=value, target=indicator.target_value, direction=indicator.direction,
                                 tolerance_percent=indicator.partly_met_tolerance)
    override = row.assessment_override if row else ""
    return IndicatorYear(
        indicator=indicator, year=year, value=value, computed=bool(row and row.computed),
        previous=previous.value if previous else None, assessment=override or computed_assessment,
        overridden=bool(override), override_reason=row.override_reason if row else "",
        trend=trend(value=value, previous=previous.value if previous else None, direction=indicator.direction),
    )


def indicator_overview(user, year: int) -> list[IndicatorYear]:
    """Every indicator the user may see with the year's value, assessment and trend: two queries."""
    return indicators_year(indicators_for_user(user).filter(active=True), year)


def indicators_year(indicators: QuerySet[Indicator], year: int) -> list[IndicatorYear]:
    """The given indicators' rows for the year (the list page's and the export's one row rule)."""
    indicators = list(indicators)
    values = {(v.indicator_id, v.year): v for v in IndicatorValue.objects.filter(
        indicator__in=indicators, year__in=(year, year - 1))}
    return [_year_row(i, year, values.get((i.pk, year)), values.get((i.pk, year - 1))) for i in indicators]


def indicator_history(indicator: Indicator) -> list[IndicatorYear]:
    """Every year with a value, newest first."""
    values = {v.year: v for v in indicator.values.all()}
    return [_year_row(indicator, y, values[y], values.get(y - 1)) for y in sorted(values, reverse=True)]


# --- writes --------------------------------------------------------------------------------

INDICATOR_FIELDS = ("name", "description", "responsible_unit", "target_value", "unit_of_measure", "direction",
                    "partly_met_tolerance", "source", "active")


def _check_source(source: str) -> None:
    if source and source not in SOURCES_BY_KEY:
        raise ValidationError({"source": UNKNOWN_SOURCE})


def _audit(by, action, indicator: Indicator, criteria: dict | None = None) -> None:
    audit_record(user=by or AnonymousUser(), action=action, object_type=OBJECT_TYPE, object_id=indicator.pk,
                 object_unit_ids=[indicator.responsible_unit_id], criteria=criteria)


@transaction.atomic
def indicator_create(*, by, data: dict) -> Indicator:
    if not (can_manage_unit(by, data["responsible_unit"].pk) and by.has_perm("socialtjanst.add_indicator")):
        raise ValidationError(NOT_ALLOWED)
    _check_source(data.get("source", ""))
    with constraint_messages(CONSTRAINT_MESSAGES):
        indicator = Indicator.objects.create(**{k: data[k] for k in INDICATOR_FIELDS if k in data})
    _audit(by, AccessAction.CREATE, indicator)
    return indicator


@transaction.atomic
def indicator_update(*, by, indicator_id: int, data: dict) -> Indicator:
    indicator = indicator_get_for_user(by, indicator_id)
    new_unit = data.get("responsible_unit", indicator.responsible_unit)
    if not (can_manage_unit(by, indicator.responsible_unit_id) and can_manage_unit(by, new_unit.pk)):
        raise ValidationError(NOT_ALLOWED)
    _check_source(data.get("source", indicator.source))
    changed = [k for k in INDICATOR_FIELDS if k in data]
    for key in changed:
        setattr(indicator, key, data[key])
    with constraint_messages(CONSTRAINT_MESSAGES):
        indicator.save(update_fields=changed)
    _audit(by, AccessAction.CHANGE, indicator)
    return indicator


@transaction.atomic
def indicator_value_set(*, by, indicator_id: int, year: int, value: Decimal | None, assessment_override: str = "",
                        override_reason: str = "") -> IndicatorValue:
    """Enters a year's value by hand (manual indicators) and/or sets the assessment by hand (any indicator)."""
    indicator = indicator_get_for_user(by, indicator_id)
    if not (can_manage_unit(by, indicator.responsible_unit_id) and by.has_perm("socialtjanst.change_indicatorvalue")):
        raise ValidationError(NOT_ALLOWED)
    existing = IndicatorValue.objects.select_for_update().filter(indicator=indicator, year=year).first()
    if indicator.source and value is not None and (existing is None or value != existing.value):
        raise ValidationError(VALUE_IS_COMPUTED)
    fields = {"assessment_override": assessment_override, "override_reason": override_reason, "updated_by": by}
    if not indicator.source:
        fields.update(value=value, computed=False)
    with constraint_messages(CONSTRAINT_MESSAGES):
        row, _ = IndicatorValue.objects.update_or_create(indicator=indicator, year=year, defaults=fields)
    _audit(by, AccessAction.CHANGE, indicator, {"year": year})
    return row


@transaction.atomic
def indicator_comment_add(*, by, indicator_id: int, year: int, text: str,
                          commented_on: datetime.date | None = None) -> IndicatorComment:
    indicator = indicator_get_for_user(by, indicator_id)
    if not (can_manage_unit(by, indicator.responsible_unit_id) and by.has_perm("socialtjanst.add_indicatorcomment")):
        raise ValidationError(NOT_ALLOWED)
    with constraint_messages(CONSTRAINT_MESSAGES):
        comment = IndicatorComment.objects.create(indicator=indicator, year=year, text=text.strip(), author=by,
                                                  commented_on=commented_on or timezone.localdate())
    _audit(by, AccessAction.CREATE, indicator, {"year": year, "comment": comment.pk})
    return comment


@transaction.atomic
def indicators_refresh(*, year: int, by=None) -> int:
    """Fills the year's value of every active computed indicator: one upsert on
    (indicator, year), keeping a hand-set assessment. Idempotent. Returns the number of values written."""
    indicators = list(Indicator.objects.filter(active=True, source__in=list(SOURCES_BY_KEY)))
    computed = {key: SOURCES_BY_KEY[key].compute(year) for key in {i.source for i in indicators}}
    rows = [IndicatorValue(indicator=i, year=year, value=computed[i.source], computed=True, updated_by=by)
            for i in indicators]
    with constraint_messages(CONSTRAINT_MESSAGES):
        IndicatorValue.objects.bulk_create(rows, update_conflicts=True, unique_fields=["indicator", "year"],
                                           update_fields=["value", "computed", "updated_at", "updated_by"])
    audit_record(user=by or AnonymousUser(), action=AccessAction.CHANGE, object_type=OBJECT_TYPE,
                 object_unit_ids=[i.responsible_unit_id for i in indicators],
                 criteria={"refresh": year, "indicators": [i.pk for i in indicators]})
    return len(rows)
