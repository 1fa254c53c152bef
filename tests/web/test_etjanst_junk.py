"""Junk to the e-tjänst API: a body nested deeper than the JSON parser follows, one too large, and a NUL
character in a field each get 400 in the API's own format, with a Swedish message and nothing saved."""

import json

import pytest
from django.core.exceptions import NON_FIELD_ERRORS

from socialtjanst.etjanst_forms import MAX_BODY_BYTES, TOO_DEEP, TOO_LARGE
from socialtjanst.management.commands.create_etjanst_client import create_client
from tests.web.test_etjanst import counts, payload, post


@pytest.fixture
def etjanst(units):
    return create_client("Orosanmälan webb", units["own"])

DEEP = [
    ("deep_array", "[" * 100_000 + "]" * 100_000),
    ("deep_object", '{"a":' * 5_000 + "1" + "}" * 5_000),
    ("deep_inside_a_field", json.dumps(payload())[:-1] + ', "beskrivning": ' + "[" * 50_000 + "]" * 50_000 + "}"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b for _, b in DEEP], ids=[n for n, _ in DEEP])
def test_a_deeply_nested_body_is_400_with_a_swedish_message(etjanst, body):
    _, token = etjanst
    before = counts()
    response = post(token, body)
    assert response.status_code == 400
    assert response.json() == {"fel": {NON_FIELD_ERRORS: [TOO_DEEP]}}
    assert counts() == before


@pytest.mark.django_db
def test_a_body_over_the_limit_is_400_unread(etjanst):
    _, token = etjanst
    before = counts()
    body = json.dumps(payload(beskrivning="x" * MAX_BODY_BYTES))
    response = post(token, body)
    assert response.status_code == 400
    assert response.json() == {"fel": {NON_FIELD_ERRORS: [TOO_LARGE]}}
    assert counts() == before


@pytest.mark.django_db
def test_a_long_description_within_the_limit_is_accepted(etjanst):
    _, token = etjanst
    response = post(token, payload(beskrivning="x" * (MAX_BODY_BYTES - 1024)))
    assert response.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["referens", "beskrivning", "anmalare_kontakt"])
def test_a_nul_character_in_a_field_is_400(etjanst, field):
    _, token = etjanst
    before = counts()
    response = post(token, payload(**{field: "Före\u0000efter"}))
    assert response.status_code == 400
    assert response.json() == {"fel": {field: ["Null-tecken är inte tillåtna."]}}
    assert counts() == before


@pytest.mark.django_db
def test_a_nul_character_in_an_unknown_key_is_400(etjanst):
    _, token = etjanst
    response = post(token, payload(**{"okänd\u0000": "x"}))
    assert response.status_code == 400
    assert "okänd\u0000" in response.json()["fel"]
