"""Pages of the indicator register: list per year, detail with yearly values and dated comments,
create / update, hand-entered values and comments, and the refresh of computed values. Every
rule and permission is in socialtjanst.followup.indicators; the views parse input and call one function."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN
from common.params import INVALID_YEAR, bounded_int, year_param
from common.tables import swedish_number
from socialtjanst import access
from socialtjanst.followup import indicators

from ..audit import audit_record
from ..forms_indicators import IndicatorCommentForm, IndicatorForm, IndicatorValueForm
from ..models import AccessAction, IndicatorDirection
from ..roles import Role


def format_number(value) -> str:
    """1 234 or 1 234,5 (at most two decimals, none for whole numbers)."""
    if value is None:
        return "–"
    places = 0 if value == value.to_integral_value() else (1 if value * 10 == (value * 10).to_integral_value() else 2)
    return swedish_number(value, places)


def _year(request) -> int:
    return year_param(request)


def _require_reader(user):
    if not (access.may_view_followup(user) and user.has_perm("socialtjanst.view_indicator")):
        raise Http404("Sidan finns inte.")


def _row(item: indicators.IndicatorYear) -> dict:
    ind = item.indicator
    return {
        "item": item, "value": format_number(item.value), "previous": format_number(item.previous),
        "target": format_number(ind.target_value), "unit_of_measure": ind.unit_of_measure,
        "direction": IndicatorDirection(ind.direction).label, "source": indicators.source_label(ind.source),
    }


def indicator_list(request):
    user = request.user
    _require_reader(user)
    year = _year(request)
    rows = [_row(item) for item in indicators.indicator_overview(user, year)]
    audit_record(user=user, action=AccessAction.LIST, object_type=indicators.OBJECT_TYPE, criteria={"year": year})
    return render(request, "socialtjanst/indicators/list.html", {
        "year": year, "rows": rows, "can_create": indicators.manageable_units(user).exists(),
        "can_refresh": access.has_role(user, Role.CONTROLLER) and user.has_perm("socialtjanst.change_indicatorvalue"),
    })


def indicator_detail(request, pk):
    user = request.user
    _require_reader(user)
    indicator = indicators.indicator_get_for_user(user, pk)
    history = [_row(item) for item in indicators.indicator_history(indicator)]
    audit_record(user=user, action=AccessAction.VIEW, object_type=indicators.OBJECT_TYPE, object_id=indicator.pk,
                 object_unit_ids=[indicator.responsible_unit_id])
    can_manage = indicators.can_manage_unit(user, indicator.responsible_unit_id)
    return render(request, "socialtjanst/indicators/detail.html", {
        "indicator": indicator, "history": history, "comments": indicator.comments.select_related("author"),
        "target": format_number(indicator.target_value), "source": indicators.source_label(indicator.source),
        "direction": IndicatorDirection(indicator.direction).label, "can_manage": can_manage,
        # Both forms have a year: distinct ids, so each <label for> names its own field (WCAG 4.1.1).
        "value_form": IndicatorValueForm(auto_id="id_varde_%s") if can_manage else None,
        "comment_form": IndicatorCommentForm(auto_id="id_kommentar_%s") if can_manage else None,
    })


def _save_indicator(request, indicator=None):
    user = request.user
    _require_reader(user)
    units = indicators.manageable_units(user)
    if not units.exists() or (indicator and not indicators.can_manage_unit(user, indicator.responsible_unit_id)):
        raise Http404("Sidan finns inte.")
    form = IndicatorForm(request.POST or None, instance=indicator, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            if indicator is None:
                indicator = indicators.indicator_create(by=user, data=form.cleaned_data)
            else:
                indicator = indicators.indicator_update(by=user, indicator_id=indicator.pk, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Indikatorn är sparad.")
            return redirect(indicator.get_absolute_url())
    return render(request, "socialtjanst/indicators/form.html", {"form": form, "indicator": indicator})


def indicator_create(request):
    return _save_indicator(request)


def indicator_update(request, pk):
    _require_reader(request.user)
    return _save_indicator(request, indicators.indicator_get_for_user(request.user, pk))


def _form_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _indicator_post(request, pk, form_class, write, success):
    """Validate the posted form, write through the service, and go back to the indicator with a message."""
    _require_reader(request.user)
    indicator = indicators.indicator_get_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(by=request.user, indicator_id=indicator.pk, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
    else:
        _form_errors(request, form)
    return redirect(indicator.get_absolute_url())


@require_POST
def indicator_value_set(request, pk):
    return _indicator_post(request, pk, IndicatorValueForm, indicators.indicator_value_set, "Värdet är sparat.")


@require_POST
def indicator_comment_add(request, pk):
    return _indicator_post(request, pk, IndicatorCommentForm, indicators.indicator_comment_add,
                           "Kommentaren är sparad.")


@require_POST
def indicator_refresh(request):
    user = request.user
    _require_reader(user)
    if not (access.has_role(user, Role.CONTROLLER) and user.has_perm("socialtjanst.change_indicatorvalue")):
        raise Http404("Sidan finns inte.")
    raw = request.POST.get("year")
    year = bounded_int(raw, ROLLUP_YEAR_MIN, ROLLUP_YEAR_MAX) if raw else timezone.localdate().year
    if year is None:
        raise Http404(INVALID_YEAR)
    written = indicators.indicators_refresh(year=year, by=user)
    messages.success(request, f"Beräknade värden för {year} är uppdaterade ({written} st).")
    return redirect(f"{reverse('socialtjanst:indicator_list')}?year={year}")
