"""The e-tjänst intake API: a municipal e-tjänst posts an orosanmälan as JSON with its own
bearer token, and gets the intake's id back. No session, no cookies: the token is the only
credential, which is why CSRF protection does not apply."""

import hmac

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

# caseflow and services: the API's tests reach the service layer through these names to stage a lost race
# and a refusal; intake_service looks them up on the modules, so a patch there takes effect.
from .. import caseflow, intake_service, services  # noqa: F401
from ..audit import audit_case
from ..etjanst_forms import MAX_BODY_BYTES, TOO_LARGE, UNAUTHORIZED, ETjanstIntakeForm, payload_from_body
from ..etjanst_tokens import token_sha256
from ..models import AccessAction, Channel, EServiceClient, Intake, IntakeKind
from ..openapi import openapi_document


def _client_for(request) -> EServiceClient | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    digest = token_sha256(token)
    client = EServiceClient.objects.select_related("unit", "user").filter(token_sha256=digest).first()
    # The lookup is by hash already; the constant-time compare keeps it so if the lookup ever changes.
    if client is None or not hmac.compare_digest(client.token_sha256, digest):
        return None
    if not (client.active and client.user.is_active):
        return None
    return client


def _unauthorized() -> JsonResponse:
    response = JsonResponse({"fel": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


def _bad_request(errors: dict) -> JsonResponse:
    return JsonResponse({"fel": errors}, status=400, json_dumps_params={"ensure_ascii": False})


def _body(request) -> bytes:
    """The raw body; one declared larger than the API takes is refused unread."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise ValidationError(TOO_LARGE)
    return request.body


def _answer(intake: Intake, reference: str, created: bool) -> JsonResponse:
    # Only the id and the client's own reference: never a name or a personnummer.
    return JsonResponse({"id": intake.pk, "referens": reference, "skapad": created}, status=201 if created else 200,
                        json_dumps_params={"ensure_ascii": False})


def _register(client: EServiceClient, data: dict):
    return intake_service.intake_receive(
        by=client.user, unit=client.unit, kind=IntakeKind.REPORT, received_at=data["inkom"],
        person=intake_service.PersonDetails(
            id_number=data["personnummer"], first_name=data["fornamn"], last_name=data["efternamn"],
            birth_date=data["fodelsedatum"], gender=data["kon"],
        ),
        channel=Channel.E_SERVICE, reporter_category=data["anmalare_kategori"],
        reporter_contact=data["anmalare_kontakt"], concern_categories=data["oro_kategorier"],
        concern_text=data["beskrivning"], e_service_client=client, external_reference=data["referens"],
    )


@login_not_required
@csrf_exempt
@never_cache
@require_POST
def intake_create(request):
    client = _client_for(request)
    if client is None:
        return _unauthorized()
    # The history rows (pghistory) and everything downstream name the e-tjänst's system user.
    request.user = client.user
    try:
        payload = payload_from_body(_body(request))
    except ValidationError as exc:
        return _bad_request({NON_FIELD_ERRORS: exc.messages})
    form = ETjanstIntakeForm(payload)
    if not form.is_valid():
        return _bad_request({field: list(messages) for field, messages in form.errors.items()})
    data = form.cleaned_data
    try:
        receipt = _register(client, data)
    except ValidationError as exc:
        return _bad_request({NON_FIELD_ERRORS: exc.messages})
    intake, created = receipt.intake, receipt.created
    if not created:
        # A repeat discloses nothing but the id, yet it does look the case up: logged as a view.
        audit_case(user=client.user, action=AccessAction.VIEW, case=intake.case, object_type="Intake",
                   object_id=intake.pk)
    return _answer(intake, data["referens"], created)


@login_not_required
@require_GET
def openapi(request):
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
