"""Request id and client address for the access log, kept in context variables
so that audit.py can read them without being handed the request."""

import uuid
from contextvars import ContextVar

request_id_var: ContextVar[uuid.UUID | None] = ContextVar("request_id", default=None)
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            rid = uuid.UUID(request.headers.get("X-Request-ID", ""))
        except ValueError:
            rid = uuid.uuid4()
        # REMOTE_ADDR only: a forwarded header is trivially forged. Behind a proxy,
        # the proxy must set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
        rid_token = request_id_var.set(rid)
        ip_token = client_ip_var.set(request.META.get("REMOTE_ADDR") or None)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(rid_token)
            client_ip_var.reset(ip_token)
        response["X-Request-ID"] = str(rid)
        return response
