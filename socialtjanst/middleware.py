"""Request id and client address for the access log, kept in context variables
so that audit.py can read them without being handed the request."""

import ipaddress
import uuid
from contextvars import ContextVar

from django.conf import settings

request_id_var: ContextVar[uuid.UUID | None] = ContextVar("request_id", default=None)
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)
# The request being served, for the JSON log's user id (socialtjanst.logging_setup); nothing else reads it.
current_request_var: ContextVar = ContextVar("current_request", default=None)


class RequestIdMiddleware:
    """A request id per request, returned in X-Request-ID and written to the access log and every log line.

    An incoming X-Request-ID (a uuid) is kept only from a trusted reverse proxy (TRUSTED_PROXY_IPS), so
    the proxy's log and ours share the id; from anyone else it is ignored, since a client could otherwise
    give many requests one id and blur the access log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = incoming_request_id(request.META) or uuid.uuid4()
        rid_token = request_id_var.set(rid)
        ip_token = client_ip_var.set(client_ip(request.META))
        request_token = current_request_var.set(request)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(rid_token)
            client_ip_var.reset(ip_token)
            current_request_var.reset(request_token)
        response["X-Request-ID"] = str(rid)
        return response


def incoming_request_id(meta) -> uuid.UUID | None:
    if meta.get("REMOTE_ADDR") not in settings.TRUSTED_PROXY_IPS:
        return None
    try:
        return uuid.UUID(meta.get("HTTP_X_REQUEST_ID", ""))
    except ValueError:
        return None


def client_ip(meta) -> str | None:
    """The address the access log records. REMOTE_ADDR, unless it is one of TRUSTED_PROXY_IPS: then
    the nearest X-Forwarded-For address that is not a trusted proxy. A forwarded header from anyone
    else is ignored, since any client can forge it (gunicorn never rewrites REMOTE_ADDR from it)."""
    remote = meta.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXY_IPS
    if remote not in trusted:
        return remote
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        if hop and hop not in trusted:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header: keep the proxy's address rather than log junk
    return remote
