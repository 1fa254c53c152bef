"""Internal controls for the enhetschef: the record of control rounds, the two case controls
(utredningstider, barnsamtal) and the reproducible stickprov. The selections are in
socialtjanst.followup.controls; every page that shows cases writes the access log."""

import datetime
from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from common.exports import DATE, INT, TEXT, csv_response, xlsx_response
from common.tables import BaseTable, IsoDateColumn
from common.views import RenderInTransactionMixin
from socialtjanst import access
from socialtjanst.followup import controls

from ..audit import audit_cases
from ..filters import AccessEventFilter
from ..forms_controls import ControlRoundForm, SampleForm, SampleResultForm
from ..models import AccessAction, ControlKind, ControlResult, ControlRound, Unit
from ..users import user_full_name
from .reports import unit_from_request

SAVED = "Kontrollomgången är registrerad."


def _require_manager(user):
    if not controls.may_run_controls(user):
        raise Http404("Sidan finns inte.")


def _own_units(user):
    return Unit.objects.filter(pk__in=access.user_unit_ids(user))


def _period(request) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("period_from") or f"{today.year}-01-01")
        end = datetime.date.fromisoformat(request.GET.get("period_to") or today.isoformat())
    except ValueError:
        raise Http404("Ogiltig period.") from None
    return start, end


def _unit_filter(request):
    units = _own_units(request.user)
    return unit_from_request(request, units), units


def _create_url(**params) -> str:
    return reverse("socialtjanst:controlround_create") + "?" + urlencode({k: v for k, v in params.items() if v})


# --- control rounds ---------------------------------------------------------------------------


class ControlRoundTable(BaseTable):
    performed_at = tables.DateTimeColumn(verbose_name="Utförd", format="Y-m-d H:i", linkify=True)
    kind = tables.Column(verbose_name="Kontroll")
    unit = tables.Column(verbose_name="Enhet", default="Alla")
    period_from = IsoDateColumn(verbose_name="Från")
    period_to = IsoDateColumn(verbose_name="Till")
    performed_by = tables.Column(verbose_name="Utförd av", accessor="performed_by__username")
    result = tables.Column(verbose_name="Resultat")


class ControlRoundFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Kontroll", choices=ControlKind.choices)
    result = django_filters.ChoiceFilter(label="Resultat", choices=ControlResult.choices)

    class Meta:
        model = ControlRound
        fields = ["kind", "result"]


class ControlRoundListView(RenderInTransactionMixin, SingleTableMixin, FilterView):
    table_class = ControlRoundTable
    filterset_class = ControlRoundFilter
    template_name = "socialtjanst/followup/controlround_list.html"
    strict = False

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return controls.control_rounds_for_user(self.request.user).select_related("unit", "performed_by")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "year": timezone.localdate().year}


def _shown_value(field, value: str) -> str:
    """A filter value as the form shows it: a choice's Swedish label ("Skapande", not "create"), ja for a box."""
    if isinstance(field, forms.BooleanField):
        return "ja"
    choices = {str(k): str(label) for k, label in getattr(field, "choices", ())}
    return choices.get(value, value)


def _access_filter_description(raw: str) -> tuple[str, dict]:
    params = QueryDict(raw)
    form = AccessEventFilter(params, queryset=None).form
    parts = [f"{form.fields[k].label}: {_shown_value(form.fields[k], v)}" for k, v in params.items()
             if v and k in form.fields and k != "page"]
    text = "Åtkomstloggen granskad" + (", filter: " + "; ".join(parts) if parts else ", utan filter")
    return text, {k: v for k, v in params.items() if v and k != "page"}


