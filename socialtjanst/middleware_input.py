"""Refuse a request whose address or form fields hold a NUL character, before any view sees it.

PostgreSQL stores no NUL in text or jsonb, so such a value fails deep inside a search query or the
access-log row (its criteria are jsonb) as a 500; no form, filter or parameter of ours means anything
by it. The answer is 400 with a short Swedish message: a page, or the API's JSON error shape."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

INVALID_CHARACTERS = "Ogiltiga tecken i anropet."
NUL = "\x00"
# Bodies Django parses into request.POST; a JSON body is the API's to judge (etjanst_forms).
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"


def _holds_nul(querydict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in querydict.lists())


def request_holds_nul(request) -> bool:
    if NUL in request.path_info or _holds_nul(request.GET):
        return True
    # CsrfViewMiddleware parses the same form body right after us, so reading it here costs nothing extra.
    return request.method == "POST" and request.content_type in FORM_CONTENT_TYPES and _holds_nul(request.POST)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_holds_nul(request):
            return bad_request_response(request, INVALID_CHARACTERS)
        return self.get_response(request)


def bad_request_response(request, message: str):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"fel": {NON_FIELD_ERRORS: [message]}}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    # Rendered without the request: the session and user are not loaded yet at this point.
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))
