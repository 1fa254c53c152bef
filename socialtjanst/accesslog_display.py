"""How the access log reads to the enhetschef reviewing it (issue 14): Swedish, with people, not ids.

The stored `object_type` stays the code key that code and tests filter on ("Case", "Rapport:deadlines");
this module is the one place that turns a key into Swedish for the page and its export, and the stored
person ids into names and personnummer (masked for a protected person, socialtjanst.access)."""

from django.apps import apps

from common import reporting
from socialtjanst import access

from .models import Person

OBJECT_TYPE_LABELS = {
    "AccessEvent": "Åtkomstlogg",
    "Agreement": "Avtal",
    "AgreementPrice": "Avtalspris",
    "Case": "Ärende",
    "ChildInterview": "Barnsamtal",
    "ControlRound": "Kontrollomgång",
    "Decision": "Beslut",
    "FosterCarePayment": "Familjehemsersättning",
    "Indikator": "Indikator",
    "Intake": "Aktualisering",
    "Intervention": "Insats",
    "Investigation": "Utredning",
    "InvestigationExtension": "Förlängningsbeslut",
    "InvoiceCheck": "Fakturakontroll",
    "MonthClosing": "Månadsbokslut",
    "Person": "Person",
    "Placement": "Placering",
    "PlacementImport": "Import av placeringar",
    "Provider": "Utförare",
    "Screening": "Förhandsbedömning",
    "Statistik:anmalningar": "Statistik: anmälningar",
    "Todo": "Att göra",
    "Uppföljning": "Uppföljning",
    "User": "Användare",
}
REPORT_PREFIX = "Rapport:"
# The search criteria's keys as the enhetschef reads them; values stay as stored (dates, codes, ids).
CRITERIA_LABELS = {
    "year": "år", "month": "månad", "quarter": "kvartal", "unit": "enhet", "format": "format", "kind": "typ",
    "control": "kontroll", "seed": "frö", "size": "antal", "unit_ids": "enheter", "period_from": "period från",
    "period_to": "period till", "date_from": "från och med", "date_to": "till och med", "username": "användare",
    "action": "åtgärd", "person": "personnummer", "outside_own_units": "utanför egna enheter",
    "protected_person": "skyddade personer", "control_round": "kontrollomgång", "list": "lista",
    "reopen_reason": "skäl för återöppning", "refresh": "beräkning för år", "reason": "skäl", "step": "steg",
    "q": "sökord", "status": "status", "page": "sida", "sort": "sortering",
}
PERSONS_SHOWN = 5


def object_type_label(key: str) -> str:
    """Swedish for a stored object type: the table above, a report's title, a model's verbose name, or the
    key itself for a type nobody has named yet (never an empty cell)."""
    if key in OBJECT_TYPE_LABELS:
        return OBJECT_TYPE_LABELS[key]
    if key.startswith(REPORT_PREFIX):
        return f"Rapport: {reporting.report_title(key[len(REPORT_PREFIX):])}"
    for model in apps.get_models():
        if model.__name__ == key:
            text = str(model._meta.verbose_name)
            return text[:1].upper() + text[1:]
    return key


def criteria_text(criteria) -> str:
    """'år: 2024; månad: –; format: xlsx' for a stored criteria dict; empty for none."""
    if not isinstance(criteria, dict) or not criteria:
        return ""
    parts = []
    for key, value in criteria.items():
        shown = "–" if value is None or value == "" else (
            ", ".join(map(str, value)) if isinstance(value, list) else str(value))
        parts.append(f"{CRITERIA_LABELS.get(key, key)}: {shown}")
    return "; ".join(parts)


def person_labels(user, person_ids_lists) -> dict[int, str]:
    """{person id: "Namn Efternamn (ÅÅÅÅMMDD-NNNN)"} for every id in the given lists, in one query."""
    wanted = {pk for ids in person_ids_lists for pk in ids}
    persons = Person.objects.in_bulk(wanted)
    labels = {}
    for pk in wanted:
        person = persons.get(pk)
        if person is None:
            labels[pk] = "okänd person"
            continue
        identity = access.person_identity(user, person)
        labels[pk] = f"{identity.name} ({identity.id_number})"
    return labels


def persons_text(person_ids, labels: dict[int, str], *, limit: int | None = None) -> str:
    shown = [labels.get(pk, "okänd person") for pk in person_ids]
    if limit is not None and len(shown) > limit:
        return ", ".join(shown[:limit]) + f" och {len(shown) - limit} till"
    return ", ".join(shown)
