"""OpenAPI 3.1 description of the e-tjänst intake API, served at /api/openapi.json.

Built from the model choices and the form's limits, so the document cannot drift from
what views/etjanst.py accepts."""

from django.urls import reverse

from .etjanst_forms import UNAUTHORIZED, ETjanstIntakeForm
from .models import ConcernCategory, Gender, ReporterCategory


def _choices(choices) -> dict:
    return {
        "enum": [value for value, _ in choices],
        "description": "; ".join(f"`{value}`: {label}" for value, label in choices),
    }


def _max(name: str) -> int:
    return ETjanstIntakeForm.base_fields[name].max_length


def request_schema() -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["referens", "inkom", "anmalare_kategori", "beskrivning"],
        "anyOf": [
            {"required": ["personnummer"]},
            {"required": ["fornamn", "efternamn", "fodelsedatum"]},
        ],
        "properties": {
            "referens": {
                "type": "string", "minLength": 1, "maxLength": _max("referens"),
                "description": "E-tjänstens egen referens. Samma referens två gånger ger samma aktualisering.",
            },
            "inkom": {
                "type": "string", "format": "date-time",
                "description": "När anmälan skickades in (ISO 8601). Utan tidszon tolkas tiden som svensk tid. "
                               "Får inte ligga i framtiden.",
            },
            "anmalare_kategori": {"type": "string", **_choices(ReporterCategory.choices)},
            "anmalare_kontakt": {
                "type": "string", "maxLength": _max("anmalare_kontakt"),
                "description": "Anmälarens namn och kontaktuppgifter, om anmälaren lämnat sådana.",
            },
            "personnummer": {
                "type": "string", "maxLength": _max("personnummer"), "examples": ["20150315-9806"],
                "description": "Barnets personnummer eller samordningsnummer (ÅÅÅÅMMDD-NNNN, ÅÅÅÅMMDDNNNN eller "
                               "ÅÅMMDD-NNNN). Utelämnas om det är okänt.",
            },
            "fornamn": {
                "type": "string", "maxLength": _max("fornamn"),
                "description": "Barnets förnamn. Obligatoriskt när personnummer saknas.",
            },
            "efternamn": {
                "type": "string", "maxLength": _max("efternamn"),
                "description": "Barnets efternamn. Obligatoriskt när personnummer saknas.",
            },
            "fodelsedatum": {
                "type": "string", "format": "date",
                "description": "Barnets födelsedatum (ÅÅÅÅ-MM-DD). Obligatoriskt när personnummer saknas; "
                               "barnet får då ett reservnummer.",
            },
            "kon": {
                "type": "string", "enum": Gender.values, "default": Gender.UNKNOWN.value,
                "description": "Barnets kön när personnummer saknas (annars läses det ur numret). "
                               + _choices(Gender.choices)["description"],
            },
            "oro_kategorier": {
                "type": "array", "uniqueItems": True,
                "items": {"type": "string", **_choices(ConcernCategory.choices)},
                "description": "Vad oron gäller.",
            },
            "beskrivning": {"type": "string", "minLength": 1, "description": "Anmälans text."},
        },
        "examples": [{
            "referens": "ET-2025-000123",
            "inkom": "2025-03-01T10:15:00+01:00",
            "anmalare_kategori": ReporterCategory.SCHOOL.value,
            "anmalare_kontakt": "Rektor, Demoskolan, 010-123 45 67",
            "personnummer": "20150315-9806",
            "oro_kategorier": [ConcernCategory.NEGLECT.value],
            "beskrivning": "Eleven har under flera veckor kommit till skolan utan mat och kläder efter väder.",
        }],
    }


def _json_of(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def openapi_document() -> dict:
    intake_path = reverse("api_etjanst_intake")
    error_400 = {
        "type": "object", "required": ["fel"], "additionalProperties": False,
        "properties": {"fel": {
            "type": "object",
            "description": "Felmeddelanden per fält; `__all__` för fel som inte gäller ett enskilt fält "
                           "(t.ex. ogiltig JSON).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }},
    }
    error_401 = {
        "type": "object", "required": ["fel"], "additionalProperties": False,
        "properties": {"fel": {"type": "string", "const": UNAUTHORIZED}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "IFO – e-tjänst för orosanmälningar",
            "version": "1.0.0",
            "description": "Kommunens e-tjänst lämnar orosanmälningar om barn. Varje anmälan registreras som en "
                           "aktualisering på e-tjänstens mottagningsenhet. Anropen autentiseras med e-tjänstens "
                           "token (Authorization: Bearer …) och loggas i åtkomstloggen.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            intake_path: {
                "post": {
                    "operationId": "createOrosanmalan",
                    "summary": "Lämna en orosanmälan",
                    "description": "Skapar en aktualisering (orosanmälan, kanal e-tjänst). Ogiltiga uppgifter ger "
                                   "400 och inget sparas. Samma referens igen ger 200 med samma id.",
                    "requestBody": {"required": True, "content": _json_of("Orosanmalan")},
                    "responses": {
                        "201": {"description": "Anmälan är registrerad.", "content": _json_of("Kvittens")},
                        "200": {"description": "Referensen var redan registrerad; samma aktualisering.",
                                "content": _json_of("Kvittens")},
                        "400": {"description": "Ogiltig JSON eller ogiltiga fält; inget har sparats.",
                                "content": _json_of("Valideringsfel")},
                        "401": {
                            "description": "Token saknas, är fel eller e-tjänsten är inaktiverad.",
                            "headers": {"WWW-Authenticate": {"schema": {"type": "string", "const": "Bearer"}}},
                            "content": _json_of("Autentiseringsfel"),
                        },
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http", "scheme": "bearer",
                    "description": "E-tjänstens token, skapad med `manage.py create_etjanst_client`.",
                },
            },
            "schemas": {
                "Orosanmalan": request_schema(),
                "Kvittens": {
                    "type": "object", "required": ["id", "referens", "skapad"], "additionalProperties": False,
                    "properties": {
                        "id": {"type": "integer", "description": "Aktualiseringens id i verksamhetssystemet."},
                        "referens": {"type": "string", "description": "E-tjänstens referens."},
                        "skapad": {"type": "boolean", "description": "false om referensen redan var registrerad."},
                    },
                },
                "Valideringsfel": error_400,
                "Autentiseringsfel": error_401,
            },
        },
    }
