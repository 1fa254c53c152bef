"""Kontroller: the control lists other apps register (socialtjanst.todo_sources), e.g. placed children whose
övervägande/omprövning is past due. An enhetschef sees the rows of their units (or one of them) and downloads
them; a controller sees the count only, for every unit or one. Every view and download writes the access log."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from socialtjanst import access, todo_sources
from socialtjanst.followup import controls

from ..audit import audit_record
from ..models import AccessAction, Unit
from .controls import _check_format, _download
from .reports import unit_from_request

COUNTS_ONLY = "Som controller ser du antalet, inte vilka barn det gäller."


def _source_and_scope(request, key):
    """The registered list, whether the user sees counts only, the unit chosen and the unit ids in scope."""
    source = todo_sources.control_list(key)
    user = request.user
    manager = controls.may_run_controls(user)
    counts_only = not manager and access.may_view_followup(user) and not access.followup_shows_identity(user)
    if source is None or not (manager or counts_only):
        raise Http404("Sidan finns inte.")
    units = Unit.objects.filter(pk__in=access.user_unit_ids(user)) if manager else access.followup_units_for_user(
        user)
    unit = unit_from_request(request, units)
    scope = sorted(access.user_unit_ids(user)) if manager else None  # a controller's: every unit
    unit_ids = [unit.pk] if unit is not None else scope
    return source, counts_only, units.order_by("name"), unit, unit_ids


def _audit(request, action, key, result, counts_only, unit, **extra):
    criteria = {"kontroll": key, "unit": unit.pk if unit else None, **extra}
    if counts_only:
        audit_record(user=request.user, action=action, object_type=f"Kontroll:{key}",
                     criteria={**criteria, "antal": len(result.rows)})
    else:
        audit_record(user=request.user, action=action, object_type=f"Kontroll:{key}", persons=list(result.persons),
                     object_unit_ids=list(result.unit_ids), criteria=criteria)


def control_list(request, key):
    source, counts_only, units, unit, unit_ids = _source_and_scope(request, key)
    result = source.build(request.user, unit_ids, timezone.localdate())
    _audit(request, AccessAction.LIST, key, result, counts_only, unit)
    rows = [] if counts_only else [
        {"url": row.get("url"), "cells": [row.get(c.key) for c in result.columns]} for row in result.rows]
    return render(request, "socialtjanst/followup/control_list.html", {
        "source": source, "columns": result.columns, "rows": rows, "count": len(result.rows),
        "counts": result.counts, "counts_only": counts_only, "counts_only_text": COUNTS_ONLY, "units": units,
        "unit": unit, "query": request.GET.urlencode(),
    })


def control_list_export(request, key, fmt):
    _check_format(fmt)
    source, counts_only, _units, unit, unit_ids = _source_and_scope(request, key)
    if counts_only:
        raise Http404("Sidan finns inte.")  # a controller has the count on the page, never the rows
    today = timezone.localdate()
    result = source.build(request.user, unit_ids, today)
    _audit(request, AccessAction.EXPORT, key, result, counts_only, unit, format=fmt)
    header = [c.label for c in result.columns]
    body = [[row.get(c.key) for c in result.columns] for row in result.rows]
    return _download(f"kontroll_{key}_{today.isoformat()}.{fmt}", fmt, header, body, source.title[:31],
                     [c.kind for c in result.columns])
