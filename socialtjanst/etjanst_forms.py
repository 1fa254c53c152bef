"""Validation of an orosanmälan posted by a municipal e-tjänst (views/etjanst.py).

The JSON object is fed to a plain Django form, so the field errors come out in Swedish
and the rules live in one place; openapi.py describes the same fields."""

import json
import re

from django import forms
from django.forms.utils import from_current_timezone
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.date_window import validate_not_too_early

from .identity import parse_id_number
from .intake_service import IN_FUTURE, received_at_check  # noqa: F401 - IN_FUTURE: the API's messages in one place
from .models import ConcernCategory, Gender, ReporterCategory

UNAUTHORIZED = "Ogiltig eller saknad token."
INVALID_JSON = "Begäran måste vara ett JSON-objekt i UTF-8."
# An orosanmälan is a flat object of texts and one list of texts: a body larger than this, or nested
# deeper than the parser follows, is refused as bad data before any field is looked at.
MAX_BODY_BYTES = 256 * 1024
TOO_LARGE = "Begäran är för stor: högst 256 kB."
TOO_DEEP = "Begäran är för djupt nästlad: fälten är text eller listor med text."
NOT_TEXT = "Ange värdet som en textsträng."
NOT_LIST = "Ange en lista med värden."
UNKNOWN_FIELD = "Okänt fält."
BIRTH_IN_FUTURE = "Födelsedatumet kan inte ligga i framtiden."
MISSING_PERSON = (
    "Ange barnets personnummer, eller förnamn, efternamn och födelsedatum om personnummer saknas."
)
REQUIRED_WITHOUT_NUMBER = "Fältet är obligatoriskt när personnummer saknas."
INVALID_DATETIME = "Ange tidpunkten enligt ISO 8601, till exempel 2025-03-01T10:15:00+01:00."
INVALID_DATE = "Ange datumet som ÅÅÅÅ-MM-DD."
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def payload_from_body(body: bytes) -> dict:
    """The posted JSON object, or ValidationError with the API's Swedish message. Python's JSON parser
    recurses per level, so a deeply nested body raises RecursionError: that is the sender's error."""
    if len(body) > MAX_BODY_BYTES:
        raise forms.ValidationError(TOO_LARGE, code="too_large")
    try:
        payload = json.loads(body.decode("utf-8"))
    except RecursionError:
        raise forms.ValidationError(TOO_DEEP, code="too_deep") from None
    except (UnicodeDecodeError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        raise forms.ValidationError(INVALID_JSON, code="invalid_json")
    return payload


class TextField(forms.CharField):
    """A CharField that refuses JSON numbers, lists and objects instead of stringifying them."""

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise forms.ValidationError(NOT_TEXT, code="not_text")
        return super().to_python(value)


class TextListField(forms.MultipleChoiceField):
    def to_python(self, value):
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise forms.ValidationError(NOT_LIST, code="not_list")
        return value


class IsoDateTimeField(forms.DateTimeField):
    """Date and time, ISO 8601; without an offset it is Swedish local time. A bare date is
    refused: Django's input formats would silently make it midnight."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not ISO_DATETIME.match(value.strip()):
            raise forms.ValidationError(INVALID_DATETIME, code="invalid")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(INVALID_DATETIME, code="invalid")
        return from_current_timezone(parsed)


class IsoDateField(forms.DateField):
    default_error_messages = {"invalid": INVALID_DATE}
    input_formats = ["%Y-%m-%d"]

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise forms.ValidationError(INVALID_DATE, code="invalid")
        return super().to_python(value)


class ETjanstIntakeForm(forms.Form):
    """Field names are the API's (Swedish, as the e-tjänst suppliers read them)."""

    referens = TextField(max_length=100)
    inkom = IsoDateTimeField(validators=[validate_not_too_early])  # the future: clean_inkom
    anmalare_kategori = TextField()
    anmalare_kontakt = TextField(max_length=300, required=False)
    personnummer = TextField(max_length=13, required=False)
    fornamn = TextField(max_length=100, required=False)
    efternamn = TextField(max_length=100, required=False)
    fodelsedatum = IsoDateField(required=False, validators=[validate_not_too_early])
    kon = TextField(required=False)
    oro_kategorier = TextListField(choices=ConcernCategory.choices, required=False)
    beskrivning = TextField()

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.unknown_keys = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []

    # Choice fields as TextField + explicit check: ChoiceField would accept a JSON number
    # by stringifying it, and its message quotes the value back.
    def _choice(self, name, choices):
        value = self.cleaned_data[name]
        if value and value not in dict(choices):
            raise forms.ValidationError(
                "Ogiltigt värde. Tillåtna värden: %(allowed)s.", code="invalid_choice",
                params={"allowed": ", ".join(dict(choices))},
            )
        return value

    def clean_anmalare_kategori(self):
        return self._choice("anmalare_kategori", ReporterCategory.choices)

    def clean_kon(self):
        return self._choice("kon", Gender.choices) or Gender.UNKNOWN

    def clean_inkom(self):
        value = self.cleaned_data["inkom"]
        received_at_check(value)  # the web form's rule too (intake_service)
        return value

    def clean_fodelsedatum(self):
        value = self.cleaned_data["fodelsedatum"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(BIRTH_IN_FUTURE, code="in_future")
        return value

    def clean_personnummer(self):
        value = self.cleaned_data["personnummer"]
        return parse_id_number(value).canonical if value else ""

    def clean(self):
        data = super().clean()
        for key in self.unknown_keys:
            # Under the key itself: a misspelt optional field must not be dropped silently.
            self._errors[key] = self.error_class([UNKNOWN_FIELD])
        if data.get("personnummer") or "personnummer" in self.errors:
            return data
        missing = [f for f in ("fornamn", "efternamn", "fodelsedatum") if not data.get(f) and f not in self.errors]
        if len(missing) == 3:
            self.add_error("personnummer", forms.ValidationError(MISSING_PERSON, code="missing_person"))
        else:
            for name in missing:
                self.add_error(name, forms.ValidationError(REQUIRED_WITHOUT_NUMBER, code="required"))
        return data