def controlround_create(request):
    user = request.user
    _require_manager(user)
    if not user.has_perm("socialtjanst.add_controlround"):
        raise Http404("Sidan finns inte.")
    units = _own_units(user)
    if request.method == "POST":
        form = ControlRoundForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            sample = {"beskrivning": data["description"]}
            if data["access_filter"]:
                sample["atkomstlogg_filter"] = _access_filter_description(data["access_filter"])[1]
            try:
                control_round = controls.control_round_record(
                    by=user, kind=data["kind"], unit=data["unit"], period_from=data["period_from"],
                    period_to=data["period_to"], sample=sample, result=data["result"], comment=data["comment"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, SAVED)
                return redirect(control_round)
    else:
        start, end = _period(request) if request.GET.get("period_from") else (None, None)
        initial = {"kind": request.GET.get("kind", ControlKind.ACCESS), "unit": request.GET.get("unit"),
                   "period_from": start, "period_to": end, "description": request.GET.get("description", "")}
        raw = request.GET.get("access_filter", "")
        if raw:
            initial["description"], chosen = _access_filter_description(raw)
            initial["access_filter"] = raw
            today = timezone.localdate()
            initial["period_from"] = chosen.get("date_from") or today.replace(day=1).isoformat()
            initial["period_to"] = chosen.get("date_to") or today.isoformat()
        form = ControlRoundForm(initial=initial, units=units)
    return render(request, "socialtjanst/followup/controlround_form.html", {"form": form})


def _sample_rows(user, kind, ids):
    objects = controls.sample_objects_for_user(user, kind, ids)
    date_field = controls.SAMPLE_KINDS[kind][2]
    rows = [{"pk": obj.pk, "case": obj.case, "date": getattr(obj, date_field),
             "person": access.person_identity(user, obj.case.person).name} for obj in objects]
    return rows, [obj.case for obj in objects]


def controlround_detail(request, pk):
    _require_manager(request.user)
    control_round = controls.control_round_get_for_user(request.user, pk)
    sample = control_round.sample or {}
    rows, reproduces = [], None
    if control_round.kind == ControlKind.SAMPLE and "criteria" in sample:
        kind = sample["criteria"]["kind"]
        rows, cases = _sample_rows(request.user, kind, sample["ids"])
        reproduces = controls.sample_reproduces(sample)
        audit_cases(user=request.user, action=AccessAction.VIEW, cases=cases,
                    criteria={"control_round": control_round.pk})
    return render(request, "socialtjanst/followup/controlround_detail.html", {
        "round": control_round, "rows": rows, "reproduces": reproduces,
        "description": sample.get("beskrivning", ""), "access_filter": sample.get("atkomstlogg_filter"),
    })


# --- the case controls ---------------------------------------------------------------------------


def _investigation_times(request) -> dict:
    """Pågående utredningar past four months (without a valid extension, or all with ?alla=1): the page's and
    the download's rows, one selection for both."""
    user = request.user
    _require_manager(user)
    unit, units = _unit_filter(request)
    today = timezone.localdate()
    investigations = access.investigations_for_user(user)
    if unit:
        investigations = investigations.filter(case__unit=unit)
    show_all = request.GET.get("alla") == "1"
    rows = (controls.investigations_past_due(investigations, today) if show_all
            else controls.investigations_without_valid_extension(investigations, today))
    return {"rows": [{"row": r, "person": access.person_identity(user, r.investigation.case.person).name}
                     for r in rows],
            "units": units, "unit": unit, "show_all": show_all, "today": today,
            "criteria": {"control": "utredningstider", "unit": unit.pk if unit else None}}


def control_investigation_times(request):
    context = _investigation_times(request)
    rows = [item["row"] for item in context["rows"]]
    audit_cases(user=request.user, action=AccessAction.LIST, cases=[r.investigation.case for r in rows],
                criteria=context["criteria"])
    ids = ", ".join(str(r.investigation.pk) for r in rows if not r.valid_extension)
    unit, today = context["unit"], context["today"]
    return render(request, "socialtjanst/followup/control_investigations.html", {
        **context, "query": request.GET.urlencode(),
        "create_url": _create_url(
            kind=ControlKind.INVESTIGATION_TIMES, unit=unit.pk if unit else "", period_from=today.isoformat(),
            period_to=today.isoformat(),
            description=f"Pågående utredningar äldre än fyra månader utan giltigt förlängningsbeslut per "
                        f"{today.isoformat()}: " + (ids or "inga")),
    })


INVESTIGATION_TIMES_HEADER = ["Utredning", "Person", "Enhet", "Påbörjad", "Fyra månader", "Gällande frist",
                              "Förlängning", "Dagar över", "Ansvarig"]
INVESTIGATION_TIMES_KINDS = [INT, TEXT, TEXT, DATE, DATE, DATE, TEXT, INT, TEXT]


def control_investigation_times_export(request, fmt):
    """The page's table as CSV or Excel, logged as an export with the persons in it."""
    _check_format(fmt)
    context = _investigation_times(request)
    rows = [item["row"] for item in context["rows"]]
    audit_cases(user=request.user, action=AccessAction.EXPORT, cases=[r.investigation.case for r in rows],
                criteria={**context["criteria"], "format": fmt})
    body = [[r.investigation.pk, item["person"], r.investigation.case.unit.name, r.investigation.started_on,
             r.initial_due, r.valid_due, "Giltig" if r.valid_extension else "Saknas", r.days_over,
             user_full_name(r.investigation.responsible)]
            for item in context["rows"] for r in [item["row"]]]
    return _download(f"utredningstider_{context['today'].isoformat()}.{fmt}", fmt, INVESTIGATION_TIMES_HEADER,
                     body, "Utredningstider", INVESTIGATION_TIMES_KINDS)


def _child_interviews(request) -> dict:
    """Closed children's investigations in the period without a barnsamtal or a recorded reason."""
    user = request.user
    _require_manager(user)
    unit, units = _unit_filter(request)
    start, end = _period(request)
    investigations = access.investigations_for_user(user)
    if unit:
        investigations = investigations.filter(case__unit=unit)
    found = controls.child_investigations_without_interview(investigations, start, end)
    return {"rows": [{"inv": inv, "person": access.person_identity(user, inv.case.person).name} for inv in found],
            "units": units, "unit": unit, "start": start, "end": end,
            "criteria": {"control": "barnsamtal", "unit": unit.pk if unit else None,
                         "period_from": start.isoformat(), "period_to": end.isoformat()}}


def control_child_interviews(request):
    context = _child_interviews(request)
    found = [item["inv"] for item in context["rows"]]
    audit_cases(user=request.user, action=AccessAction.LIST, cases=[inv.case for inv in found],
                criteria=context["criteria"])
    ids = ", ".join(str(inv.pk) for inv in found)
    unit, start, end = context["unit"], context["start"], context["end"]
    return render(request, "socialtjanst/followup/control_child_interviews.html", {
        **context, "query": request.GET.urlencode(),
        "create_url": _create_url(
            kind=ControlKind.CHILD_INTERVIEWS, unit=unit.pk if unit else "", period_from=start.isoformat(),
            period_to=end.isoformat(),
            description="Avslutade barnutredningar utan barnsamtal eller dokumenterat skäl: " + (ids or "inga")),
    })


CHILD_INTERVIEWS_HEADER = ["Utredning", "Person", "Enhet", "Påbörjad", "Avslutad", "Ansvarig"]
CHILD_INTERVIEWS_KINDS = [INT, TEXT, TEXT, DATE, DATE, TEXT]


def control_child_interviews_export(request, fmt):
    _check_format(fmt)
    context = _child_interviews(request)
    found = [item["inv"] for item in context["rows"]]
    audit_cases(user=request.user, action=AccessAction.EXPORT, cases=[inv.case for inv in found],
                criteria={**context["criteria"], "format": fmt})
    body = [[item["inv"].pk, item["person"], item["inv"].case.unit.name, item["inv"].started_on,
             item["inv"].completed_on, user_full_name(item["inv"].responsible)] for item in context["rows"]]
    return _download(f"barnsamtal_{context['start'].isoformat()}_{context['end'].isoformat()}.{fmt}", fmt,
                     CHILD_INTERVIEWS_HEADER, body, "Barnsamtal", CHILD_INTERVIEWS_KINDS)


def _check_format(fmt: str) -> None:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Okänt exportformat.")


def _download(filename, fmt, header, body, title, kinds):
    if fmt == "xlsx":
        return xlsx_response(filename, header, body, title=title, kinds=kinds)
    return csv_response(filename, header, body)


def _sample_criteria(user, cleaned) -> dict:
    unit_ids = [cleaned["unit"].pk] if cleaned["unit"] else list(access.user_unit_ids(user))
    return controls.sample_criteria(kind=cleaned["kind"], period_from=cleaned["period_from"],
                                    period_to=cleaned["period_to"], unit_ids=unit_ids, size=cleaned["size"])


SAMPLE_EXPORT_HEADER = ["Id", "Ärende", "Person", "Enhet", "Datum"]


def control_sample_export(request, fmt):
    """The sample of the page's address (criteria and seed) as CSV or Excel, logged as an export."""
    user = request.user
    _require_manager(user)
    _check_format(fmt)
    form = SampleForm(request.GET, units=_own_units(user))
    if not form.is_valid() or form.cleaned_data["seed"] is None:
        raise Http404("Urvalet finns inte.")
    cleaned = form.cleaned_data
    criteria = _sample_criteria(user, cleaned)
    ids, _population = controls.sample_draw_with_population(criteria, cleaned["seed"])
    rows, cases = _sample_rows(user, cleaned["kind"], ids)
    audit_cases(user=user, action=AccessAction.EXPORT, cases=cases,
                criteria={"control": "stickprov", "seed": cleaned["seed"], "format": fmt, **criteria})
    body = [[r["pk"], r["case"].pk, r["person"], r["case"].unit.name, r["date"]] for r in rows]
    filename = f"stickprov_{cleaned['seed']}.{fmt}"
    if fmt == "xlsx":
        title = f"Stickprov {controls.SAMPLE_KINDS[cleaned['kind']][0].lower()}"
        return xlsx_response(filename, SAMPLE_EXPORT_HEADER, body, title=title)
    return csv_response(filename, SAMPLE_EXPORT_HEADER, body)


def control_sample(request):
    """Stickprov: draw from a new (or the given) seed, show the sample, record the round."""
    user = request.user
    _require_manager(user)
    units = _own_units(user)
    data = request.GET  # the criteria and seed stay in the address; a POST carries only the result
    form = SampleForm(data if "kind" in data else None, units=units)
    context = {"form": form}
    if form.is_valid():
        cleaned = form.cleaned_data
        if cleaned["seed"] is None:
            query = request.GET.copy()
            query["seed"] = controls.new_seed()
            return redirect(reverse("socialtjanst:control_sample") + "?" + query.urlencode())
        criteria = _sample_criteria(user, cleaned)
        result_form = SampleResultForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and result_form.is_valid():
            try:
                control_round = controls.control_round_record(
                    by=user, kind=ControlKind.SAMPLE, unit=cleaned["unit"], period_from=cleaned["period_from"],
                    period_to=cleaned["period_to"], sample={"seed": cleaned["seed"], "criteria": criteria},
                    result=result_form.cleaned_data["result"], comment=result_form.cleaned_data["comment"])
            except ValidationError as exc:
                result_form.add_error(None, exc)
            else:
                messages.success(request, SAVED)
                return redirect(control_round)
        ids, population = controls.sample_draw_with_population(criteria, cleaned["seed"])
        rows, cases = _sample_rows(user, cleaned["kind"], ids)
        audit_cases(user=user, action=AccessAction.LIST, cases=cases,
                    criteria={"control": "stickprov", "seed": cleaned["seed"], **criteria})
        context.update(rows=rows, seed=cleaned["seed"], population=population,
                       result_form=result_form, query=data.urlencode())
    return render(request, "socialtjanst/followup/control_sample.html", context)
